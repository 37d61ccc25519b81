import { queryAll } from '../../runtime/query-all.ts';
import { tableName } from '../../runtime/resource-names.ts';
import type { CaseFacts } from '../case-mix.ts';

interface CaseMixItem {
  kind?: string;
  claim?: { providerCode: string; claimNo: string };
  grouping?: { drg?: string | null; mdc?: string | null };
  dip?: { group?: string | null };
  centipoints?: number;
}

/**
 * A region-year's grouped cases and cuts, DRG and DIP (the byRegionYear index's two partitions), as
 * the case mix reads them: group, MDC and points only. Cases stay as recorded: a reversed claim's case
 * is withdrawn in the payment projection (shared/budget/store/facts.ts), not here.
 */
export async function regionCaseFacts(region: string, year: number): Promise<CaseFacts[]> {
  const read = (partition: string) =>
    queryAll<CaseMixItem>({
      TableName: tableName('drgCases'),
      IndexName: 'byRegionYear',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': partition },
      ProjectionExpression: '#kind, #method, #claim, #grouping, #dip, centipoints',
      ExpressionAttributeNames: { '#kind': 'kind', '#method': 'method', '#claim': 'claim', '#grouping': 'grouping', '#dip': 'dip' },
    });
  const [drg, dip] = await Promise.all([read(`REGION#${region}#YEAR#${year}`), read(`REGION#${region}#YEAR#${year}#DIP`)]);
  // A cut carries the earlier case's claim, not its group: it takes the group of that case.
  const claimOf = (i: CaseMixItem) => `${i.claim?.providerCode}#${i.claim?.claimNo}`;
  const groupOf = new Map(drg.filter((i) => i.kind === 'case').map((i) => [claimOf(i), i.grouping] as const));
  return [
    ...drg.map((i): CaseFacts => {
      const grouping = i.kind === 'case' ? i.grouping : groupOf.get(claimOf(i));
      return {
        kind: i.kind === 'case' ? 'case' : 'readmission-cut',
        method: 'drg',
        group: grouping?.drg ?? null,
        mdc: grouping?.mdc ?? null,
        centipoints: Number(i.centipoints ?? 0),
      };
    }),
    ...dip.map(
      (i): CaseFacts => ({ kind: 'case', method: 'dip', group: i.dip?.group ?? null, mdc: null, centipoints: Number(i.centipoints ?? 0) }),
    ),
  ];
}
