/**
 * The fraud consumer's DynamoDB adapter: reads what the rules look back on (the member's history,
 * trace scans, the provider's and its peers' counters) and commits a scoring.
 *
 * Two kinds of write, in this order:
 *  1. the projection (claim summary, trace scans, date of death): items keyed by the claim itself,
 *     so writing them again writes the same thing; a retry may repeat them freely;
 *  2. everything that counts (the claim's score, the provider's running totals, the month and DRG
 *     counters, the alerts and their FraudAlertRaised events in the outbox) in one transaction,
 *     conditional on the event not having been applied: a redelivered message changes nothing.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons, failedConditions, isConditionFailure } from '../../runtime/condition-failure.ts';
import type { Alert } from '../alert.ts';
import type { AlertDecision } from '../alerting.ts';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { summarise, traceScans, type ClaimRef, type ClaimSummary, type FraudClaim, type TraceScan } from '../claim.ts';
import { addDays } from '../dates.ts';
import type { ClaimScore, DateRange, ProviderScore, RuleHit } from '../engine.ts';
import type { ClaimsAdded, Counted } from '../counting.ts';
import type { DrgStats, ProviderMonthStats } from '../rules/define.ts';
import { alertsTable, inParallel, putAll, queryAll, type Item } from './dynamo.ts';
import { keys } from './keys.ts';

/** 病案首页 离院方式 5 = 死亡: a discharge that records the member's death. */
export const DEATH_DISCHARGE_STATUSES = ['5', 'death', '死亡'];

/** A stay that began this long before a window can still reach into it; history is read that far back. */
const STAY_LOOKBACK_DAYS = 60;

export interface StoredScore {
  ref: ClaimRef;
  memberId: string;
  region: string;
  providerCode: string;
  eventId: string;
  hits: RuleHit[];
  score: number;
  severity: string | null;
  result: string | null;
  atStakeFen: number;
  threshold: number;
  /** What the region's alert policy made of the score (tier, delivery, severity, why); absent on claims scored before it. */
  alerting?: AlertDecision;
  /** The catalogue that judged the claim, and the knowledge-base layers its rules read. */
  catalogue?: { region: string; version: number };
  knowledge?: ClaimScore['knowledge'];
  alertId?: string;
  /** A provider alert this claim's scoring raised. */
  providerAlertId?: string;
  reversed?: boolean;
  historySk: string;
  traceKeys: { pk: string; sk: string }[];
  counted: Counted;
  scoredAt: string;
  /** The CaseGrouped event whose DRG result is in `counted` (once a claim's case is grouped). */
  groupingEventId?: string;
  /** A provider alert that applying the grouped case raised. */
  groupingAlertId?: string;
}

/**
 * A claim's DRG result as CaseGrouped reported it, kept beside the claim's score. It is written
 * before anything else looks at the claim, so whichever of ClaimSettled and CaseGrouped is handled
 * first, the grouped case is counted exactly once (see functions/fraud-scoring/apply-grouping.ts).
 */
export interface StoredGrouping {
  eventId: string;
  /** Absent when the case did not group into a DRG (QY or ungroupable): nothing to count. */
  drg?: NonNullable<FraudClaim['drg']>;
  version: string;
  groupedAt: string;
}

export interface ClaimState {
  score?: StoredScore;
  grouping?: StoredGrouping;
  appliedEvents: Set<string>;
}

export async function readClaimState(ref: ClaimRef): Promise<ClaimState> {
  // Consistent: scoring and grouping decide from this read which of them counts the grouped case.
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.claim(ref) },
    ConsistentRead: true,
  });
  const score = items.find((i) => i.sk === keys.score) as (StoredScore & Item) | undefined;
  const grouping = items.find((i) => i.sk === keys.grouping) as (StoredGrouping & Item) | undefined;
  const appliedEvents = new Set(items.filter((i) => String(i.sk).startsWith('EVENT#')).map((i) => String(i.sk).slice('EVENT#'.length)));
  return { ...(score ? { score } : {}), ...(grouping ? { grouping } : {}), appliedEvents };
}

