/**
 * The projection of claims and grouped cases into monthly totals (DynamoDB adapter). Each fact is
 * applied exactly once: a marker item keyed by the fact's natural key (provider + claim number) is
 * written in the same transaction as the totals it moves, on condition that the marker is new (or,
 * for a claim, still in the state the handler read). A redelivered event finds its marker and moves
 * nothing; two deliveries racing each other cancel one transaction, which SQS then retries.
 *
 * Totals items are created by their first ADD, so a month nobody touched has no item.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Fen } from '../../money/fen.ts';
import { emptyMonth, type MonthTotals } from '../facts.ts';
import { batchGet, db, isConditionFailure, providersTable, queryAll, type TransactItem } from './db.ts';
import { keys } from './keys.ts';

type TotalsDelta = Partial<Record<'centipoints' | 'cases' | 'claims' | 'fundPaidFen' | 'inpatientFundPaidFen', number>>;

const addTo = (providerCode: string, period: string, add: TotalsDelta): TransactItem => {
  const entries = Object.entries(add).filter(([, value]) => value !== 0);
  return {
    Update: {
      TableName: providersTable(),
      Key: keys.totals(providerCode, period),
      UpdateExpression: `SET providerCode = :code, #period = :period${entries.length ? ` ADD ${entries.map(([name]) => `#${name} :${name}`).join(', ')}` : ''}`,
      ExpressionAttributeNames: { '#period': period.length === 4 ? 'year' : 'month', ...Object.fromEntries(entries.map(([name]) => [`#${name}`, name])) },
      ExpressionAttributeValues: { ':code': providerCode, ':period': period, ...Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])) },
    },
  };
};

/**
 * A fact moves its month's totals and its year's: prepayment and warnings read months, the
 * year-end reads one year item per provider (a batch read of 1,000 items, not 12,000).
 */
const addTotals = (providerCode: string, month: string, add: TotalsDelta): TransactItem[] => [
  addTo(providerCode, month, add),
  addTo(providerCode, month.slice(0, 4), add),
];

const addSpent = (communityId: string, month: string, fundPaidFen: Fen, claims: number): TransactItem => ({
  Update: {
    TableName: providersTable(),
    Key: keys.spent(communityId, month),
    UpdateExpression: 'SET communityId = :id, #month = :month ADD fundPaidFen :f, claims :n',
    ExpressionAttributeNames: { '#month': 'month' },
    ExpressionAttributeValues: { ':id': communityId, ':month': month, ':f': fundPaidFen, ':n': claims },
  },
});

const putMarker = (key: { pk: string; sk: string }, item: Record<string, unknown>, condition = 'attribute_not_exists(pk)', values?: Record<string, unknown>): TransactItem => ({
  Put: { TableName: providersTable(), Item: { ...key, ...item }, ConditionExpression: condition, ...(values ? { ExpressionAttributeValues: values } : {}) },
});

/** Runs a projection transaction; false when a marker showed the fact was already applied. */
async function applyOnce(items: TransactItem[]): Promise<boolean> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function getMarker(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await db().send(new GetCommand({ TableName: providersTable(), Key: key, ConsistentRead: true }))).Item;
}

// Grouped cases ----------------------------------------------------------------------------------

export interface CaseFact { providerCode: string; claimNo: string; month: string; centipoints: number }
export interface CutFact { earlier: { providerCode: string; claimNo: string }; deltaCentipoints: number }

export class FactNotYetKnown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FactNotYetKnown';
  }
}

/**
 * A grouped case's points, and the cuts it made to earlier admissions, which are filed in those
 * admissions' months (a readmission on 3 January can halve a December case). An earlier admission
 * this projection has not seen yet makes the message fail, so SQS delivers it again later.
 */
