/**
 * Claims, their ledger, and the member's year accumulators (DynamoDB adapter).
 *
 * A settlement commits four items in one TransactWriteItems, or nothing:
 *   claims        CLAIM#<provider>#<claimNo> / CLAIM                     the claim, now settled (settlement n)
 *   claims        CLAIM#<provider>#<claimNo> / LEDGER#<n>#0-SETTLEMENT   the positive ledger entry
 *   accumulators  MEMBER#<id> / YEAR#<yyyy>                              counters + deltas, if the version is still the one read
 *   accumulators  MEMBER#<id> / YEAR#<yyyy>#CLAIM#<provider>#<claimNo>   which claim moved which counters
 * A reversal commits the same four: the claim marked reversed, a negative LEDGER#<n>#1-REVERSAL entry,
 * the counters minus that settlement's deltas (again under a version check), the marker reversed.
 * When the claim moved the counters of the member's household (the family self-pay cap, counted per
 * household), a fifth item moves them too, under its own version check:
 *   accumulators  HOUSEHOLD#<id> / YEAR#<yyyy>                           the household's counters + deltas
 * so two members of one household settling at once cannot both take the room left under its cap.
 * When the personal account pays (or gets back) part of the patient's share, its items follow
 * (shared/accounts/store/accounts.ts `accountWriteItems`: the account at the version read, its new
 * ledger entry), so the debit is exact and a lost race on it is retried like the counters'.
 *
 * Conditions make every write safe to race or repeat: the claim item is new, or the settlement it
 * replaces is still the reversed one read; the accumulators' versions are the ones read. A lost race on
 * an accumulator (the member's or the household's) is retried by the caller with fresh counters; a lost race on the claim means
 * another request settled it first, and the caller answers from what that one stored.
 *
 * Each commit also writes the event it reports into the outbox (shared/events/outbox.ts), in the
 * same transaction: the event exists exactly when the state does.
 *
 * Bill and statement are stored gzipped; a bill too large for that (2,000 lines that compress badly)
 * in parts beside the claim (`toItems`), so no bill the API accepts meets DynamoDB's 400 KB item limit.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, shardOf, type OutboxEntry, type OutboxTransactItem } from '../../events/outbox.ts';
import {
  householdAccumulatorKey,
  readYearAccumulator,
  yearAccumulatorFrom,
  yearAccumulatorKey,
  type HouseholdAccumulator,
  type YearAccumulator,
} from '../../accumulators/store/year-accumulator.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { queryAll } from '../../runtime/query-all.ts';
import { cancellationReasons, failedConditions } from '../../runtime/condition-failure.ts';
import { batchGetAll, batchGetTables, keyOf } from '../../runtime/batch-items.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { indexReadProjection } from '../../../infra/topology.ts';
import type { CatalogueView } from '../../catalogue/version.ts';
import type { Bill } from '../bill.ts';
import { claimLinesOf, type ClaimLine } from '../claim-lines.ts';
import { claimLineSchema } from '../../../events/claims.ts';
import type { MemberState, ProviderProfile } from '../member.ts';
import type { Statement } from '../statement.ts';
import { partitionOf, replayUnit } from '../../simulation/partition.ts';

export type ClaimStatus = 'settled' | 'reversed';
export type ClaimEventName = 'ClaimSettled' | 'ClaimReversed';

/**
 * What the engine read besides the bill and the year so far, as it stood when the claim was settled:
 * the member (registers on the date), the provider (level, region from the register) and the catalogue
 * entries of the bill's codes. Kept so a claim can be settled again exactly as it was, under another
 * policy (shared/simulation), without reading today's registers. Absent on claims settled before it was kept.
 */
export interface SettledInputs {
  member: MemberState;
  provider: ProviderProfile;
  catalogue: { byDate: Record<string, CatalogueView> };
}

export interface ClaimRecord {
  providerCode: string;
  claimNo: string;
  memberId: string;
  /** The member's pooling region and scheme (the policy's). */
  region: string;
  scheme: string;
  /** The insurance year whose accumulators the claim moved. */
  year: number;
  status: ClaimStatus;
  /** 1 for the first settlement, +1 for each settlement after a reversal. */
  settlementNo: number;
  billHash: string;
  /** The bill hashes of this claim's earlier (reversed) settlements, oldest first: a stale retry of one is told the claim was reversed. */
  earlierBillHashes?: string[];
  bill: Bill;
  statement: Statement;
  /** The engine's other inputs at settlement (stored gzipped beside the bill). */
  inputs?: SettledInputs;
  settledAt: string;
  settledBy: string;
  reversal?: { reason: string; reversedAt: string; reversedBy: string };
  /** The event this commit writes to the outbox with the state (held in memory only, never on the claim item). */
  pendingEvent?: OutboxEntry;
}