/** Records a claim's DRG result (the latest grouping of the claim wins; writing it again writes the same). */
export async function writeGrouping(ref: ClaimRef, grouping: StoredGrouping, writes: FraudWrites = directWrites): Promise<void> {
  await writes.put([{ pk: keys.claim(ref), sk: keys.grouping, kind: 'grouping', ...grouping }]);
}

/**
 * Where the scoring reads from. Directly from the table, one claim at a time (these functions), or
 * from a batch's view of it (store/batch-view.ts), which reads what a whole SQS batch needs together
 * and answers each claim exactly what these would.
 */
export interface FraudReads {
  /** The claim's score and grouping, and whether this event is applied (consistent). */
  claimState(ref: ClaimRef, eventId: string): Promise<ClaimState>;
  memberContext(claim: FraudClaim, range: DateRange | undefined): Promise<MemberContext>;
  providerContext(p: { code: string; region: string; level?: string }, months: string[], year: number): Promise<ProviderContext>;
}

/** Where the scoring writes: straight to the table, or into the batch's writes (sent together, store/batch-view.ts). */
export interface FraudWrites {
  /** Puts of items keyed by the claim itself (projection, grouping): the same again on a retry. */
  put(items: readonly Item[]): Promise<void>;
  /** The earliest recorded death stands. */
  recordDeath(memberId: string, diedOn: string, recordedBy: string): Promise<void>;
  commit(tx: EventTx): Promise<CommitOutcome>;
}

export const directReads: FraudReads = {
  claimState: (ref) => readClaimState(ref),
  memberContext: (claim, range) => readMemberContext(claim, range),
  providerContext: (p, months, year) => readProviderContext(p, months, year),
};

export const directWrites: FraudWrites = {
  put: (items) => putAll(items),
  recordDeath: (memberId, diedOn, recordedBy) => recordDeath(memberId, diedOn, recordedBy),
  commit: (tx) => sendTransaction(tx),
};

async function recordDeath(memberId: string, diedOn: string, recordedBy: string): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: alertsTable(),
        Key: { pk: keys.member(memberId), sk: keys.death },
        UpdateExpression: 'SET diedOn = :d, recordedBy = :claim',
        ConditionExpression: 'attribute_not_exists(diedOn) OR diedOn > :d',
        ExpressionAttributeValues: { ':d': diedOn, ':claim': recordedBy },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** How far back a member's history is read for a range the rules look at (a stay may reach into it). */
export const historyBounds = (range: DateRange): { from: string; to: string } => ({
  from: keys.historyBound(addDays(range.from, -STAY_LOOKBACK_DAYS), false),
  to: keys.historyBound(range.to, true),
});

/** At most this many scans of one trace code are read (a guard for a code scanned without end). */
export const TRACE_SCANS_READ = 50;

export interface MemberContext {
  history: ClaimSummary[];
  traceScans: TraceScan[];
  deathDate?: string;
}

export async function readMemberContext(claim: FraudClaim, range: DateRange | undefined): Promise<MemberContext> {
  const history = range
    ? await queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.member(claim.memberId),
          ':from': historyBounds(range).from,
          ':to': historyBounds(range).to,
        },
      })
    : [];
  const codes = [...new Set(claim.lines.map((l) => l.traceCode).filter((c): c is string => Boolean(c)))];
  const scans = (
    await inParallel(codes, 8, (code) =>
      queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.trace(code) } }, TRACE_SCANS_READ),
    )
  ).flat();
  const death = await dynamoDocumentClient().send(
    new GetCommand({ TableName: alertsTable(), Key: { pk: keys.member(claim.memberId), sk: keys.death } }),
  );
  return {
    history: history.map((i) => i.summary as ClaimSummary),
    traceScans: scans.map((i) => i.scan as TraceScan),
    ...(typeof death.Item?.diedOn === 'string' ? { deathDate: death.Item.diedOn } : {}),
  };
}

export interface ProviderContext {
  own: ProviderMonthStats[];
  peers: ProviderMonthStats[];
  ownDrgs: DrgStats[];
  regionDrgs: DrgStats[];
  year: { claims: number; scoreSum: number; alertId?: string };
}

