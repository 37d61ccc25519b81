/**
 * The long-term care table (`longTermCare`, infra/topology.ts). Every key:
 *
 *   ASSESSOR#<staff id>            PROFILE                       an assessor: regions assessed in, qualification, validity
 *                                  REV#<nnnn>                    its append-only history
 *   INSTITUTION#<provider>         CERT#<nnnn>                   a care institution's certification (settings, beds), append-only; newest in force
 *   ASSESSMENT#<id>                STATE                         the assessment as it stands (version = steps recorded)
 *                                  STEP#<nnnn>                   its append-only log: step, round, who, when, detail
 *   MEMBER#<id>                    OPEN-ASSESSMENT               the member's one open application (none once concluded; an appeal reopens it)
 *                                  LEVEL#<validFrom>#<assessment>#<round>   a concluded result (byRegion: LEVELS#<region>)
 *                                  STAY#<admission>#<provider>#<claimNo>    an inpatient stay, from ClaimSettled (reversed: removed)
 *                                  DEATH                         the date of death a discharge recorded (the earliest stands)
 *                                  FUNDING#<YYYY-MM>             an employee's month of care funding, from EmployeeContributionPaid (byRegionMonth)
 *                                  FUNDING#RESIDENT#<YYYY>       a resident's year of care funding, from ContributionRecorded (byRegionMonth)
 *                                  EVENT#<eventId>               an event applied (the consumer's idempotency)
 *   CARECLAIM#<provider>#<member>#<month>   CLAIM                the claim: state, settlementNo, statement (byInstitutionMonth, byRegionMonth)
 *                                  LEDGER#<nnnn>#0-SETTLEMENT | #1-REVERSAL   the fund's entries (a reversal negative)
 *                                  FINDING#<eventId>#<rule>      a finding learned after settlement
 *   LTCFUND#<region>#<YYYY>        INCOME#<month>#<source>#<fact>   the fund's ledger (append-only): one entry per source of each
 *                                  SPEND#<month>#<setting>#<claim>#<n>#<0|1>   funding fact (fact: <member>#<month|year>), one per
 *                                                                setting of each care claim settled (1: its reversal, negative)
 *   OCCUPANCY#<provider>#<month>   BEDS                          the members the institution's month has a settled institutional
 *                                                                claim for (members, version): written in every institutional
 *                                                                settlement and reversal, conditional on the version read, so
 *                                                                the beds rule counts exactly under simultaneous claims
 *
 * Indexes: byInstitutionMonth (gsi1) INSTITUTION#<provider>#<month> → its claims by member (the beds rule);
 * byRegion (gsi2) REGION#<region>#<month> → claims (CLAIM#<member>#<provider>) and funding (FUNDING#<member>)
 * of a region's month, and LEVELS#<region> → results (reports).
 */
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandInput, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons } from '../../runtime/condition-failure.ts';
import { queryAll as queryEvery } from '../../runtime/query-all.ts';
import { tableName } from '../../runtime/resource-names.ts';
import type { Assessment, LevelRecord, StepEntry } from '../assessment.ts';
import type { CareClaimInput, CareStatement, Finding, InpatientStay } from '../care-claim.ts';
import type { CareSetting } from '../policy.ts';
import { type CareScheme, type FundEntry, type FundingParts, type FundingSource, partsBySource } from '../funding.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
const table = () => tableName('longTermCare');
const pad = (n: number) => String(n).padStart(4, '0');
const client = () => dynamoDocumentClient();

export const keys = {
  assessor: (id: string) => `ASSESSOR#${id}`,
  institution: (code: string) => `INSTITUTION#${code}`,
  assessment: (id: string) => `ASSESSMENT#${id}`,
  member: (id: string) => `MEMBER#${id}`,
  claim: (provider: string, member: string, month: string) => `CARECLAIM#${provider}#${member}#${month}`,
  institutionMonth: (provider: string, month: string) => `INSTITUTION#${provider}#${month}`,
  regionMonth: (region: string, month: string) => `REGION#${region}#${month}`,
  levels: (region: string) => `LEVELS#${region}`,
  occupancy: (provider: string, month: string) => `OCCUPANCY#${provider}#${month}`,
  fund: (region: string, year: string | number) => `LTCFUND#${region}#${year}`,
};

