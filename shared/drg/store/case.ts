/**
 * The drgCases table: each provider's ledger of grouped cases for a year, and the readmission cuts
 * made to them. Keys (infra/topology.ts):
 *   case   pk=PROVIDER#<code>#YEAR#<yyyy>  sk=CASE#<claimNo>
 *   cut    pk=PROVIDER#<code>#YEAR#<yyyy>  sk=CASE#<claimNo>#READMISSION   (the earlier admission's)
 *   byRegionYear  gsi1pk=REGION#<code>#YEAR#<yyyy>: cases and cuts alike, so the year's points are
 *                 the sum of `centipoints` over the index (a cut carries a negative figure)
 *   byMemberDrg   gsi2pk=MEMBER#<id>#DRG#<drg>, gsi2sk=<discharge date>#…: DRG-paid cases only
 *                 (a sparse index), for the readmission rule
 * A case is never edited; a cut is a new item. A case is recorded in one transaction with its
 * CaseGrouped event in the outbox (shared/events/outbox.ts), which publishes it.
 */
import { queryAll } from '../../runtime/query-all.ts';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { failedConditions } from '../../runtime/condition-failure.ts';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import type { DrgPolicy } from '../policy.ts';
import type { Admission, ReadmissionCut } from '../readmission.ts';
import type { SettledCase } from '../settled-case.ts';

const caseKey = (provider: string, year: number, claimNo: string) => ({ pk: `PROVIDER#${provider}#YEAR#${year}`, sk: `CASE#${claimNo}` });
const cutKey = (provider: string, year: number, claimNo: string) => ({
  pk: `PROVIDER#${provider}#YEAR#${year}`,
  sk: `CASE#${claimNo}#READMISSION`,
});
const yearOf = (isoDate: string) => Number(isoDate.slice(0, 4));

interface ClaimKey {
  providerCode: string;
  claimNo: string;
}

export interface CaseItem {
  pk: string;
  sk: string;
  kind: 'case';
  claim: { providerCode: string; claimNo: string };
  memberId: string;
  region: string;
  year: number;
  admissionDate: string;
  dischargeDate: string;
  grouping: SettledCase['grouping'];
  points: Omit<SettledCase['points'], 'workings'>;
  workings: string[];
  centipoints: number;
  drgPaid: boolean;
  policy: { region: string; year: number; version: number };
  /** The cuts this case made to an earlier admission, or suffered from a later one, when recorded. */
  readmissionCuts: { earlier: ClaimKey; readmission: ClaimKey; daysBetween: number; deltaCentipoints: number }[];
  recordedAt: string;
  /** The id of the CaseGrouped event that announces the case (derived from the case: caseGroupedKey), committed with it. */
  caseGroupedEventId?: string;
}

/** The fact CaseGrouped reports, and so its event id and outbox key: one grouped case of a provider's year. */
export const caseGroupedKey = (providerCode: string, year: number, claimNo: string) => `drg/${providerCode}/${year}/${claimNo}/CaseGrouped`;

export function caseItem(
  settled: SettledCase,
  policy: DrgPolicy,
  cuts: readonly ReadmissionCut[],
  recordedAt: string,
): CaseItem & Record<string, unknown> {
  const { workings, ...points } = settled.points;
  const a = settled.admission;
  return {
    ...caseKey(settled.providerCode, settled.year, settled.claimNo),
    gsi1pk: `REGION#${settled.region}#YEAR#${settled.year}`,
    gsi1sk: `CASE#${settled.providerCode}#${settled.claimNo}`,
    ...(a.drgPaid
      ? {
          gsi2pk: `MEMBER#${settled.memberId}#DRG#${a.drg}`,
          gsi2sk: `${a.dischargeDate}#${settled.providerCode}#${settled.claimNo}`,
        }
      : {}),
    kind: 'case',
    claim: { providerCode: settled.providerCode, claimNo: settled.claimNo },
    memberId: settled.memberId,
    region: settled.region,
    year: settled.year,
    admissionDate: settled.admissionDate,
    dischargeDate: settled.dischargeDate,
    grouping: settled.grouping,
    points,
    workings,
    centipoints: points.centipoints,
    drgPaid: a.drgPaid,
    policy: { region: policy.region, year: policy.year, version: policy.document.version },
    readmissionCuts: cuts.map((c) => ({
      earlier: { providerCode: c.earlier.providerCode, claimNo: c.earlier.claimNo },
      readmission: { providerCode: c.readmission.providerCode, claimNo: c.readmission.claimNo },
      daysBetween: c.daysBetween,
      deltaCentipoints: c.deltaCentipoints,
    })),
    recordedAt,
    caseGroupedEventId: caseGroupedKey(settled.providerCode, settled.year, settled.claimNo),
  };
}