const toMonth = (i: Item): ProviderMonthStats => ({
  month: String(i.sk).slice('STATS#'.length),
  claims: Number(i.claims ?? 0),
  groupedCases: Number(i.groupedCases ?? 0),
  ccMccCases: Number(i.ccMccCases ?? 0),
});
const toDrg = (i: Item): DrgStats => ({
  drg: String(i.sk).split('#')[2]!,
  cases: Number(i.cases ?? 0),
  costFenSum: Number(i.costFenSum ?? 0),
  losDaysSum: Number(i.losDaysSum ?? 0),
});

export async function readProviderContext(
  p: { code: string; region: string; level?: string },
  months: string[],
  year: number,
): Promise<ProviderContext> {
  const monthRange = (pk: string) =>
    queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': keys.month(months[0]!), ':to': keys.month(months.at(-1)!) },
    });
  const drgs = (pk: string) =>
    queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.drgYear(year) },
    });
  const [own, peers, ownDrgs, risk] = await Promise.all([
    monthRange(keys.provider(p.code)),
    monthRange(keys.peers(p.region, p.level)),
    drgs(keys.provider(p.code)),
    dynamoDocumentClient().send(new GetCommand({ TableName: alertsTable(), Key: { pk: keys.provider(p.code), sk: keys.risk(year) } })),
  ]);
  // The region's DRG table is only worth reading when the provider has grouped cases to compare.
  const regionDrgs = ownDrgs.length ? await drgs(keys.regionDrgs(p.region)) : [];
  return providerContextOf({ own, peers, ownDrgs, regionDrgs, risk: risk.Item });
}

/** A provider's context from the items read (wherever they were read: the table, or a batch's view). */
export function providerContextOf(read: {
  own: Item[];
  peers: Item[];
  ownDrgs: Item[];
  regionDrgs: Item[];
  risk: Item | undefined;
}): ProviderContext {
  const { risk } = read;
  return {
    own: read.own.map(toMonth),
    peers: read.peers.map(toMonth),
    ownDrgs: read.ownDrgs.map(toDrg),
    regionDrgs: read.regionDrgs.map(toDrg),
    year: {
      claims: Number(risk?.claims ?? 0),
      scoreSum: Number(risk?.scoreSum ?? 0),
      ...(typeof risk?.alertId === 'string' ? { alertId: risk.alertId } : {}),
    },
  };
}

/** The claim's summary (with the courses of treatment the knowledge base says it was a session of) and trace scans, as items. */
export function projectionOf(claim: FraudClaim, knowledge?: KnowledgeBase) {
  const summary = summarise(claim, knowledge);
  const historySk = keys.history(claim.start, claim.ref);
  const scans = traceScans(claim);
  const traceKeys = scans.map((s) => ({ pk: keys.trace(s.traceCode), sk: keys.traceScan(s.ref, s.lineNo) }));
  const items: Item[] = [
    { pk: keys.member(claim.memberId), sk: historySk, kind: 'history', summary },
    ...scans.map((scan, i) => ({ ...traceKeys[i]!, kind: 'trace', scan })),
  ];
  return { historySk, traceKeys, items };
}

/** Writes the claim's summary, trace scans and (if the discharge records it) the member's death. */
export async function writeProjection(
  claim: FraudClaim,
  knowledge?: KnowledgeBase,
  writes: FraudWrites = directWrites,
): Promise<{ historySk: string; traceKeys: { pk: string; sk: string }[] }> {
  const { historySk, traceKeys, items } = projectionOf(claim, knowledge);
  await writes.put(items);
  if (claim.dischargeStatus && DEATH_DISCHARGE_STATUSES.includes(claim.dischargeStatus)) {
    await writes.recordDeath(claim.memberId, claim.end, `${claim.ref.providerCode}#${claim.ref.claimNo}`);
  }
  return { historySk, traceKeys };
}