export async function transact(items: TransactItem[]): Promise<{ ok: true } | { ok: false; reasons: string[] }> {
  try {
    await client().send(new TransactWriteCommand({ TransactItems: items }));
    return { ok: true };
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons) return { ok: false, reasons: reasons.map((r) => r.Code ?? 'None') };
    if ((error as { name?: string }).name === 'TransactionConflictException') return { ok: false, reasons: ['TransactionConflict'] };
    throw error;
  }
}

const get = async <T>(pk: string, sk: string): Promise<T | undefined> =>
  (await client().send(new GetCommand({ TableName: table(), Key: { pk, sk }, ConsistentRead: true }))).Item as T | undefined;

/** Every item of a query on this table, through the one paging adapter. */
const queryAll = <T>(input: Omit<QueryCommandInput, 'TableName'>): Promise<T[]> => queryEvery<T>({ TableName: table(), ...input });

const prefix = (pk: string, p: string) =>
  queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': pk, ':p': p },
    ConsistentRead: true,
  });

// ---------------------------------------------------------------------------------------------
// Assessors and care institutions
// ---------------------------------------------------------------------------------------------

export interface AssessorRecord {
  assessorId: string;
  regions: string[];
  qualification: string;
  validFrom: string;
  validTo: string;
  active: boolean;
  version: number;
  by: string;
  at: string;
}

export const readAssessor = (id: string) => get<AssessorRecord & { pk: string }>(keys.assessor(id), 'PROFILE');