export async function applyCase(c: CaseFact, cuts: readonly CutFact[], now: string): Promise<'applied' | 'already-applied'> {
  const markers: TransactItem[] = [
    putMarker(keys.fact('CASE', c.providerCode, c.claimNo), { kind: 'case', providerCode: c.providerCode, claimNo: c.claimNo, month: c.month, centipoints: c.centipoints, appliedAt: now }),
  ];
  // One update per totals item: a transaction may not touch an item twice, and a cut to the same
  // provider's case in the same month lands on the case's own totals.
  const deltas = new Map<string, { providerCode: string; month: string; centipoints: number; cases: number }>();
  const add = (providerCode: string, month: string, centipoints: number, cases: number) => {
    const key = `${providerCode}|${month}`;
    const d = deltas.get(key) ?? { providerCode, month, centipoints: 0, cases: 0 };
    deltas.set(key, { ...d, centipoints: d.centipoints + centipoints, cases: d.cases + cases });
  };
  add(c.providerCode, c.month, c.centipoints, 1);
  for (const cut of cuts) {
    const earlier = await getMarker(keys.fact('CASE', cut.earlier.providerCode, cut.earlier.claimNo));
    if (!earlier) throw new FactNotYetKnown(`readmission cut to ${cut.earlier.providerCode}/${cut.earlier.claimNo}, whose case is not projected yet`);
    const month = earlier.month as string;
    markers.push(putMarker(keys.fact('CUT', cut.earlier.providerCode, cut.earlier.claimNo), {
      kind: 'cut', providerCode: cut.earlier.providerCode, claimNo: cut.earlier.claimNo, month, centipoints: cut.deltaCentipoints, byClaim: c.claimNo, appliedAt: now,
    }));
    add(cut.earlier.providerCode, month, cut.deltaCentipoints, 0);
  }
  // A cut in another month of the same year moves that year item again: fold the year deltas too.
  const years = new Map<string, { providerCode: string; year: string; centipoints: number; cases: number }>();
  for (const d of deltas.values()) {
    const key = `${d.providerCode}|${d.month.slice(0, 4)}`;
    const y = years.get(key) ?? { providerCode: d.providerCode, year: d.month.slice(0, 4), centipoints: 0, cases: 0 };
    years.set(key, { ...y, centipoints: y.centipoints + d.centipoints, cases: y.cases + d.cases });
  }
  const totals = [
    ...[...deltas.values()].map((d) => addTo(d.providerCode, d.month, { centipoints: d.centipoints, cases: d.cases })),
    ...[...years.values()].map((d) => addTo(d.providerCode, d.year, { centipoints: d.centipoints, cases: d.cases })),
  ];
  return (await applyOnce([...markers, ...totals])) ? 'applied' : 'already-applied';
}

// Claims -------------------------------------------------------------------------------------------

export interface ClaimFact {
  providerCode: string;
  claimNo: string;
  month: string;
  fundPaidFen: Fen;
  inpatient: boolean;
  /** The community whose capitation package the claim counts against, if any. */
  communityId: string | null;
  settledAt: string | null;
}

interface ClaimMarker extends ClaimFact { state: 'settled' | 'reversed'; seq: number }

/**
 * A settled claim's fund payment. The claim's marker is a small state machine (settled ⇄ reversed),
 * each change conditional on the sequence number read, so a settle–reverse–re-settle history is
 * counted as it happened and a stale redelivery (same settledAt) changes nothing.
 */
export async function applyClaimSettled(f: ClaimFact, now: string): Promise<'applied' | 'already-applied'> {
  const key = keys.fact('CLAIM', f.providerCode, f.claimNo);
  const marker = await getMarker(key) as ClaimMarker | undefined;
  if (marker?.state === 'settled') return 'already-applied';
  if (marker?.state === 'reversed' && marker.settledAt === f.settledAt) return 'already-applied';
  const seq = (marker?.seq ?? 0) + 1;
  const items: TransactItem[] = [
    marker
      ? putMarker(key, { ...f, state: 'settled', seq, updatedAt: now }, 'seq = :seq', { ':seq': marker.seq })
      : putMarker(key, { ...f, state: 'settled', seq, updatedAt: now }),
    ...addTotals(f.providerCode, f.month, { claims: 1, fundPaidFen: f.fundPaidFen, inpatientFundPaidFen: f.inpatient ? f.fundPaidFen : 0 }),
  ];
  if (f.communityId) items.push(addSpent(f.communityId, f.month, f.fundPaidFen, 1));
  if (await applyOnce(items)) return 'applied';
  // Someone moved the marker meanwhile: a duplicate delivery that won the race is done; anything else is retried against the new state.
  const now2 = await getMarker(key) as ClaimMarker | undefined;
  if (now2?.state === 'settled' && now2.settledAt === f.settledAt) return 'already-applied';
  throw new Error(`claim ${f.providerCode}/${f.claimNo} changed while being projected; retrying`);
}