export interface LedgerEntry {
  settlementNo: number;
  kind: 'settlement' | 'reversal';
  at: string;
  by: string;
  memberId: string;
  year: number;
  /** Positive for a settlement, the same amounts negative for its reversal. */
  amounts: {
    billedFen: number;
    fundPaidFen: number;
    institutionFen: number;
    patientPaidFen: number;
    byLayer: Record<string, number>;
    /** The part of the patient's share the personal account paid (negative: given back by the reversal). */
    personalAccountFen?: number;
  };
  /** The accumulator counters it moved (negative for a reversal). */
  counterDeltas: Record<string, number>;
  /** The household's counters it moved (negative for a reversal), when it moved any. */
  household?: { householdId: string; counterDeltas: Record<string, number> };
  reason?: string;
}

const claimPk = (providerCode: string, claimNo: string) => `CLAIM#${providerCode}#${claimNo}`;
const CLAIM_SK = 'CLAIM';
/** LEDGER#0001#0-SETTLEMENT, LEDGER#0001#1-REVERSAL, LEDGER#0002#0-SETTLEMENT…: sorts in the order they happen. */
const ledgerSk = (settlementNo: number, kind: LedgerEntry['kind']) =>
  `LEDGER#${String(settlementNo).padStart(4, '0')}#${kind === 'settlement' ? '0-SETTLEMENT' : '1-REVERSAL'}`;
const markerKey = (memberId: string, year: number, providerCode: string, claimNo: string) => ({
  pk: `MEMBER#${memberId}`,
  sk: `YEAR#${year}#CLAIM#${providerCode}#${claimNo}`,
});

const pack = (value: unknown): Uint8Array => gzipSync(JSON.stringify(value));
const unpack = <T>(value: unknown): T => JSON.parse(gunzipSync(value as Uint8Array).toString('utf8')) as T;

/**
 * DynamoDB refuses an item over 400 KB. Bill, statement and inputs gzipped stay inline up to this
 * many bytes together (every ordinary bill, and most of 2,000 lines); a bill beyond it (2,000 lines of
 * 20-digit trace codes and long names in any Unicode plane compress badly) is stored as one gzipped
 * document cut into parts beside the claim, `PART#<settlementNo>#<i>`, written in the same transaction.
 */
export const INLINE_BYTES = 300_000;
const PART_BYTES = 350_000;
const partSk = (settlementNo: number, i: number) => `PART#${String(settlementNo).padStart(4, '0')}#${String(i).padStart(3, '0')}`;

interface ClaimItems {
  claim: Record<string, unknown>;
  /** The parts of a bill too large to keep inline (none for ordinary bills). */
  parts: Record<string, unknown>[];
}

function toItems(record: ClaimRecord): ClaimItems {
  const { bill, statement, inputs, pendingEvent: _inOutbox, ...plain } = record;
  const blobs = { bill: pack(bill), statement: pack(statement), ...(inputs ? { inputs: pack(inputs) } : {}) };
  const inlineBytes = Object.values(blobs).reduce((sum, b) => sum + b.byteLength, 0);
  const pk = claimPk(record.providerCode, record.claimNo);
  const parts: Record<string, unknown>[] = [];
  if (inlineBytes > INLINE_BYTES) {
    const whole = pack({ bill, statement, inputs });
    for (let i = 0, at = 0; at < whole.byteLength; i++, at += PART_BYTES)
      parts.push({ pk, sk: partSk(record.settlementNo, i), data: whole.subarray(at, at + PART_BYTES) });
  }
  const claim = {
    pk,
    sk: CLAIM_SK,
    ...plain,
    ...(parts.length ? { parts: parts.length } : blobs),
    // Plain copies for queries and for readers that do not unpack the statement (year-end, fraud).
    visitType: bill.visit.type,
    serviceDate: bill.visit.serviceDate,
    settlementDate: statement.visit.settlementDate,
    totals: statement.totals,
    gsi2pk: providerYearKey(record.providerCode, record.year),
    gsi2sk: `${statement.visit.settlementDate}#${record.claimNo}`,
    // A pooling region's claims of a scheme and year, sharded by member partition (a simulation reads
    // each partition on its own), by member then settlement order.
    gsi3pk: regionYearKey(record.region, record.scheme, record.year, partitionOf(replayUnit(inputs?.member ?? record))),
    gsi3sk: `${record.memberId}#${record.settledAt}#${record.providerCode}#${record.claimNo}`,
    // Claims by the time their settlement committed, four shards a day: what reconciliation reads for a window.
    gsi4pk: settledDayKey(record.settledAt.slice(0, 10), shardOf(pk) % SETTLED_DAY_SHARDS),
    gsi4sk: `${record.settledAt}#${record.providerCode}#${record.claimNo}`,
  };
  return { claim, parts };
}