/** Marks a reversed claim's projection so no later claim is compared with it. */
export async function markProjectionReversed(memberId: string, score: StoredScore): Promise<void> {
  const targets = [
    { pk: keys.member(memberId), sk: score.historySk, path: 'summary' },
    ...score.traceKeys.map((k) => ({ ...k, path: 'scan' })),
  ];
  await inParallel(targets, 8, async (t) => {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: alertsTable(),
          Key: { pk: t.pk, sk: t.sk },
          UpdateExpression: `SET #p.reversed = :t`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#p': t.path },
          ExpressionAttributeValues: { ':t': true },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  });
}

export function alertItem(alert: Alert): Item {
  return {
    pk: keys.alert(alert.alertId),
    sk: keys.alertItem,
    gsi1pk: keys.regionInbox(alert.region),
    gsi1sk: keys.inboxSort(alert.raisedAt, alert.alertId),
    ...alert,
    // Flat copies for the inbox's filters.
    ruleTypes: alert.rules.map((r) => r.type),
    claimNo: alert.claim?.claimNo,
    status: 'open',
    version: 1,
    updatedAt: alert.raisedAt,
  };
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * An update of a counter item (a month's, a DRG's, the provider's running risk): what it adds and
 * sets, and the conditions it holds on the item as it was. Kept as data, not as an expression, so
 * the updates of several claims to one item can be summed into one (a consumer's batch commits its
 * claims together, and a transaction may name an item once) and so the batch's view of the table
 * can apply them to what it read (functions/fraud-scoring/batch.ts).
 */
export interface CounterOp {
  pk: string;
  sk: string;
  add: Record<string, number>;
  /** Attributes set; an undefined value is left as it is. */
  set: Record<string, unknown>;
  /** The item must exist already (a grouped case re-judges a provider its claim created). */
  mustExist?: boolean;
  /** The provider has no alert yet this year: the update raises one. */
  noAlert?: boolean;
}

/** One item of a scoring transaction and its role (outcomeOf names the role whose condition failed). */
export type TxPart = { role: string; item: TransactItem } | { role: string; op: CounterOp };

/** The transaction that applies one event to one claim (and the counters), with the events it commits. */
export interface EventTx {
  claimPk: string;
  parts: TxPart[];
  /** The outbox entries among the parts: delivered once the transaction is in. */
  events: readonly OutboxEntry[];
}

function renderOp(op: CounterOp): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds = Object.entries(op.add).map(([k, v], i) => {
    names[`#c${i}`] = k;
    values[`:c${i}`] = v;
    return `#c${i} :c${i}`;
  });
  const sets = Object.entries(op.set)
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      return `#s${i} = :s${i}`;
    });
  const conditions = [op.mustExist ? 'attribute_exists(pk)' : '', op.noAlert ? 'attribute_not_exists(alertId)' : ''].filter(Boolean);
  return {
    Update: {
      TableName: alertsTable(),
      Key: { pk: op.pk, sk: op.sk },
      UpdateExpression: [adds.length ? `ADD ${adds.join(', ')}` : '', sets.length ? `SET ${sets.join(', ')}` : '']
        .filter(Boolean)
        .join(' '),
      ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Two updates of one item as one: the sums added, the later value of what both set; the first one's
 * existence check (a later one runs on the item the earlier made), and the alert check if either raises.
 */
export function mergeOps(a: CounterOp, b: CounterOp): CounterOp {
  const add = { ...a.add };
  for (const [k, v] of Object.entries(b.add)) add[k] = (add[k] ?? 0) + v;
  const set = { ...a.set };
  for (const [k, v] of Object.entries(b.set)) if (v !== undefined) set[k] = v;
  return {
    pk: a.pk,
    sk: a.sk,
    add,
    set,
    ...(a.mustExist ? { mustExist: true } : {}),
    ...(a.noAlert || b.noAlert ? { noAlert: true } : {}),
  };
}

/** The counter updates of one count; `claims` is 0 when only a claim's grouped case is added. */
const counterUpdates = (counted: Counted, providerCode: string, sign: 1 | -1, at: string, claims: ClaimsAdded = 1): CounterOp[] => {
  const op = (pk: string, sk: string, counters: Record<string, number>, set: Record<string, unknown>): CounterOp => ({
    pk,
    sk,
    add: Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, sign * v])),
    set,
  });
  const month = { claims, groupedCases: counted.grouped, ccMccCases: counted.ccMcc };
  const ops = [
    op(keys.provider(providerCode), keys.month(counted.month), month, {
      providerCode,
      region: counted.providerRegion,
      level: counted.level,
      updatedAt: at,
    }),
    op(keys.peers(counted.providerRegion, counted.level), keys.month(counted.month), month, {
      region: counted.providerRegion,
      level: counted.level,
      updatedAt: at,
    }),
  ];
  if (counted.drg) {
    const drg = { cases: 1, costFenSum: counted.costFen, losDaysSum: counted.losDays };
    ops.push(
      op(keys.provider(providerCode), keys.drg(counted.year, counted.drg), drg, { updatedAt: at }),
      op(keys.regionDrgs(counted.providerRegion), keys.drg(counted.year, counted.drg), drg, { updatedAt: at }),
    );
  }
  return ops;
};