/** A new version of an assessor's record (conditional on the version read). */
export async function writeAssessor(record: AssessorRecord): Promise<boolean> {
  const pk = keys.assessor(record.assessorId);
  const result = await transact([
    {
      Put: {
        TableName: table(),
        Item: { pk, sk: 'PROFILE', kind: 'assessor', ...record },
        ConditionExpression: record.version === 1 ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(record.version === 1 ? {} : { ExpressionAttributeValues: { ':v': record.version - 1 } }),
      },
    },
    {
      Put: {
        TableName: table(),
        Item: { pk, sk: `REV#${pad(record.version)}`, kind: 'assessor-revision', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ]);
  return result.ok;
}

export const assessorHistory = async (id: string) => (await prefix(keys.assessor(id), 'REV#')) as unknown as AssessorRecord[];

export interface InstitutionCertification {
  providerCode: string;
  region: string;
  settings: CareSetting[];
  beds: number;
  validFrom: string;
  validTo: string;
  reason: string;
  version: number;
  by: string;
  at: string;
}

export async function institutionHistory(code: string): Promise<InstitutionCertification[]> {
  return (await prefix(keys.institution(code), 'CERT#')).reverse() as unknown as InstitutionCertification[];
}

export async function writeInstitution(cert: InstitutionCertification, event: OutboxEntry): Promise<boolean> {
  return (
    await transact([
      {
        Put: {
          TableName: table(),
          Item: { pk: keys.institution(cert.providerCode), sk: `CERT#${pad(cert.version)}`, kind: 'institution', ...cert },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      outboxPut(event),
    ])
  ).ok;
}

// ---------------------------------------------------------------------------------------------
// Assessments
// ---------------------------------------------------------------------------------------------

export const readAssessment = (id: string) => get<Assessment>(keys.assessment(id), 'STATE');

export async function readSteps(id: string): Promise<StepEntry[]> {
  return (await prefix(keys.assessment(id), 'STEP#')).map(({ pk: _pk, sk: _sk, kind: _k, ...e }) => e) as unknown as StepEntry[];
}

export const openAssessmentOf = (memberId: string) => get<{ assessmentId: string }>(keys.member(memberId), 'OPEN-ASSESSMENT');

export interface AssessmentWrite {
  before: Assessment | undefined;
  after: Assessment;
  entries: StepEntry[];
  events: OutboxEntry[];
  /** The member's open-application marker: claim it (application, appeal) or release it (conclusion). */
  open?: 'claim' | 'release';
  level?: LevelRecord;
}

/**
 * One step, whole or not at all: the state moved only from the version read, each log entry new, the
 * member's open marker, the level record and the events in the same transaction.
 */
export async function writeAssessmentStep(w: AssessmentWrite): Promise<{ ok: true } | { ok: false; reasons: string[] }> {
  const pk = keys.assessment(w.after.assessmentId);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table(),
        Item: { pk, sk: 'STATE', kind: 'assessment', ...stripUndefined(w.after) },
        ConditionExpression: w.before ? 'version = :v' : 'attribute_not_exists(pk)',
        ...(w.before ? { ExpressionAttributeValues: { ':v': w.before.version } } : {}),
      },
    },
    ...w.entries.map(
      (e): TransactItem => ({
        Put: {
          TableName: table(),
          Item: { pk, sk: `STEP#${pad(e.seq)}`, kind: 'assessment-step', ...stripUndefined(e) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
    ...w.events.map(outboxPut),
  ];
  const member = keys.member(w.after.memberId);
  if (w.open === 'claim')
    items.push({
      Put: {
        TableName: table(),
        Item: { pk: member, sk: 'OPEN-ASSESSMENT', assessmentId: w.after.assessmentId, at: w.after.updatedAt },
        ConditionExpression: 'attribute_not_exists(pk) OR assessmentId = :id',
        ExpressionAttributeValues: { ':id': w.after.assessmentId },
      },
    });
  if (w.open === 'release') items.push({ Delete: { TableName: table(), Key: { pk: member, sk: 'OPEN-ASSESSMENT' } } });
  if (w.level) {
    const l = w.level;
    items.push({
      Put: {
        TableName: table(),
        Item: {
          pk: member,
          sk: `LEVEL#${l.validFrom}#${l.assessmentId}#${l.round}`,
          kind: 'level',
          memberId: w.after.memberId,
          ...l,
          gsi2pk: keys.levels(l.region),
          gsi2sk: `${l.validFrom}#${w.after.memberId}#${l.round}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return transact(items);
}

export async function levelsOf(memberId: string): Promise<LevelRecord[]> {
  return (await prefix(keys.member(memberId), 'LEVEL#')).map(levelRecordOf);
}

const levelRecordOf = (i: Record<string, unknown>): LevelRecord => ({
  assessmentId: i.assessmentId as string,
  round: i.round as number,
  level: i.level as LevelRecord['level'],
  qualifies: i.qualifies as boolean,
  validFrom: i.validFrom as string,
  validTo: i.validTo as string,
  concludedAt: i.concludedAt as string,
  region: i.region as string,
});

/** Every result concluded in a region, with the member (the report's members by level). */
export async function levelsOfRegion(region: string): Promise<(LevelRecord & { memberId: string })[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'byRegion',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.levels(region) },
  });
  return items.map((i) => ({ ...levelRecordOf(i), memberId: i.memberId as string }));
}

// ---------------------------------------------------------------------------------------------
// Stays, deaths, funding: projections of other domains' events
// ---------------------------------------------------------------------------------------------

export async function staysOf(memberId: string): Promise<InpatientStay[]> {
  return (await prefix(keys.member(memberId), 'STAY#')).map((i) => ({
    providerCode: i.providerCode as string,
    claimNo: i.claimNo as string,
    admissionDate: i.admissionDate as string,
    dischargeDate: i.dischargeDate as string,
  }));
}

export async function deathOf(memberId: string): Promise<string | undefined> {
  return (await get<{ diedOn: string }>(keys.member(memberId), 'DEATH'))?.diedOn;
}

/** Marks an event applied and writes what it says, at most once (false: already applied). */
export async function applyOnce(memberId: string, eventId: string, writes: TransactItem[]): Promise<boolean> {
  const result = await transact([
    {
      Put: {
        TableName: table(),
        Item: { pk: keys.member(memberId), sk: `EVENT#${eventId}`, at: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...writes,
  ]);
  return result.ok;
}

export const stayPut = (memberId: string, stay: InpatientStay & { region: string }): TransactItem => ({
  Put: {
    TableName: table(),
    Item: { pk: keys.member(memberId), sk: `STAY#${stay.admissionDate}#${stay.providerCode}#${stay.claimNo}`, kind: 'stay', ...stay },
  },
});

export const stayDelete = (memberId: string, stay: InpatientStay): TransactItem => ({
  Delete: { TableName: table(), Key: { pk: keys.member(memberId), sk: `STAY#${stay.admissionDate}#${stay.providerCode}#${stay.claimNo}` } },
});

/** The earliest recorded death stands. */
export async function recordDeath(memberId: string, diedOn: string): Promise<void> {
  try {
    await client().send(
      new PutCommand({
        TableName: table(),
        Item: { pk: keys.member(memberId), sk: 'DEATH', diedOn },
        ConditionExpression: 'attribute_not_exists(pk) OR diedOn > :d',
        ExpressionAttributeValues: { ':d': diedOn },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
}

export interface FundingMonth extends FundingParts {
  memberId: string;
  region: string;
  /** The accounting month (an employee's paid month; the month a resident's year was completed). */
  month: string;
  /** Absent on months recorded before residents were funded: employee. */
  scheme?: CareScheme;
  /** A resident's year (residents are funded by the year). */
  year?: number;
  /** An employee's wage base of the month. */
  wageBaseFen?: number;
  coveredMonths?: number;
  policyVersion: number;
  sourceEventId: string;
}

/** The funding fact's natural key: an employee's month, a resident's year. */
const fundingFact = (f: FundingMonth): string => (f.scheme === 'resident' ? `${f.memberId}#${f.year}` : `${f.memberId}#${f.month}`);

/**
 * The funding record (once per member and month, or member and year) and its ledger entries, one per
 * source, each new: a redelivered or repeated fact writes nothing (the whole transaction is refused).
 */
export const fundingPuts = (f: FundingMonth): TransactItem[] => {
  const fact = fundingFact(f);
  const entries = Object.entries(partsBySource(f)).filter(([, fen]) => fen !== 0) as [FundingSource, number][];
  return [
    {
      Put: {
        TableName: table(),
        Item: {
          pk: keys.member(f.memberId),
          sk: f.scheme === 'resident' ? `FUNDING#RESIDENT#${f.year}` : `FUNDING#${f.month}`,
          kind: 'funding',
          ...f,
          gsi2pk: keys.regionMonth(f.region, f.month),
          gsi2sk: `FUNDING#${f.memberId}${f.scheme === 'resident' ? '#RESIDENT' : ''}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...entries.map(
      ([source, amountFen]): TransactItem => ({
        Put: {
          TableName: table(),
          Item: {
            pk: keys.fund(f.region, f.month.slice(0, 4)),
            sk: `INCOME#${f.month}#${source}#${fact}`,
            kind: 'fund-income',
            month: f.month,
            scheme: f.scheme ?? 'employee',
            source,
            amountFen,
            fact,
            sourceEventId: f.sourceEventId,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
  ];
};

/** The care fund's ledger of a region's year: income by source and scheme, spending by setting. */
export async function fundLedgerOf(region: string, year: number): Promise<FundEntry[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.fund(region, year) },
    ConsistentRead: true,
  });
  return items.map((i) =>
    i.kind === 'fund-income'
      ? {
          kind: 'income',
          month: i.month as string,
          scheme: i.scheme as CareScheme,
          source: i.source as FundingSource,
          amountFen: i.amountFen as number,
        }
      : { kind: 'spending', month: i.month as string, setting: i.setting as CareSetting, amountFen: i.amountFen as number },
  );
}

// ---------------------------------------------------------------------------------------------
// Care claims
// ---------------------------------------------------------------------------------------------

export interface CareClaimRecord {
  providerCode: string;
  memberId: string;
  month: string;
  region: string;
  state: 'settled' | 'reversed';
  settlementNo: number;
  request: CareClaimInput;
  /** The request's canonical text: the same again is a replay, other content a conflict. */
  requestDigest: string;
  statement: CareStatement;
  /** Whether the claim billed institutional care (the beds rule counts these members). */
  institutional: boolean;
  settledAt: string;
  settledBy: string;
  reversal?: { at: string; by: string; reason: string } | undefined;
  laterFindings?: (Finding & { when: 'after-settlement'; learnedAt: string; eventId: string })[] | undefined;
}

const claimKey = (c: Pick<CareClaimRecord, 'providerCode' | 'memberId' | 'month'>) => ({
  pk: keys.claim(c.providerCode, c.memberId, c.month),
  sk: 'CLAIM',
});

export const readCareClaim = (provider: string, member: string, month: string) =>
  get<CareClaimRecord>(keys.claim(provider, member, month), 'CLAIM');

export async function readLedger(provider: string, member: string, month: string): Promise<Record<string, unknown>[]> {
  return (await prefix(keys.claim(provider, member, month), 'LEDGER#')).map(({ pk: _p, ...e }) => e);
}

/** Members of an institution's month with a settled institutional claim (the beds rule). */
export async function institutionalMembers(provider: string, month: string): Promise<string[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'byInstitutionMonth',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.institutionMonth(provider, month) },
  });
  return items.filter((i) => i.state === 'settled' && i.institutional === true).map((i) => i.memberId as string);
}

/**
 * An institution's month as the beds rule counts it: the members with a settled institutional claim,
 * and the version every write of it is conditional on. Version 0: never written (a month whose claims
 * predate the item is read from the claims index, and the first write creates the item from that).
 */
export interface Occupancy {
  providerCode: string;
  month: string;
  members: string[];
  version: number;
}

export async function readOccupancy(provider: string, month: string): Promise<Occupancy> {
  const item = await get<Occupancy>(keys.occupancy(provider, month), 'BEDS');
  if (item) return { providerCode: provider, month, members: item.members, version: item.version };
  return { providerCode: provider, month, members: await institutionalMembers(provider, month), version: 0 };
}

/**
 * The occupancy's next version, with `memberId` in or out: one item of the settling or reversing
 * transaction, conditional on the version read, so two claims settled at the same moment cannot both
 * count the same free bed (the second is cancelled and settles again on the new count).
 */
export function occupancyWrite(read: Occupancy, memberId: string, present: boolean): TransactItem {
  const members = new Set(read.members);
  if (present) members.add(memberId);
  else members.delete(memberId);
  return {
    Put: {
      TableName: table(),
      Item: {
        pk: keys.occupancy(read.providerCode, read.month),
        sk: 'BEDS',
        kind: 'occupancy',
        providerCode: read.providerCode,
        month: read.month,
        members: [...members].sort(),
        version: read.version + 1,
      },
      ConditionExpression: read.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(read.version === 0 ? {} : { ExpressionAttributeValues: { ':v': read.version } }),
    },
  };
}

/** A region's month: its care claims and its funding months. */
export async function regionMonth(region: string, month: string): Promise<{ claims: CareClaimRecord[]; funding: FundingMonth[] }> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'byRegion',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.regionMonth(region, month) },
  });
  return {
    claims: items.filter((i) => i.kind === 'care-claim') as unknown as CareClaimRecord[],
    funding: items.filter((i) => i.kind === 'funding') as unknown as FundingMonth[],
  };
}

/** A member's care claims of a month in a region (the re-audit when a stay or a death is learned). */
export async function memberClaimsOfMonth(region: string, memberId: string, month: string): Promise<CareClaimRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'byRegion',
    KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
    ExpressionAttributeValues: { ':pk': keys.regionMonth(region, month), ':p': `CLAIM#${memberId}#` },
  });
  return items as unknown as CareClaimRecord[];
}

const claimItem = (c: CareClaimRecord) => ({
  ...claimKey(c),
  kind: 'care-claim',
  ...stripUndefined(c),
  gsi1pk: keys.institutionMonth(c.providerCode, c.month),
  gsi1sk: c.memberId,
  gsi2pk: keys.regionMonth(c.region, c.month),
  gsi2sk: `CLAIM#${c.memberId}#${c.providerCode}`,
});

/** The fund's spending entries of a settlement (or its reversal, negative): one per setting the fund paid. */
const fundSpendingPuts = (c: CareClaimRecord, entry: 'SETTLEMENT' | 'REVERSAL', sign: 1 | -1, at: string): TransactItem[] =>
  c.statement.lines
    .filter((l) => l.fundPaidFen !== 0)
    .map((l) => ({
      Put: {
        TableName: table(),
        Item: {
          pk: keys.fund(c.region, c.month.slice(0, 4)),
          sk: `SPEND#${c.month}#${l.setting}#${c.providerCode}#${c.memberId}#${pad(c.settlementNo)}#${entry === 'SETTLEMENT' ? '0' : '1'}`,
          kind: 'fund-spending',
          month: c.month,
          setting: l.setting,
          amountFen: sign * l.fundPaidFen,
          providerCode: c.providerCode,
          memberId: c.memberId,
          settlementNo: c.settlementNo,
          at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));

const ledgerPut = (c: CareClaimRecord, entry: 'SETTLEMENT' | 'REVERSAL', sign: 1 | -1, at: string): TransactItem => ({
  Put: {
    TableName: table(),
    Item: {
      pk: keys.claim(c.providerCode, c.memberId, c.month),
      sk: `LEDGER#${pad(c.settlementNo)}#${entry === 'SETTLEMENT' ? '0' : '1'}-${entry}`,
      kind: 'care-ledger',
      entry,
      settlementNo: c.settlementNo,
      fundPaidFen: sign * c.statement.totals.fundPaidFen,
      memberPaidFen: sign * c.statement.totals.memberPaidFen,
      at,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/**
 * Settles (first, or again after a reversal): conditional on the state read, with its ledger entry,
 * events and, for institutional care, the institution's occupancy as read (the last item, so a caller
 * can tell a count that moved from a claim that did).
 */
export async function writeSettlement(
  c: CareClaimRecord,
  previous: CareClaimRecord | undefined,
  events: OutboxEntry[],
  occupancy?: TransactItem,
) {
  return transact([
    {
      Put: {
        TableName: table(),
        Item: claimItem(c),
        ConditionExpression: previous ? '#s = :reversed AND settlementNo = :n' : 'attribute_not_exists(pk)',
        ...(previous
          ? {
              ExpressionAttributeNames: { '#s': 'state' },
              ExpressionAttributeValues: { ':reversed': 'reversed', ':n': previous.settlementNo },
            }
          : {}),
      },
    },
    ledgerPut(c, 'SETTLEMENT', 1, c.settledAt),
    ...fundSpendingPuts(c, 'SETTLEMENT', 1, c.settledAt),
    ...events.map(outboxPut),
    ...(occupancy ? [occupancy] : []),
  ]);
}

export async function writeReversal(reversed: CareClaimRecord, events: OutboxEntry[], occupancy?: TransactItem) {
  return transact([
    {
      Put: {
        TableName: table(),
        Item: claimItem(reversed),
        ConditionExpression: '#s = :settled AND settlementNo = :n',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':settled': 'settled', ':n': reversed.settlementNo },
      },
    },
    ledgerPut(reversed, 'REVERSAL', -1, reversed.reversal!.at),
    ...fundSpendingPuts(reversed, 'REVERSAL', -1, reversed.reversal!.at),
    ...events.map(outboxPut),
    ...(occupancy ? [occupancy] : []),
  ]);
}

/** A finding learned after settlement, recorded on the claim once per event and rule. */
export async function addLaterFinding(
  c: CareClaimRecord,
  finding: NonNullable<CareClaimRecord['laterFindings']>[number],
  event: OutboxEntry,
) {
  return transact([
    {
      Put: {
        TableName: table(),
        Item: {
          pk: keys.claim(c.providerCode, c.memberId, c.month),
          sk: `FINDING#${finding.eventId}#${finding.rule}`,
          kind: 'care-finding',
          ...stripUndefined(finding),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: table(),
        Key: claimKey(c),
        UpdateExpression: 'SET laterFindings = list_append(if_not_exists(laterFindings, :empty), :f)',
        ConditionExpression: 'settlementNo = :n',
        ExpressionAttributeValues: { ':empty': [], ':f': [stripUndefined(finding)], ':n': c.settlementNo },
      },
    },
    outboxPut(event),
  ]);
}

export async function deleteItem(pk: string, sk: string): Promise<void> {
  await client().send(new DeleteCommand({ TableName: table(), Key: { pk, sk } }));
}

/** DynamoDB's document client refuses undefined attributes; optional fields left unset are dropped. */
function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