/** The bill, statement and inputs of a claim stored in parts (`parts` on the item), read back. */
async function readParts(item: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out = await queryAll<{ data: Uint8Array }>({
    TableName: tableName('claims'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :part)',
    ExpressionAttributeValues: { ':pk': item.pk, ':part': `PART#${String(item.settlementNo).padStart(4, '0')}#` },
    ConsistentRead: true,
  });
  if (out.length !== item.parts) throw new Error(`claim ${String(item.pk)} has ${out.length} of its ${String(item.parts)} parts`);
  const whole = unpack<{ bill: Bill; statement: Statement; inputs?: SettledInputs }>(Buffer.concat(out.map((p) => p.data)));
  return { ...item, bill: pack(whole.bill), statement: pack(whole.statement), ...(whole.inputs ? { inputs: pack(whole.inputs) } : {}) };
}

/** A claim item as read (index projections included), with a bill stored in parts read back first. */
export const withParts = (item: Record<string, unknown>): Promise<Record<string, unknown>> =>
  item.parts ? readParts(item) : Promise.resolve(item);

/** The bySettledDay index: a UTC day's claims in SETTLED_DAY_SHARDS partitions. */
export const SETTLED_DAY_SHARDS = 4;
export const settledDayKey = (day: string, shard: number) => `SETTLED#${day}#${shard}`;

/**
 * The claims whose current settlement committed in [from, to) (ISO times), read from the
 * bySettledDay index a day and a shard at a time, each whole (a bill in parts read back).
 */
export async function claimsSettledBetween(from: string, to: string, maxClaims = 20_000): Promise<ClaimRecord[]> {
  const days: string[] = [];
  for (let d = new Date(`${from.slice(0, 10)}T00:00:00Z`); d.toISOString() < to; d.setUTCDate(d.getUTCDate() + 1))
    days.push(d.toISOString().slice(0, 10));
  const items: Record<string, unknown>[] = [];
  for (const day of days)
    for (let shard = 0; shard < SETTLED_DAY_SHARDS; shard++) {
      items.push(
        ...(await queryAll(
          {
            TableName: tableName('claims'),
            IndexName: 'bySettledDay',
            KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': settledDayKey(day, shard), ':from': from, ':to': to },
          },
          { maxItems: maxClaims },
        )),
      );
      if (items.length >= maxClaims) break;
    }
  // The index copies only the keys and lags the table: each claim found is read back as it now stands,
  // and kept if its current settlement committed in the window (`to` is exclusive).
  const keys = items.slice(0, maxClaims).map((i) => ({ pk: i.pk as string, sk: i.sk as string }));
  const found = await batchGetAll(tableName('claims'), keys, { consistent: true });
  const inWindow = keys
    .map((key) => found.get(keyOf(key)))
    .filter((i): i is Record<string, unknown> => i !== undefined && (i.settledAt as string) >= from && (i.settledAt as string) < to);
  return Promise.all(inWindow.map(async (i) => fromItem(await withParts(i))));
}

/** The byRegionYear index's partition: a pooling region's claims of one scheme and year in one member partition. */
export const regionYearKey = (region: string, scheme: string, year: number, partition: number) =>
  `REGION#${region}#${scheme}#YEAR#${year}#P${String(partition).padStart(2, '0')}`;

export function fromItem(item: Record<string, unknown>): ClaimRecord {
  const record: ClaimRecord = {
    providerCode: item.providerCode as string,
    claimNo: item.claimNo as string,
    memberId: item.memberId as string,
    region: item.region as string,
    scheme: item.scheme as string,
    year: item.year as number,
    status: item.status as ClaimStatus,
    settlementNo: item.settlementNo as number,
    billHash: item.billHash as string,
    bill: unpack<Bill>(item.bill),
    statement: unpack<Statement>(item.statement),
    settledAt: item.settledAt as string,
    settledBy: item.settledBy as string,
  };
  if (item.inputs) record.inputs = unpack<SettledInputs>(item.inputs);
  if (item.reversal) record.reversal = item.reversal as ClaimRecord['reversal'];
  if (Array.isArray(item.earlierBillHashes)) record.earlierBillHashes = item.earlierBillHashes as string[];
  return record;
}