export type CommitOutcome = 'committed' | 'duplicate' | 'provider-alert-taken' | 'conflict';

function outcomeOf(error: unknown, roles: string[]): CommitOutcome {
  const reasons = cancellationReasons(error);
  if (!reasons) throw error;
  const failed = failedConditions(error).map((i) => roles[i]);
  if (failed.includes('marker') || failed.includes('score') || failed.includes('alert') || failed.includes('outbox')) return 'duplicate';
  if (failed.includes('risk')) return 'provider-alert-taken';
  // A grouping landed between the read and the commit: read again and count it.
  if (failed.includes('grouping')) return 'conflict';
  if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'conflict';
  throw error;
}

/**
 * A transaction whose items each carry a role, so a cancellation says which condition failed
 * (outcomeOf); it starts with the marker that applies the event once.
 */
function eventTransaction(pk: string, eventId: string, kind: string, at: string) {
  const table = alertsTable();
  const parts: TxPart[] = [];
  const push = (role: string, item: TransactItem) => parts.push({ role, item });
  const count = (role: string, op: CounterOp) => parts.push({ role, op });
  push('marker', {
    Put: { TableName: table, Item: { pk, sk: keys.eventMarker(eventId), kind, at }, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  return { table, push, count, tx: (events: readonly OutboxEntry[] = []): EventTx => ({ claimPk: pk, parts, events }) };
}

/**
 * Several claims' transactions as one: each claim's own items in turn, the updates of an item that
 * several of them count on summed into one where it first appears (mergeOps). One transaction alone
 * renders exactly as it always has. A claim's key may appear in only one of them.
 */
export function renderTransaction(txs: readonly EventTx[]): { items: TransactItem[]; roles: string[] } {
  const slots: (TxPart & { merged?: CounterOp })[] = [];
  const byKey = new Map<string, number>();
  for (const tx of txs) {
    for (const part of tx.parts) {
      if (!('op' in part)) {
        slots.push(part);
        continue;
      }
      const key = `${part.op.pk}\u0000${part.op.sk}`;
      const at = byKey.get(key);
      if (at === undefined) {
        byKey.set(key, slots.length);
        slots.push({ role: part.role, op: part.op });
      } else {
        const slot = slots[at] as { role: string; op: CounterOp };
        slots[at] = { role: slot.role, op: mergeOps(slot.op, part.op) };
      }
    }
  }
  return { items: slots.map((s) => ('op' in s ? renderOp(s.op) : s.item)), roles: slots.map((s) => s.role) };
}

/** The number of items renderTransaction makes of these transactions (DynamoDB takes at most 100). */
export function transactionSize(txs: readonly EventTx[]): number {
  const keysSeen = new Set<string>();
  let n = 0;
  for (const tx of txs)
    for (const part of tx.parts) {
      if (!('op' in part)) n++;
      else if (!keysSeen.has(`${part.op.pk}\u0000${part.op.sk}`)) {
        keysSeen.add(`${part.op.pk}\u0000${part.op.sk}`);
        n++;
      }
    }
  return n;
}

/** Sends one claim's transaction; a cancellation is an outcome (which condition failed), anything else an error. */
export async function sendTransaction(tx: EventTx): Promise<CommitOutcome> {
  const { items, roles } = renderTransaction([tx]);
  try {
    await dynamoDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return 'committed';
  } catch (error) {
    return outcomeOf(error, roles);
  }
}

export interface SettledCommit {
  claim: FraudClaim;
  eventId: string;
  at: string;
  score: ClaimScore;
  decision?: AlertDecision;
  projection: { historySk: string; traceKeys: { pk: string; sk: string }[] };
  counted: Counted;
  claimAlert?: Alert;
  provider: { year: number; score: ProviderScore; raise?: Alert };
  /** The grouping the scoring read (and counted), or none: the commit fails if that changed meanwhile. */
  grouping?: StoredGrouping;
  /** The FraudAlertRaised of each alert raised, committed with it (outbox). */
  events: readonly OutboxEntry[];
}

/** The transaction that scores a settled claim (sent by the caller's writes: alone, or with its batch). */
export function settledTx(c: SettledCommit): EventTx {
  const pk = keys.claim(c.claim.ref);
  const stored: StoredScore = {
    ref: c.claim.ref,
    memberId: c.claim.memberId,
    region: c.claim.region,
    providerCode: c.claim.provider.code,
    eventId: c.eventId,
    hits: c.score.hits,
    score: c.score.score,
    severity: c.score.severity,
    result: c.score.result,
    atStakeFen: c.score.atStakeFen,
    threshold: c.score.threshold,
    ...(c.decision ? { alerting: c.decision } : {}),
    catalogue: c.score.catalogue,
    knowledge: c.score.knowledge,
    ...(c.claimAlert ? { alertId: c.claimAlert.alertId } : {}),
    ...(c.provider.raise ? { providerAlertId: c.provider.raise.alertId } : {}),
    reversed: false,
    historySk: c.projection.historySk,
    traceKeys: c.projection.traceKeys,
    counted: c.counted,
    scoredAt: c.at,
    ...(c.grouping ? { groupingEventId: c.grouping.eventId } : {}),
  };
  const { table, push, count, tx } = eventTransaction(pk, c.eventId, 'settled', c.at);
  // A claim is scored once; again only after a reversal (a re-settlement).
  push('score', {
    Put: {
      TableName: table,
      Item: { pk, sk: keys.score, ...stored },
      ConditionExpression: 'attribute_not_exists(pk) OR reversed = :t',
      ExpressionAttributeValues: { ':t': true },
    },
  });
  push('grouping', {
    ConditionCheck: {
      TableName: table,
      Key: { pk, sk: keys.grouping },
      ...(c.grouping
        ? { ConditionExpression: 'eventId = :g', ExpressionAttributeValues: { ':g': c.grouping.eventId } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  });
  const p = c.provider;
  count('risk', {
    pk: keys.provider(c.claim.provider.code),
    sk: keys.risk(p.year),
    add: { claims: 1, scoreSum: c.score.score, flaggedClaims: c.counted.flagged },
    set: {
      providerCode: c.claim.provider.code,
      region: c.counted.providerRegion,
      riskScore: p.score.score,
      claimComponent: p.score.claimComponent,
      providerHits: p.score.hits,
      updatedAt: c.at,
      level: c.counted.level,
      alertId: p.raise?.alertId,
    },
    ...(p.raise ? { noAlert: true } : {}),
  });
  for (const op of counterUpdates(c.counted, c.claim.provider.code, 1, c.at)) count('counter', op);
  for (const alert of [c.claimAlert, p.raise]) {
    if (alert) push('alert', { Put: { TableName: table, Item: alertItem(alert), ConditionExpression: 'attribute_not_exists(pk)' } });
  }
  for (const event of c.events) push('outbox', outboxPut(event));
  return tx(c.events);
}

export interface ReversedCommit {
  ref: ClaimRef;
  eventId: string;
  at: string;
  reason: string;
  score: StoredScore;
}

export async function commitReversed(c: ReversedCommit): Promise<CommitOutcome> {
  const pk = keys.claim(c.ref);
  const { table, push, count, tx } = eventTransaction(pk, c.eventId, 'reversed', c.at);
  push('score', {
    Update: {
      TableName: table,
      Key: { pk, sk: keys.score },
      UpdateExpression: 'SET reversed = :t, reversedAt = :at, reversalEventId = :e',
      // Takes back exactly what was read: a grouped case counted meanwhile fails this and is read again.
      ConditionExpression: `attribute_exists(pk) AND reversed = :f AND eventId = :scored AND ${c.score.groupingEventId ? 'groupingEventId = :g' : 'attribute_not_exists(groupingEventId)'}`,
      ExpressionAttributeValues: {
        ':t': true,
        ':f': false,
        ':at': c.at,
        ':e': c.eventId,
        ':scored': c.score.eventId,
        ...(c.score.groupingEventId ? { ':g': c.score.groupingEventId } : {}),
      },
    },
  });
  const counted = c.score.counted;
  count('risk', {
    pk: keys.provider(c.score.providerCode),
    sk: keys.risk(counted.year),
    add: { claims: -1, scoreSum: -counted.score, flaggedClaims: -counted.flagged },
    set: { updatedAt: c.at },
  });
  for (const op of counterUpdates(counted, c.score.providerCode, -1, c.at)) count('counter', op);
  if (c.score.alertId) {
    // The case stays with the regulator: a reversal after an alert may itself be a finding.
    push('case', {
      Put: {
        TableName: table,
        Item: {
          pk: keys.alert(c.score.alertId),
          sk: keys.caseEvent(c.at, 999),
          kind: 'note',
          by: 'system',
          at: c.at,
          note: `结算已被冲销（claim reversed）: ${c.reason}`,
        },
      },
    });
  }
  return sendTransaction(tx());
}

export interface GroupedCommit {
  ref: ClaimRef;
  eventId: string;
  at: string;
  /** The score as read: the commit holds only if it is still that scoring, unreversed and ungrouped. */
  score: StoredScore;
  /** The claim's counts with the grouped case in them. */
  grouped: Counted;
  provider: { year: number; score: ProviderScore; raise?: Alert };
  /** The FraudAlertRaised of the alert raised, if any, committed with it (outbox). */
  events: readonly OutboxEntry[];
}

/**
 * Counts a scored claim's grouped case: the month's grouped and CC/MCC cases, the DRG's cases, cost
 * and stay (for the provider and its peers), the provider's re-judged risk, and a provider alert if
 * the case pushed it over the threshold; all at once, and only once per claim.
 */
export function groupedTx(c: GroupedCommit): EventTx {
  const pk = keys.claim(c.ref);
  const { table, push, count, tx } = eventTransaction(pk, c.eventId, 'grouped', c.at);
  push('score', {
    Update: {
      TableName: table,
      Key: { pk, sk: keys.score },
      UpdateExpression: `SET counted = :counted, groupingEventId = :e${c.provider.raise ? ', groupingAlertId = :alert' : ''}`,
      ConditionExpression: 'eventId = :scored AND reversed = :f AND attribute_not_exists(groupingEventId)',
      ExpressionAttributeValues: {
        ':counted': c.grouped,
        ':e': c.eventId,
        ':scored': c.score.eventId,
        ':f': false,
        ...(c.provider.raise ? { ':alert': c.provider.raise.alertId } : {}),
      },
    },
  });
  const p = c.provider;
  count('risk', {
    pk: keys.provider(c.score.providerCode),
    sk: keys.risk(p.year),
    add: {},
    set: {
      riskScore: p.score.score,
      claimComponent: p.score.claimComponent,
      providerHits: p.score.hits,
      updatedAt: c.at,
      alertId: p.raise?.alertId,
    },
    mustExist: true,
    ...(p.raise ? { noAlert: true } : {}),
  });
  // Claims 0: the claim itself was counted when it was scored; its grouped case and DRG are new.
  for (const op of counterUpdates(c.grouped, c.score.providerCode, 1, c.at, 0)) count('counter', op);
  if (p.raise) push('alert', { Put: { TableName: table, Item: alertItem(p.raise), ConditionExpression: 'attribute_not_exists(pk)' } });
  for (const event of c.events) push('outbox', outboxPut(event));
  return tx(c.events);
}
