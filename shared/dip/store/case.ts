/**
 * DIP cases in the drgCases table, recorded the way DRG cases are (shared/drg/store/case.ts), with
 * `method: 'dip'`, so a provider's year holds its cases of either method side by side:
 *   case   pk=PROVIDER#<code>#YEAR#<yyyy>  sk=DIP#<claimNo>
 *   byRegionYear  gsi1pk=REGION#<code>#YEAR#<yyyy>#DIP: the region-year's DIP points alone (the DRG
 *                 partition's sum stays DRG points)
 * A case is never edited; it is recorded in one transaction with its CaseGrouped event (method dip)
 * in the outbox, conditional on being new.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { failedConditions } from '../../runtime/condition-failure.ts';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import type { DipPolicy } from '../policy.ts';
import type { DipSettledCase } from '../settled-case.ts';

const caseKey = (provider: string, year: number, claimNo: string) => ({ pk: `PROVIDER#${provider}#YEAR#${year}`, sk: `DIP#${claimNo}` });

export interface DipCaseItem {
  pk: string;
  sk: string;
  kind: 'case';
  method: 'dip';
  claim: { providerCode: string; claimNo: string };
  memberId: string;
  region: string;
  year: number;
  admissionDate: string;
  dischargeDate: string;
  dip: Omit<DipSettledCase['result'], 'workings'>;
  workings: string[];
  centipoints: number;
  policy: { region: string; year: number; version: number };
  /** The CaseGrouped event (method dip) committed with it. */
  caseGroupedEventId: string;
  recordedAt: string;
}

/** The fact CaseGrouped (method dip) reports, and so its event id and outbox key. */
export const dipCaseGroupedKey = (providerCode: string, year: number, claimNo: string) =>
  `dip/${providerCode}/${year}/${claimNo}/CaseGrouped`;

export function dipCaseItem(settled: DipSettledCase, policy: DipPolicy, recordedAt: string): DipCaseItem & Record<string, unknown> {
  const { workings, ...dip } = settled.result;
  return {
    ...caseKey(settled.providerCode, settled.year, settled.claimNo),
    gsi1pk: `REGION#${settled.region}#YEAR#${settled.year}#DIP`,
    gsi1sk: `DIP#${settled.providerCode}#${settled.claimNo}`,
    kind: 'case',
    method: 'dip',
    claim: { providerCode: settled.providerCode, claimNo: settled.claimNo },
    memberId: settled.memberId,
    region: settled.region,
    year: settled.year,
    admissionDate: settled.admissionDate,
    dischargeDate: settled.dischargeDate,
    dip,
    workings,
    centipoints: dip.centipoints,
    policy: { region: policy.region, year: policy.year, version: policy.version },
    caseGroupedEventId: dipCaseGroupedKey(settled.providerCode, settled.year, settled.claimNo),
    recordedAt,
  };
}

export async function getDipCase(providerCode: string, year: number, claimNo: string): Promise<DipCaseItem | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('drgCases'), Key: caseKey(providerCode, year, claimNo), ConsistentRead: true }),
  );
  return out.Item as DipCaseItem | undefined;
}

/** Records the case and its CaseGrouped in one transaction; a retry or a duplicate writes nothing. */
export async function recordDipCase(
  item: DipCaseItem & Record<string, unknown>,
  event: OutboxEntry,
): Promise<'recorded' | 'already-recorded'> {
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName('drgCases'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          outboxPut(event),
        ],
      }),
    );
    return 'recorded';
  } catch (error) {
    if (failedConditions(error).includes(0)) return 'already-recorded';
    throw error;
  }
}