export async function readClaim(providerCode: string, claimNo: string): Promise<ClaimRecord | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName('claims'),
      Key: { pk: claimPk(providerCode, claimNo), sk: CLAIM_SK },
      ConsistentRead: true,
    }),
  );
  return out.Item ? fromItem(await withParts(out.Item)) : undefined;
}

/**
 * The lines of settlement `settlementNo` of a claim as its ClaimSettled would carry them (free text
 * masked as the event masks it), for a consumer of an event that carried them by reference
 * (`linesOmitted`); undefined when the claim is not there or has since been settled again.
 */
export async function readClaimLines(providerCode: string, claimNo: string, settlementNo: number): Promise<ClaimLine[] | undefined> {
  const claim = await readClaim(providerCode, claimNo);
  if (!claim || claim.settlementNo !== settlementNo) return undefined;
  return z.array(claimLineSchema).parse(claimLinesOf(claim.bill, claim.statement));
}

/** One more item a caller reads with the claim: its table (the key, e.g. `policies`) and key. */
export interface AlsoRead {
  table: string;
  key: { pk: string; sk: string };
}

/**
 * The claim and the member's year in one request (BatchGetItem over the two tables, both strongly
 * consistent): what settling a bill reads first. One round trip and one request instead of two.
 * `also`: items of other tables read in the same request (settlement's version check reads the
 * policies' and the catalogue's epochs here), answered in the same order, undefined when absent.
 */
export async function readClaimAndYear(
  providerCode: string,
  claimNo: string,
  memberId: string,
  year: number,
  also: readonly AlsoRead[] = [],
): Promise<{ claim: ClaimRecord | undefined; accumulator: YearAccumulator; also: (Record<string, unknown> | undefined)[] }> {
  const claims = tableName('claims');
  const accumulators = tableName('accumulators');
  const claimKey = { pk: claimPk(providerCode, claimNo), sk: CLAIM_SK };
  const yearKey = yearAccumulatorKey(memberId, year);
  // One request over both tables and whatever else the caller reads with them (the epochs).
  const found = await batchGetTables([{ table: claims, key: claimKey }, { table: accumulators, key: yearKey }, ...also], {
    consistent: true,
  });
  const at = (table: string, key: { pk: string; sk: string }) => found.get(`${table}\u0000${keyOf(key)}`);
  const claimItem = at(claims, claimKey);
  return {
    claim: claimItem ? fromItem(await withParts(claimItem)) : undefined,
    accumulator: yearAccumulatorFrom(at(accumulators, yearKey), memberId, year),
    also: also.map(({ table, key }) => at(table, key)),
  };
}

export async function readLedger(providerCode: string, claimNo: string): Promise<LedgerEntry[]> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('claims'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ledger)',
      ExpressionAttributeValues: { ':pk': claimPk(providerCode, claimNo), ':ledger': 'LEDGER#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...entry }) => entry as LedgerEntry);
}

export { readYearAccumulator };
export { readHouseholdAccumulator } from '../../accumulators/store/year-accumulator.ts';

/**
 * Why a commit did not happen: the claim moved since it was read, the counters did (then `current`
 * is the accumulator as it now stands, returned by the failed check, so a retry need not read it
 * again), or DynamoDB saw a conflicting transaction.
 */
export type CommitOutcome =
  | { outcome: 'committed' }
  | { outcome: 'claim-moved' }
  | { outcome: 'accumulator-moved'; current?: YearAccumulator }
  | { outcome: 'household-moved'; current?: HouseholdAccumulator }
  | { outcome: 'account-moved' }
  | { outcome: 'conflict' };

/** The accumulator a failed version check hands back, in DynamoDB's attribute-value form. */
const returnedAccumulator = z.object({
  memberId: z.object({ S: z.string() }),
  year: z.object({ N: z.string() }),
  version: z.object({ N: z.string() }),
  counters: z.object({ M: z.record(z.string(), z.object({ N: z.string() })) }),
});