/** A cut to an earlier admission's points, filed in that admission's provider-year partition. */
export function cutItem(cut: ReadmissionCut, earlierRegion: string, recordedAt: string) {
  const e = cut.earlier;
  const year = yearOf(e.dischargeDate);
  return {
    ...cutKey(e.providerCode, year, e.claimNo),
    gsi1pk: `REGION#${earlierRegion}#YEAR#${year}`,
    gsi1sk: `CASE#${e.providerCode}#${e.claimNo}#READMISSION`,
    kind: 'readmission-cut',
    claim: { providerCode: e.providerCode, claimNo: e.claimNo },
    readmission: { providerCode: cut.readmission.providerCode, claimNo: cut.readmission.claimNo },
    daysBetween: cut.daysBetween,
    centipoints: cut.deltaCentipoints,
    recordedAt,
  };
}

export async function getCase(providerCode: string, year: number, claimNo: string): Promise<CaseItem | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName('drgCases'),
      Key: caseKey(providerCode, year, claimNo),
      ConsistentRead: true,
    }),
  );
  return out.Item as CaseItem | undefined;
}

export interface OtherAdmission extends Admission {
  region: string;
  alreadyCut: boolean;
}

/**
 * The member's recorded admissions to one DRG (byMemberDrg), with whether each was already cut.
 * A member has few admissions to one DRG, so all are read; the index is eventually consistent,
 * which at worst lets two admissions recorded within the same second miss each other.
 */
export async function admissionsToDrg(memberId: string, drg: string): Promise<OtherAdmission[]> {
  const client = dynamoDocumentClient();
  const items = await queryAll<CaseItem>(
    {
      TableName: tableName('drgCases'),
      IndexName: 'byMemberDrg',
      KeyConditionExpression: 'gsi2pk = :k',
      ExpressionAttributeValues: { ':k': `MEMBER#${memberId}#DRG#${drg}` },
    },
    { client },
  );

  return Promise.all(
    items.map(async (item) => {
      const cut = await client.send(
        new GetCommand({
          TableName: tableName('drgCases'),
          Key: cutKey(item.claim.providerCode, item.year, item.claim.claimNo),
          ConsistentRead: true,
        }),
      );
      return {
        providerCode: item.claim.providerCode,
        claimNo: item.claim.claimNo,
        drg: item.grouping.drg,
        admissionDate: item.admissionDate,
        dischargeDate: item.dischargeDate,
        centipoints: item.centipoints,
        drgPaid: item.drgPaid,
        region: item.region,
        alreadyCut: cut.Item !== undefined,
      };
    }),
  );
}

export type RecordOutcome = 'recorded' | 'already-recorded';

/**
 * Records a case, the readmission cuts it makes and its CaseGrouped event (outbox) in one
 * transaction, each write conditional on its key being new: a retry or a duplicate delivery writes
 * nothing. A cut that another case made meanwhile cancels the transaction; the message is then
 * retried and re-reads the state.
 */
export async function recordCase(
  item: CaseItem & Record<string, unknown>,
  cuts: Record<string, unknown>[],
  event: OutboxEntry,
): Promise<RecordOutcome> {
  const table = tableName('drgCases');
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          ...[item, ...cuts].map((Item) => ({
            Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
          })),
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
