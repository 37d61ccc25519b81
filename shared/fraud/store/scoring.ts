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
export async function writeGrouping(ref: ClaimRef, grouping: StoredGrouping): Promise<void> {
  await putAll([{ pk: keys.claim(ref), sk: keys.grouping, kind: 'grouping', ...grouping }]);
}

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
          ':from': keys.historyBound(addDays(range.from, -STAY_LOOKBACK_DAYS), false),
          ':to': keys.historyBound(range.to, true),
        },
      })
    : [];
  const codes = [...new Set(claim.lines.map((l) => l.traceCode).filter((c): c is string => Boolean(c)))];
  const scans = (
    await inParallel(codes, 8, (code) =>
      queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.trace(code) } }, 50),
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
  return {
    own: own.map(toMonth),
    peers: peers.map(toMonth),
    ownDrgs: ownDrgs.map(toDrg),
    regionDrgs: regionDrgs.map(toDrg),
    year: {
      claims: Number(risk.Item?.claims ?? 0),
      scoreSum: Number(risk.Item?.scoreSum ?? 0),
      ...(typeof risk.Item?.alertId === 'string' ? { alertId: risk.Item.alertId } : {}),
    },
  };
}

/** Writes the claim's summary (with the courses of treatment the knowledge base says it was a session of), trace scans and (if the discharge records it) the member's death. */
export async function writeProjection(
  claim: FraudClaim,
  knowledge?: KnowledgeBase,
): Promise<{ historySk: string; traceKeys: { pk: string; sk: string }[] }> {
  const summary = summarise(claim, knowledge);
  const historySk = keys.history(claim.start, claim.ref);
  const scans = traceScans(claim);
  const traceKeys = scans.map((s) => ({ pk: keys.trace(s.traceCode), sk: keys.traceScan(s.ref, s.lineNo) }));
  await putAll([
    { pk: keys.member(claim.memberId), sk: historySk, kind: 'history', summary },
    ...scans.map((scan, i) => ({ ...traceKeys[i]!, kind: 'trace', scan })),
  ]);
  if (claim.dischargeStatus && DEATH_DISCHARGE_STATUSES.includes(claim.dischargeStatus)) {
    try {
      // The earliest recorded death stands.
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: alertsTable(),
          Key: { pk: keys.member(claim.memberId), sk: keys.death },
          UpdateExpression: 'SET diedOn = :d, recordedBy = :claim',
          ConditionExpression: 'attribute_not_exists(diedOn) OR diedOn > :d',
          ExpressionAttributeValues: { ':d': claim.end, ':claim': `${claim.ref.providerCode}#${claim.ref.claimNo}` },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
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

/** The counter updates of one count; `claims` is 0 when only a claim's grouped case is added. */
const counterUpdates = (counted: Counted, providerCode: string, sign: 1 | -1, at: string, claims: ClaimsAdded = 1): TransactItem[] => {
  const table = alertsTable();
  const add = (pk: string, sk: string, counters: Record<string, number>, set: Record<string, unknown>): TransactItem => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const adds = Object.entries(counters).map(([k, v], i) => {
      names[`#c${i}`] = k;
      values[`:c${i}`] = sign * v;
      return `#c${i} :c${i}`;
    });
    const sets = Object.entries(set)
      .filter(([, v]) => v !== undefined)
      .map(([k, v], i) => {
        names[`#s${i}`] = k;
        values[`:s${i}`] = v;
        return `#s${i} = :s${i}`;
      });
    return {
      Update: {
        TableName: table,
        Key: { pk, sk },
        UpdateExpression: `ADD ${adds.join(', ')}${sets.length ? ` SET ${sets.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  };
  const month = { claims, groupedCases: counted.grouped, ccMccCases: counted.ccMcc };
  const items = [
    add(keys.provider(providerCode), keys.month(counted.month), month, {
      providerCode,
      region: counted.providerRegion,
      level: counted.level,
      updatedAt: at,
    }),
    add(keys.peers(counted.providerRegion, counted.level), keys.month(counted.month), month, {
      region: counted.providerRegion,
      level: counted.level,
      updatedAt: at,
    }),
  ];
  if (counted.drg) {
    const drg = { cases: 1, costFenSum: counted.costFen, losDaysSum: counted.losDays };
    items.push(
      add(keys.provider(providerCode), keys.drg(counted.year, counted.drg), drg, { updatedAt: at }),
      add(keys.regionDrgs(counted.providerRegion), keys.drg(counted.year, counted.drg), drg, { updatedAt: at }),
    );
  }
  return items;
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
  const roles: string[] = [];
  const items: TransactItem[] = [];
  const push = (role: string, item: TransactItem) => {
    roles.push(role);
    items.push(item);
  };
  push('marker', {
    Put: { TableName: table, Item: { pk, sk: keys.eventMarker(eventId), kind, at }, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  return {
    table,
    push,
    async commit(): Promise<CommitOutcome> {
      try {
        await dynamoDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (error) {
        return outcomeOf(error, roles);
      }
    },
  };
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

export async function commitSettled(c: SettledCommit): Promise<CommitOutcome> {
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
  const { table, push, commit } = eventTransaction(pk, c.eventId, 'settled', c.at);
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
  push('risk', {
    Update: {
      TableName: table,
      Key: { pk: keys.provider(c.claim.provider.code), sk: keys.risk(p.year) },
      UpdateExpression: `ADD claims :one, scoreSum :score, flaggedClaims :flag SET providerCode = :code, #region = :region, riskScore = :risk, claimComponent = :cc, providerHits = :hits, updatedAt = :at${c.counted.level ? ', #level = :level' : ''}${p.raise ? ', alertId = :alert' : ''}`,
      ...(p.raise ? { ConditionExpression: 'attribute_not_exists(alertId)' } : {}),
      ExpressionAttributeNames: { '#region': 'region', ...(c.counted.level ? { '#level': 'level' } : {}) },
      ExpressionAttributeValues: {
        ':one': 1,
        ':score': c.score.score,
        ':flag': c.counted.flagged,
        ':code': c.claim.provider.code,
        ':region': c.counted.providerRegion,
        ':risk': p.score.score,
        ':cc': p.score.claimComponent,
        ':hits': p.score.hits,
        ':at': c.at,
        ...(c.counted.level ? { ':level': c.counted.level } : {}),
        ...(p.raise ? { ':alert': p.raise.alertId } : {}),
      },
    },
  });
  for (const item of counterUpdates(c.counted, c.claim.provider.code, 1, c.at)) push('counter', item);
  for (const alert of [c.claimAlert, p.raise]) {
    if (alert) push('alert', { Put: { TableName: table, Item: alertItem(alert), ConditionExpression: 'attribute_not_exists(pk)' } });
  }
  for (const event of c.events) push('outbox', outboxPut(event));
  return commit();
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
  const { table, push, commit } = eventTransaction(pk, c.eventId, 'reversed', c.at);
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
  push('risk', {
    Update: {
      TableName: table,
      Key: { pk: keys.provider(c.score.providerCode), sk: keys.risk(counted.year) },
      UpdateExpression: 'ADD claims :minus, scoreSum :score, flaggedClaims :flag SET updatedAt = :at',
      ExpressionAttributeValues: { ':minus': -1, ':score': -counted.score, ':flag': -counted.flagged, ':at': c.at },
    },
  });
  for (const item of counterUpdates(counted, c.score.providerCode, -1, c.at)) push('counter', item);
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
  return commit();
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
export async function commitGrouped(c: GroupedCommit): Promise<CommitOutcome> {
  const pk = keys.claim(c.ref);
  const { table, push, commit } = eventTransaction(pk, c.eventId, 'grouped', c.at);
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
  push('risk', {
    Update: {
      TableName: table,
      Key: { pk: keys.provider(c.score.providerCode), sk: keys.risk(p.year) },
      UpdateExpression: `SET riskScore = :risk, claimComponent = :cc, providerHits = :hits, updatedAt = :at${p.raise ? ', alertId = :alert' : ''}`,
      ConditionExpression: p.raise ? 'attribute_exists(pk) AND attribute_not_exists(alertId)' : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':risk': p.score.score,
        ':cc': p.score.claimComponent,
        ':hits': p.score.hits,
        ':at': c.at,
        ...(p.raise ? { ':alert': p.raise.alertId } : {}),
      },
    },
  });
  // Claims 0: the claim itself was counted when it was scored; its grouped case and DRG are new.
  for (const item of counterUpdates(c.grouped, c.score.providerCode, 1, c.at, 0)) push('counter', item);
  if (p.raise) push('alert', { Put: { TableName: table, Item: alertItem(p.raise), ConditionExpression: 'attribute_not_exists(pk)' } });
  for (const event of c.events) push('outbox', outboxPut(event));
  return commit();
}