function currentAccumulator(item: unknown): YearAccumulator | undefined {
  const parsed = returnedAccumulator.safeParse(item);
  if (!parsed.success) return undefined;
  const { memberId, year, version, counters } = parsed.data;
  return {
    memberId: memberId.S,
    year: Number(year.N),
    version: Number(version.N),
    counters: Object.fromEntries(Object.entries(counters.M).map(([k, v]) => [k, Number(v.N)])),
  };
}

const returnedHousehold = returnedAccumulator.omit({ memberId: true }).extend({ householdId: z.object({ S: z.string() }) });

function currentHousehold(item: unknown): HouseholdAccumulator | undefined {
  const parsed = returnedHousehold.safeParse(item);
  if (!parsed.success) return undefined;
  const { householdId, year, version, counters } = parsed.data;
  return {
    householdId: householdId.S,
    year: Number(year.N),
    version: Number(version.N),
    counters: Object.fromEntries(Object.entries(counters.M).map(([k, v]) => [k, Number(v.N)])),
  };
}

/** Where the household's counters sit in the transaction (after the marker), when it has them. */
const HOUSEHOLD_ITEM = 4;

function outcomeOf(error: unknown, withHousehold: boolean, accountItems: number): CommitOutcome {
  const reasons = cancellationReasons(error);
  if (!reasons) throw error;
  const failed = failedConditions(error);
  if (failed.includes(0)) return { outcome: 'claim-moved' };
  if (failed.includes(2)) return { outcome: 'accumulator-moved', current: currentAccumulator(reasons[2]!.Item as never) };
  if (withHousehold && failed.includes(HOUSEHOLD_ITEM))
    return { outcome: 'household-moved', current: currentHousehold(reasons[HOUSEHOLD_ITEM]!.Item as never) };
  // The personal account's items follow the household's (or the marker, without one).
  const firstAccountItem = HOUSEHOLD_ITEM + (withHousehold ? 1 : 0);
  if (failed.some((i) => i >= firstAccountItem && i < firstAccountItem + accountItems)) return { outcome: 'account-moved' };
  if (reasons.some((r) => r.Code === 'TransactionConflict') || reasons.length === 0) return { outcome: 'conflict' };
  throw error;
}

function accumulatorPut(accumulator: YearAccumulator | HouseholdAccumulator, counters: Record<string, number>, at: string) {
  const fresh = accumulator.version === 0;
  const owner =
    'householdId' in accumulator
      ? { ...householdAccumulatorKey(accumulator.householdId, accumulator.year), householdId: accumulator.householdId }
      : { ...yearAccumulatorKey(accumulator.memberId, accumulator.year), memberId: accumulator.memberId };
  return {
    Put: {
      TableName: tableName('accumulators'),
      Item: {
        ...owner,
        year: accumulator.year,
        version: accumulator.version + 1,
        counters,
        updatedAt: at,
      },
      ConditionExpression: fresh ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(fresh ? {} : { ExpressionAttributeValues: { ':v': accumulator.version } }),
      // When the check fails, hand back the accumulator as it now stands: the retry settles on it at once.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

/** Counters plus (or minus) deltas; zero counters are kept so the item says what the year touched. */
export function applyDeltas(counters: Record<string, number>, deltas: Record<string, number>, sign: 1 | -1): Record<string, number> {
  const next = { ...counters };
  for (const [name, delta] of Object.entries(deltas)) next[name] = (next[name] ?? 0) + sign * delta;
  return next;
}

/**
 * The four items every commit writes, and its event: the claim (on `claimCondition`), its ledger
 * entry (new), the year accumulator moved by the entry's deltas (version-checked), the marker of
 * which claim moved which counters, and the event in the outbox. Settlement and reversal differ only
 * in the claim's condition, the entry's sign and the marker's state.
 */
async function commitClaim(
  record: ClaimRecord,
  claimCondition: Record<string, unknown>,
  accumulator: YearAccumulator,
  entry: LedgerEntry,
  markerState: 'applied' | 'reversed',
  household: HouseholdAccumulator | undefined,
  accountItems: readonly OutboxTransactItem[],
): Promise<CommitOutcome> {
  if (entry.household && !household) throw new Error('an entry that moves household counters needs the household year it was settled on');
  const householdMoves = entry.household && household;
  try {
    const { claim, parts } = toItems(record);
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName('claims'), Item: claim, ...claimCondition } },
          {
            Put: {
              TableName: tableName('claims'),
              Item: { pk: claimPk(record.providerCode, record.claimNo), sk: ledgerSk(entry.settlementNo, entry.kind), ...entry },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          accumulatorPut(accumulator, applyDeltas(accumulator.counters, entry.counterDeltas, 1), entry.at),
          {
            Put: {
              TableName: tableName('accumulators'),
              Item: {
                ...markerKey(record.memberId, record.year, record.providerCode, record.claimNo),
                state: markerState,
                settlementNo: record.settlementNo,
                counterDeltas: entry.counterDeltas,
                at: entry.at,
              },
            },
          },
          // HOUSEHOLD_ITEM: the household's counters, version-checked like the member's.
          ...(householdMoves
            ? [accumulatorPut(household, applyDeltas(household.counters, entry.household!.counterDeltas, 1), entry.at)]
            : []),
          ...accountItems,
          ...(record.pendingEvent ? [outboxPut(record.pendingEvent)] : []),
          // Last, so the positions cancellation reasons are read by stay as they are.
          ...parts.map((Item) => ({ Put: { TableName: tableName('claims'), Item } })),
        ],
      }),
    );
    return { outcome: 'committed' };
  } catch (error) {
    return outcomeOf(error, Boolean(householdMoves), accountItems.length);
  }
}