/** A reversal takes back exactly what the settlement added, from the month it was added to. */
export async function applyClaimReversed(providerCode: string, claimNo: string, now: string): Promise<'applied' | 'already-applied'> {
  const key = keys.fact('CLAIM', providerCode, claimNo);
  const marker = await getMarker(key) as ClaimMarker | undefined;
  if (!marker) throw new FactNotYetKnown(`reversal of ${providerCode}/${claimNo} before its settlement was projected`);
  if (marker.state === 'reversed') return 'already-applied';
  const items: TransactItem[] = [
    putMarker(key, { ...marker, state: 'reversed', seq: marker.seq + 1, updatedAt: now }, 'seq = :seq', { ':seq': marker.seq }),
    ...addTotals(providerCode, marker.month, { claims: -1, fundPaidFen: -marker.fundPaidFen, inpatientFundPaidFen: marker.inpatient ? -marker.fundPaidFen : 0 }),
  ];
  if (marker.communityId) items.push(addSpent(marker.communityId, marker.month, -marker.fundPaidFen, -1));
  if (await applyOnce(items)) return 'applied';
  throw new Error(`claim ${providerCode}/${claimNo} changed while being projected; retrying`);
}

// Reads ----------------------------------------------------------------------------------------------

const monthOf = (item: Record<string, unknown>): MonthTotals => ({
  ...emptyMonth((item.month ?? item.year) as string),
  centipoints: (item.centipoints as number | undefined) ?? 0,
  cases: (item.cases as number | undefined) ?? 0,
  claims: (item.claims as number | undefined) ?? 0,
  fundPaidFen: (item.fundPaidFen as number | undefined) ?? 0,
  inpatientFundPaidFen: (item.inpatientFundPaidFen as number | undefined) ?? 0,
});

/** A provider's months of a year (only months with facts). */
export async function monthsOfYear(providerCode: string, year: number): Promise<MonthTotals[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `PROVIDER#${providerCode}`, ':s': `TOTALS#${year}-` },
  });
  return items.map(monthOf);
}

/** Many providers' totals for a year, one item each (providers with no fact get zeros). */
export async function yearTotals(providerCodes: readonly string[], year: number): Promise<Map<string, MonthTotals>> {
  const found = await batchGet(providerCodes.map((c) => keys.totals(c, String(year))));
  return new Map(providerCodes.map((c) => {
    const key = keys.totals(c, String(year));
    const item = found.get(`${key.pk}|${key.sk}`);
    return [c, item ? monthOf(item) : emptyMonth(String(year))];
  }));
}

export async function monthTotals(providerCode: string, month: string): Promise<MonthTotals> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.totals(providerCode, month), ConsistentRead: true }));
  return out.Item ? monthOf(out.Item) : emptyMonth(month);
}

/** What a community's capitated members cost the pooled fund in a year, optionally only through a month. */
export async function communitySpent(communityId: string, year: number, throughMonth?: string): Promise<Fen> {
  const out = await db().send(new QueryCommand({
    TableName: providersTable(),
    KeyConditionExpression: 'pk = :p AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':p': `HC#${communityId}`, ':from': `SPENT#${year}-01`, ':to': `SPENT#${throughMonth ?? `${year}-12`}` },
    ConsistentRead: true,
  }));
  return (out.Items ?? []).reduce((a, i) => a + ((i.fundPaidFen as number | undefined) ?? 0), 0);
}