/**
 * Commits a settlement: `record` is the claim as settled; `replacing` is the reversed settlement
 * number it follows (re-settlement), or undefined for a first settlement; `household` is the
 * household's year as read, when the entry moves its counters.
 */
export function commitSettlement(
  record: ClaimRecord,
  replacing: number | undefined,
  accumulator: YearAccumulator,
  entry: LedgerEntry,
  household?: HouseholdAccumulator,
  accountItems: readonly OutboxTransactItem[] = [],
): Promise<CommitOutcome> {
  const claimCondition =
    replacing === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#status = :reversed AND settlementNo = :previous',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':reversed': 'reversed', ':previous': replacing },
        };
  return commitClaim(record, claimCondition, accumulator, entry, 'applied', household, accountItems);
}

/** Commits the reversal of settlement `record.settlementNo`: `reversed` is the claim as reversed, `entry` the negative entry. */
export function commitReversal(
  reversed: ClaimRecord,
  accumulator: YearAccumulator,
  entry: LedgerEntry,
  household?: HouseholdAccumulator,
  accountItems: readonly OutboxTransactItem[] = [],
): Promise<CommitOutcome> {
  const claimCondition = {
    ConditionExpression: '#status = :settled AND settlementNo = :n',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':settled': 'settled', ':n': reversed.settlementNo },
  };
  return commitClaim(reversed, claimCondition, accumulator, entry, 'reversed', household, accountItems);
}

/** What a list of claims shows of each: the plain copies kept on the item (the statement stays packed). */
export interface ClaimSummary {
  providerCode: string;
  claimNo: string;
  memberId: string;
  status: ClaimStatus;
  settlementNo: number;
  visitType: string;
  serviceDate: string;
  settlementDate: string;
  settledAt: string;
  billedFen: number;
  fundPaidFen: number;
  patientPaidFen: number;
}

/**
 * A provider's claims of a year, newest settlement date first, one page (byProviderYear). Only the
 * plain copies are read (ProjectionExpression): a page of 100 never unpacks a bill or a statement.
 */
export async function providerClaimsPage(
  providerCode: string,
  year: number,
  limit: number,
  start?: Record<string, unknown>,
): Promise<{ items: ClaimSummary[]; next?: Record<string, unknown> }> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('claims'),
      IndexName: 'byProviderYear',
      KeyConditionExpression: 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': providerYearKey(providerCode, year) },
      ...indexReadProjection('claims', 'byProviderYear'),
      ScanIndexForward: false,
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const items = (out.Items ?? []).map((i) => {
    const totals = (i.totals ?? {}) as { billedFen?: number; fundPaidFen?: number; patientPaidFen?: number };
    return {
      providerCode: i.providerCode as string,
      claimNo: i.claimNo as string,
      memberId: i.memberId as string,
      status: i.status as ClaimStatus,
      settlementNo: i.settlementNo as number,
      visitType: i.visitType as string,
      serviceDate: i.serviceDate as string,
      settlementDate: i.settlementDate as string,
      settledAt: i.settledAt as string,
      billedFen: totals.billedFen ?? 0,
      fundPaidFen: totals.fundPaidFen ?? 0,
      patientPaidFen: totals.patientPaidFen ?? 0,
    };
  });
  return { items, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
}

/** The byProviderYear partition of a provider's year (what a page cursor must belong to). */
export const providerYearKey = (providerCode: string, year: number) => `PROVIDER#${providerCode}#YEAR#${year}`;
