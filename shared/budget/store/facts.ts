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
import type { Scheme } from '../fund-accounts.ts';
import { fundClaimItem } from './fund-accounts.ts';
import { isTransactionConflict } from '../../runtime/condition-failure.ts';
import { retry } from '../../runtime/retry.ts';
import { MAX_TRANSACTION_ITEMS } from '../../runtime/batch-items.ts';

const TOTALS_FIELDS = [
  'centipoints',
  'cases',
  'claims',
  'fundPaidFen',
  'inpatientFundPaidFen',
  'stays',
  'drgPointedStays',
  'drgPointedFundPaidFen',
  'dipCentipoints',
  'dipCases',
  'dipPointedStays',
  'dipPointedFundPaidFen',
  'bedDayCentipoints',
  'dipBedDayCentipoints',
] as const;
type TotalsField = (typeof TOTALS_FIELDS)[number];
type TotalsDelta = Partial<Record<TotalsField, number>>;
const zeroDelta = (): Required<TotalsDelta> => Object.fromEntries(TOTALS_FIELDS.map((f) => [f, 0])) as Required<TotalsDelta>;

const addTo = (providerCode: string, period: string, add: TotalsDelta): TransactItem => {
  const entries = Object.entries(add).filter(([, value]) => value !== 0);
  return {
    Update: {
      TableName: providersTable(),
      Key: keys.totals(providerCode, period),
      UpdateExpression: `SET providerCode = :code, #period = :period${entries.length ? ` ADD ${entries.map(([name]) => `#${name} :${name}`).join(', ')}` : ''}`,
      ExpressionAttributeNames: {
        '#period': period.length === 4 ? 'year' : 'month',
        ...Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
      },
      ExpressionAttributeValues: {
        ':code': providerCode,
        ':period': period,
        ...Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])),
      },
    },
  };
};

/**
 * What a transaction adds, folded so it touches each item once (DynamoDB refuses a transaction that
 * names an item twice): a fact moves its month's totals and its year's, since prepayment and
 * warnings read months and the year-end reads one year item per provider; a claim also moves its
 * community's capitation spending and its scheme fund's month. Several claims projected in one
 * transaction (applyFirstSettlements) add to the same items: their additions are summed here.
 */
class TotalsChanges {
  private readonly byItem = new Map<string, { providerCode: string; period: string; delta: Required<TotalsDelta> }>();
  private readonly spent = new Map<string, { communityId: string; month: string; fundPaidFen: Fen; claims: number }>();
  private readonly fund = new Map<
    string,
    { region: string; scheme: Scheme; month: string; byLayer: Record<string, Fen>; claims: number }
  >();

  add(providerCode: string, month: string, delta: TotalsDelta): void {
    for (const period of [month, month.slice(0, 4)]) {
      const key = `${providerCode}|${period}`;
      const entry = this.byItem.get(key) ?? {
        providerCode,
        period,
        delta: zeroDelta(),
      };
      for (const [name, value] of Object.entries(delta) as [keyof TotalsDelta, number][]) entry.delta[name] += value;
      this.byItem.set(key, entry);
    }
  }

  /** A claim's payment counted against (claims 1) or taken back from (−1) a community's capitation package. */
  addSpent(communityId: string, month: string, fundPaidFen: Fen, claims: 1 | -1): void {
    const key = `${communityId}|${month}`;
    const entry = this.spent.get(key) ?? { communityId, month, fundPaidFen: 0, claims: 0 };
    entry.fundPaidFen += fundPaidFen;
    entry.claims += claims;
    this.spent.set(key, entry);
  }

  /** A claim's payments by layer added to (sign 1) or taken from (−1) its scheme fund's month. */
  addFund(region: string, scheme: Scheme, month: string, byLayer: Record<string, Fen>, sign: 1 | -1): void {
    const key = `${region}|${scheme}|${month}`;
    const entry = this.fund.get(key) ?? { region, scheme, month, byLayer: {}, claims: 0 };
    for (const [layer, fen] of Object.entries(byLayer)) entry.byLayer[layer] = (entry.byLayer[layer] ?? 0) + sign * fen;
    entry.claims += sign;
    this.fund.set(key, entry);
  }

  /** The number of items `items()` gives. */
  get size(): number {
    return this.byItem.size + this.spent.size + this.fund.size;
  }

  items(): TransactItem[] {
    return [
      ...[...this.spent.values()].map((e) => addSpent(e.communityId, e.month, e.fundPaidFen, e.claims)),
      ...[...this.fund.values()].map((e) => fundClaimItem(e.region, e.scheme, e.month, e.byLayer, e.claims)),
      ...[...this.byItem.values()].map((e) => addTo(e.providerCode, e.period, e.delta)),
    ];
  }
}

const addSpent = (communityId: string, month: string, fundPaidFen: Fen, claims: number): TransactItem => ({
  Update: {
    TableName: providersTable(),
    Key: keys.spent(communityId, month),
    UpdateExpression: 'SET communityId = :id, #month = :month ADD fundPaidFen :f, claims :n',
    ExpressionAttributeNames: { '#month': 'month' },
    ExpressionAttributeValues: { ':id': communityId, ':month': month, ':f': fundPaidFen, ':n': claims },
  },
});

const putMarker = (
  key: { pk: string; sk: string },
  item: Record<string, unknown>,
  condition = 'attribute_not_exists(pk)',
  values?: Record<string, unknown>,
): TransactItem => ({
  Put: {
    TableName: providersTable(),
    Item: { ...key, ...item },
    ConditionExpression: condition,
    ...(values ? { ExpressionAttributeValues: values } : {}),
  },
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

/** The method a case was grouped by: CHS-DRG points or DIP scores (its CaseGrouped says which). */
export type CaseMethod = 'drg' | 'dip';

export interface CaseFact {
  providerCode: string;
  claimNo: string;
  month: string;
  centipoints: number;
  /** Absent: drg (cases recorded before DIP existed). */
  method?: CaseMethod;
  /** A per-bed-day stay's points (CaseGrouped pricing bed-day): counted among the method's points and apart, for the year-end's report. */
  bedDay?: boolean;
}
export interface CutFact {
  earlier: { providerCode: string; claimNo: string };
  deltaCentipoints: number;
}

/**
 * A projection that lost a race: its claim's marker moved between the read and the transaction (a
 * CaseGrouped and a ClaimSettled of one stay arrive together), or another transaction held the
 * month's totals. Tried again here against the state then read, with jitter, before giving the
 * message back to SQS: a redelivery waits out the queue's visibility timeout (30 minutes on
 * paymentFacts), which stalled a month's prepayment behind one busy provider's claims.
 */
export class ProjectionRaced extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionRaced';
  }
}

export const PROJECTION_ATTEMPTS = 8;

export function againOnRace<T>(attempt: () => Promise<T>): Promise<T> {
  return retry(attempt, {
    maxAttempts: PROJECTION_ATTEMPTS,
    baseDelayMs: 20,
    maxDelayMs: 1_000,
    retryable: (error) => error instanceof ProjectionRaced || isTransactionConflict(error),
  });
}

export class FactNotYetKnown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FactNotYetKnown';
  }
}

/**
 * A case's points count while its claim stands: a reversal withdraws them, a re-settlement of the
 * claim counts them again. A readmission cut counts only while both its cases count.
 */
type CaseState = 'counted' | 'withdrawn';
interface CaseMarker {
  kind: 'case';
  providerCode: string;
  claimNo: string;
  month: string;
  centipoints: number;
  method?: CaseMethod;
  bedDay?: boolean;
  /** The earlier admissions this case cut (markers written before this list existed have none). */
  cutsMade?: { providerCode: string; claimNo: string }[];
  state?: CaseState;
  seq?: number;
}
interface CutMarker {
  kind: 'cut';
  providerCode: string;
  claimNo: string;
  month: string;
  centipoints: number;
  byClaim: string;
  byProvider?: string;
}

const METHODS: readonly CaseMethod[] = ['drg', 'dip'];
const isCounted = (m: CaseMarker | undefined): m is CaseMarker => m !== undefined && (m.state ?? 'counted') === 'counted';
/** A claim's marker: its settled or reversed state. */
const claimKey = (c: { providerCode: string; claimNo: string }) => keys.fact('CLAIM', c.providerCode, c.claimNo);
const caseKey = (providerCode: string, claimNo: string, method: CaseMethod = 'drg') =>
  keys.fact(method === 'dip' ? 'DIPCASE' : 'CASE', providerCode, claimNo);
const readCase = async (providerCode: string, claimNo: string, method: CaseMethod = 'drg') =>
  (await getMarker(caseKey(providerCode, claimNo, method))) as CaseMarker | undefined;
const seqCondition = (m: { seq?: number }) =>
  m.seq === undefined ? { condition: 'attribute_not_exists(seq)' } : { condition: 'seq = :seq', values: { ':seq': m.seq } };

/** The totals a case's points move, by method: DRG in the historical fields, DIP in its own. */
const pointsDelta = (method: CaseMethod, centipoints: number, cases: number, bedDay = false): TotalsDelta => {
  const points: TotalsDelta = method === 'dip' ? { dipCentipoints: centipoints, dipCases: cases } : { centipoints, cases };
  if (bedDay) points[method === 'dip' ? 'dipBedDayCentipoints' : 'bedDayCentipoints'] = centipoints;
  return points;
};
/** The totals a stay paid by a method's points moves: out of items, into that method's pointed stays. */
const pointedDelta = (method: CaseMethod, fundPaidFen: Fen, sign: 1 | -1): TotalsDelta =>
  method === 'dip'
    ? { dipPointedStays: sign, dipPointedFundPaidFen: sign * fundPaidFen }
    : { drgPointedStays: sign, drgPointedFundPaidFen: sign * fundPaidFen };

/** Holds a transaction to a marker's state as read (or to its absence): a fact is moved only while the other stays as it was. */
const unchangedAt = (key: { pk: string; sk: string }, m: { seq?: number } | undefined): TransactItem => {
  if (!m) return { ConditionCheck: { TableName: providersTable(), Key: key, ConditionExpression: 'attribute_not_exists(pk)' } };
  const { condition, values } = seqCondition(m);
  return {
    ConditionCheck: {
      TableName: providersTable(),
      Key: key,
      ConditionExpression: condition,
      ...(values ? { ExpressionAttributeValues: values } : {}),
    },
  };
};
const unchanged = (m: CaseMarker): TransactItem => unchangedAt(caseKey(m.providerCode, m.claimNo, m.method), m);

/**
 * Moves a case to `to` (withdrawn on a reversal, counted again on a re-settlement), with the cuts that
 * count only while it does: the cut it suffered from a later readmission and the cuts it made to
 * earlier admissions, each only if the other case counts. Adds the items to the caller's transaction.
 * Returns whether it wrote the case's marker (so the caller does not also check it).
 */
async function caseTransition(
  providerCode: string,
  claimNo: string,
  to: CaseState,
  changes: TotalsChanges,
  items: TransactItem[],
  now: string,
  method: CaseMethod = 'drg',
): Promise<boolean> {
  const marker = await readCase(providerCode, claimNo, method);
  if (!marker || (marker.state ?? 'counted') === to) return false;
  const sign = to === 'counted' ? 1 : -1;
  changes.add(marker.providerCode, marker.month, pointsDelta(method, sign * marker.centipoints, sign, marker.bedDay));
  const { condition, values } = seqCondition(marker);
  items.push(
    putMarker(
      caseKey(providerCode, claimNo, method),
      { ...marker, state: to, seq: (marker.seq ?? 0) + 1, updatedAt: now },
      condition,
      values,
    ),
  );
  if (method === 'dip') return true;

  const others = new Map<string, CaseMarker>();
  const suffered = (await getMarker(keys.fact('CUT', providerCode, claimNo))) as CutMarker | undefined;
  if (suffered) {
    const readmission = await readCase(suffered.byProvider ?? providerCode, suffered.byClaim);
    if (isCounted(readmission)) {
      changes.add(suffered.providerCode, suffered.month, { centipoints: sign * suffered.centipoints });
      others.set(`${readmission.providerCode}|${readmission.claimNo}`, readmission);
    }
  }
  for (const made of marker.cutsMade ?? []) {
    const [cut, earlier] = await Promise.all([
      getMarker(keys.fact('CUT', made.providerCode, made.claimNo)) as Promise<CutMarker | undefined>,
      readCase(made.providerCode, made.claimNo),
    ]);
    if (cut && isCounted(earlier)) {
      changes.add(cut.providerCode, cut.month, { centipoints: sign * cut.centipoints });
      others.set(`${earlier.providerCode}|${earlier.claimNo}`, earlier);
    }
  }
  items.push(...[...others.values()].map(unchanged));
  return true;
}

/**
 * A grouped case's points, and the cuts it made to earlier admissions, which are filed in those
 * admissions' months (a readmission on 3 January can halve a December case). An earlier admission
 * this projection has not seen yet makes the message fail, so SQS delivers it again later. A case
 * whose claim was already reversed is recorded withdrawn: it counts if the claim is settled again.
 *
 * A counted case points its stay: the claim's fund payment moves from items to the method's pointed
 * stays (in the claim's month), so the year-end pays that stay by points and not by items too. The
 * claim's marker is written (or checked absent) in the same transaction, so a claim and its case
 * projected at the same moment cannot each miss the other.
 */
export function applyCase(c: CaseFact, cuts: readonly CutFact[], now: string): Promise<'applied' | 'already-applied'> {
  return againOnRace(() => applyCaseOnce(c, cuts, now));
}

async function applyCaseOnce(c: CaseFact, cuts: readonly CutFact[], now: string): Promise<'applied' | 'already-applied'> {
  const method = c.method ?? 'drg';
  const markerKey = claimKey(c);
  const claim = (await getMarker(markerKey)) as ClaimMarker | undefined;
  const state: CaseState = claim?.state === 'reversed' ? 'withdrawn' : 'counted';
  const items: TransactItem[] = [
    putMarker(caseKey(c.providerCode, c.claimNo, method), {
      kind: 'case',
      providerCode: c.providerCode,
      claimNo: c.claimNo,
      month: c.month,
      centipoints: c.centipoints,
      method,
      ...(c.bedDay ? { bedDay: true } : {}),
      cutsMade: cuts.map((cut) => cut.earlier),
      state,
      seq: 1,
      appliedAt: now,
    }),
  ];
  const changes = new TotalsChanges();
  if (state === 'counted') changes.add(c.providerCode, c.month, pointsDelta(method, c.centipoints, 1, c.bedDay));
  if (claim?.state === 'settled' && claim.stay && !(claim.pointed ?? []).includes(method)) {
    changes.add(claim.providerCode, claim.month, pointedDelta(method, claim.fundPaidFen, 1));
    items.push(
      putMarker(markerKey, { ...claim, pointed: [...(claim.pointed ?? []), method], seq: claim.seq + 1, updatedAt: now }, 'seq = :seq', {
        ':seq': claim.seq,
      }),
    );
  } else {
    items.push(unchangedAt(markerKey, claim));
  }
  for (const cut of cuts) {
    const earlier = await readCase(cut.earlier.providerCode, cut.earlier.claimNo);
    if (!earlier)
      throw new FactNotYetKnown(`readmission cut to ${cut.earlier.providerCode}/${cut.earlier.claimNo}, whose case is not projected yet`);
    items.push(
      putMarker(keys.fact('CUT', cut.earlier.providerCode, cut.earlier.claimNo), {
        kind: 'cut',
        providerCode: cut.earlier.providerCode,
        claimNo: cut.earlier.claimNo,
        month: earlier.month,
        centipoints: cut.deltaCentipoints,
        byClaim: c.claimNo,
        byProvider: c.providerCode,
        appliedAt: now,
      }),
    );
    if (state === 'counted' && isCounted(earlier)) {
      changes.add(cut.earlier.providerCode, earlier.month, { centipoints: cut.deltaCentipoints });
      items.push(unchanged(earlier));
    }
  }
  if (await applyOnce([...items, ...changes.items()])) return 'applied';
  // The case's marker was there (a redelivery), or the claim moved meanwhile (retried against its new state).
  if (await readCase(c.providerCode, c.claimNo, method)) return 'already-applied';
  throw new ProjectionRaced(`case ${c.providerCode}/${c.claimNo}: its claim changed while being projected`);
}

// Claims -------------------------------------------------------------------------------------------

export interface ClaimFact {
  providerCode: string;
  claimNo: string;
  month: string;
  fundPaidFen: Fen;
  inpatient: boolean;
  /** A stay (inpatient or per bed-day): paid by points where its case counts, else by items. */
  stay?: boolean;
  /** The community whose capitation package the claim counts against, if any. */
  communityId: string | null;
  settledAt: string | null;
  /** 1 for a claim's first settlement, +1 for each re-settlement after a reversal (absent on old events). */
  settlementNo?: number;
  /** The scheme fund that paid it (the member's pooling region and scheme) and what each layer paid: its fund account. */
  fund?: { region: string; scheme: Scheme; byLayer: Record<string, Fen> };
}

interface ClaimMarker extends ClaimFact {
  state: 'settled' | 'reversed';
  seq: number;
  /** The methods whose counted case pays this stay by points (while it stands). */
  pointed?: CaseMethod[];
}

/**
 * A settled claim's fund payment. The claim's marker is a small state machine (settled ⇄ reversed),
 * each change conditional on the sequence number read, so a settle–reverse–re-settle history is
 * counted as it happened and a stale redelivery (same settledAt) changes nothing. A re-settlement
 * counts the claim's grouped case again (the case follows the claim), and a stay whose case
 * counts is paid by points: its payment is added to the method's pointed stays.
 */
export function applyClaimSettled(f: ClaimFact, now: string, capitation?: CapitationCheck): Promise<'applied' | 'already-applied'> {
  let community: Promise<string | null> | undefined;
  return againOnRace(() =>
    applyClaimSettledOnce(f, now, capitation && { ...capitation, decide: (c) => (community ??= capitation.decide(c)) }),
  );
}

/**
 * Which community's capitation package a claim counts against, decided on the member's capitation
 * entry for the year (read with the claim's marker, in the same BatchGetItem: issue 17), once.
 */
export interface CapitationCheck {
  memberId: string;
  year: number;
  decide(capitated: { communityId: string; region: string } | undefined): Promise<string | null>;
}

/** What a settlement reads first, in one BatchGetItem: the claim's marker, its case under each method, the member's capitation. */
const settlementReads = (f: ClaimFact, capitation?: CapitationCheck): { pk: string; sk: string }[] => [
  claimKey(f),
  ...METHODS.map((method) => caseKey(f.providerCode, f.claimNo, method)),
  ...(capitation ? [keys.capitated(capitation.memberId, capitation.year)] : []),
];

type ReadAt = (key: { pk: string; sk: string }) => Record<string, unknown> | undefined;

/** Each method's case as read with the marker. */
const casesAsRead = (f: ClaimFact, readAt: ReadAt) => (method: CaseMethod) =>
  readAt(caseKey(f.providerCode, f.claimNo, method)) as CaseMarker | undefined;

/** The fact with the community its capitation check decides on the entry read (the fact as it is without a check). */
async function withCommunity(f: ClaimFact, capitation: CapitationCheck | undefined, readAt: ReadAt): Promise<ClaimFact> {
  if (!capitation) return f;
  const entry = readAt(keys.capitated(capitation.memberId, capitation.year));
  const capitated = entry ? { communityId: entry.communityId as string, region: entry.region as string } : undefined;
  return { ...f, communityId: await capitation.decide(capitated) };
}

async function applyClaimSettledOnce(f: ClaimFact, now: string, capitation?: CapitationCheck): Promise<'applied' | 'already-applied'> {
  const key = claimKey(f);
  // The claim's marker, its case under each method and the member's capitation in one request (each
  // strongly consistent; the transaction still holds marker and cases to their state as read).
  const read = await batchGet(settlementReads(f, capitation));
  const readAt = (k: { pk: string; sk: string }) => read.get(`${k.pk}|${k.sk}`);
  f = await withCommunity(f, capitation, readAt);
  const marker = readAt(key) as ClaimMarker | undefined;
  if (marker?.state === 'settled') {
    // A re-settlement that overtook its reversal waits for it (redelivered later); the same settlement again is done.
    if (f.settlementNo !== undefined && marker.settlementNo !== undefined && f.settlementNo > marker.settlementNo)
      throw new FactNotYetKnown(
        `settlement ${f.settlementNo} of ${f.providerCode}/${f.claimNo} before the reversal of settlement ${marker.settlementNo}`,
      );
    return 'already-applied';
  }
  if (marker?.state === 'reversed' && marker.settledAt === f.settledAt) return 'already-applied';
  const changes = new TotalsChanges();
  const items = await settlementWrites(f, marker, casesAsRead(f, readAt), changes, now);
  if (await applyOnce([...items, ...changes.items()])) return 'applied';
  // Someone moved the marker meanwhile: a duplicate delivery that won the race is done; anything else is retried against the new state.
  const now2 = (await getMarker(key)) as ClaimMarker | undefined;
  if (now2?.state === 'settled' && now2.settledAt === f.settledAt) return 'already-applied';
  throw new ProjectionRaced(`claim ${f.providerCode}/${f.claimNo} changed while being projected`);
}

/**
 * A settlement's writes: its marker (new, or moved on from the reversal read) and its cases held as
 * read, or counted again after a reversal, as items of its own; what it adds to shared totals into
 * `changes`. `caseRead` answers each method's case as read with the marker (a first settlement's).
 * The one plan of a claim's settlement, alone (applyClaimSettled) or among others (applyFirstSettlements).
 */
async function settlementWrites(
  f: ClaimFact,
  marker: ClaimMarker | undefined,
  caseRead: (method: CaseMethod) => CaseMarker | undefined,
  changes: TotalsChanges,
  now: string,
): Promise<TransactItem[]> {
  const key = claimKey(f);
  const seq = (marker?.seq ?? 0) + 1;
  const items: TransactItem[] = [];
  const stay = f.stay ?? f.inpatient;
  changes.add(f.providerCode, f.month, {
    claims: 1,
    fundPaidFen: f.fundPaidFen,
    inpatientFundPaidFen: f.inpatient ? f.fundPaidFen : 0,
    stays: stay ? 1 : 0,
  });
  const pointed: CaseMethod[] = [];
  for (const method of METHODS) {
    const reversed = marker?.state === 'reversed';
    const moved = reversed ? await caseTransition(f.providerCode, f.claimNo, 'counted', changes, items, now, method) : false;
    // After a reversal the case is read again once its transition is decided (as it always was).
    const found = reversed ? await readCase(f.providerCode, f.claimNo, method) : caseRead(method);
    if (!moved) items.push(unchangedAt(caseKey(f.providerCode, f.claimNo, method), found));
    if (stay && found) {
      pointed.push(method);
      changes.add(f.providerCode, f.month, pointedDelta(method, f.fundPaidFen, 1));
    }
  }
  const next = { ...f, stay, state: 'settled', seq, pointed, updatedAt: now };
  items.unshift(marker ? putMarker(key, next, 'seq = :seq', { ':seq': marker.seq }) : putMarker(key, next));
  if (f.communityId) changes.addSpent(f.communityId, f.month, f.fundPaidFen, 1);
  if (f.fund) changes.addFund(f.fund.region, f.fund.scheme, f.month, f.fund.byLayer, 1);
  return items;
}

/** A claim settled for the first time, with its capitation check: one of applyFirstSettlements' claims. */
export interface FirstSettlement {
  fact: ClaimFact;
  capitation?: CapitationCheck;
}

/**
 * Many claims' first settlements in one BatchGetItem and as few transactions as fit (issue 17: the
 * paymentFacts consumer made two requests per claim; a batch of ten now makes two in all). Each claim
 * writes exactly what applyClaimSettled would (settlementWrites); what they add to the same totals is
 * summed (TotalsChanges). A transaction holds every claim's marker new and its cases as read, so it
 * is all or nothing: refused or conflicting, none of it was written.
 *
 * Answers per claim, in order: 'applied', or undefined for a claim to project alone with
 * applyClaimSettled (which decides it as before): one whose marker exists (a redelivery, a reversal,
 * a re-settlement), one whose capitation could not be decided, or each claim of a transaction that
 * did not go through.
 */
export async function applyFirstSettlements(claims: readonly FirstSettlement[], now: string): Promise<('applied' | undefined)[]> {
  const outcomes: ('applied' | undefined)[] = claims.map(() => undefined);
  const read = await batchGet(claims.flatMap((c) => settlementReads(c.fact, c.capitation)));
  const readAt = (k: { pk: string; sk: string }) => read.get(`${k.pk}|${k.sk}`);

  let changes = new TotalsChanges();
  let items: TransactItem[] = [];
  let members: number[] = [];
  const send = async () => {
    if (members.length === 0) return;
    const sending = members;
    const all = [...items, ...changes.items()];
    changes = new TotalsChanges();
    items = [];
    members = [];
    try {
      if (await applyOnce(all)) for (const i of sending) outcomes[i] = 'applied';
    } catch (error) {
      // Another transaction held an item (on AWS, another container's batch): each claim alone, which retries.
      if (!isTransactionConflict(error)) throw error;
    }
  };

  const seen = new Set<string>();
  for (const [i, c] of claims.entries()) {
    const key = claimKey(c.fact);
    // A claim named twice (a redelivery beside its first delivery) is not written twice in one transaction.
    if (readAt(key) || seen.has(`${key.pk}|${key.sk}`)) continue;
    seen.add(`${key.pk}|${key.sk}`);
    let f: ClaimFact;
    try {
      f = await withCommunity(c.fact, c.capitation, readAt);
    } catch {
      continue; // alone, where the same decision fails for this message only
    }
    // At most what a first settlement adds to a transaction: its marker and case checks, and a shared
    // item for each of its additions (its month's and year's totals, its community's, its fund's).
    if (items.length + changes.size + 1 + METHODS.length + 4 > MAX_TRANSACTION_ITEMS) await send();
    items.push(...(await settlementWrites(f, undefined, casesAsRead(f, readAt), changes, now)));
    members.push(i);
  }
  await send();
  return outcomes;
}

/**
 * A reversal takes back exactly what the settlement added, from the month it was added to, and
 * withdraws the claim's grouped cases: a reversed claim earns no points and its stay is no longer paid.
 */
export function applyClaimReversed(providerCode: string, claimNo: string, now: string): Promise<'applied' | 'already-applied'> {
  return againOnRace(() => applyClaimReversedOnce(providerCode, claimNo, now));
}

async function applyClaimReversedOnce(providerCode: string, claimNo: string, now: string): Promise<'applied' | 'already-applied'> {
  const key = claimKey({ providerCode, claimNo });
  const marker = (await getMarker(key)) as ClaimMarker | undefined;
  if (!marker) throw new FactNotYetKnown(`reversal of ${providerCode}/${claimNo} before its settlement was projected`);
  if (marker.state === 'reversed') return 'already-applied';
  const items: TransactItem[] = [
    putMarker(key, { ...marker, state: 'reversed', pointed: [], seq: marker.seq + 1, updatedAt: now }, 'seq = :seq', {
      ':seq': marker.seq,
    }),
  ];
  const changes = new TotalsChanges();
  const stay = marker.stay ?? marker.inpatient;
  changes.add(providerCode, marker.month, {
    claims: -1,
    fundPaidFen: -marker.fundPaidFen,
    inpatientFundPaidFen: marker.inpatient ? -marker.fundPaidFen : 0,
    stays: stay ? -1 : 0,
  });
  for (const method of marker.pointed ?? []) changes.add(providerCode, marker.month, pointedDelta(method, marker.fundPaidFen, -1));
  for (const method of METHODS) await caseTransition(providerCode, claimNo, 'withdrawn', changes, items, now, method);
  if (marker.communityId) changes.addSpent(marker.communityId, marker.month, -marker.fundPaidFen, -1);
  if (marker.fund) changes.addFund(marker.fund.region, marker.fund.scheme, marker.month, marker.fund.byLayer, -1);
  if (await applyOnce([...items, ...changes.items()])) return 'applied';
  throw new ProjectionRaced(`claim ${providerCode}/${claimNo} changed while being projected`);
}

// Reads ----------------------------------------------------------------------------------------------

const monthOf = (item: Record<string, unknown>): MonthTotals => {
  const month = emptyMonth((item.month ?? item.year) as string);
  for (const field of TOTALS_FIELDS) month[field] = (item[field] as number | undefined) ?? 0;
  return month;
};

/** A provider's months of a year (only months with facts). */
export async function monthsOfYear(providerCode: string, year: number): Promise<MonthTotals[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': `PROVIDER#${providerCode}`, ':s': `TOTALS#${year}-` },
  });
  return items.map(monthOf);
}

/** Many providers' totals for a year, one item each (providers with no fact get zeros). */
export async function yearTotals(providerCodes: readonly string[], year: number): Promise<Map<string, MonthTotals>> {
  const found = await batchGet(providerCodes.map((c) => keys.totals(c, String(year))));
  return new Map(
    providerCodes.map((c) => {
      const key = keys.totals(c, String(year));
      const item = found.get(`${key.pk}|${key.sk}`);
      return [c, item ? monthOf(item) : emptyMonth(String(year))];
    }),
  );
}

export async function monthTotals(providerCode: string, month: string): Promise<MonthTotals> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.totals(providerCode, month), ConsistentRead: true }));
  return out.Item ? monthOf(out.Item) : emptyMonth(month);
}

/** What a community's capitated members cost the pooled fund in a year, optionally only through a month. */
export async function communitySpent(communityId: string, year: number, throughMonth?: string): Promise<Fen> {
  const out = await db().send(
    new QueryCommand({
      TableName: providersTable(),
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':p': `HC#${communityId}`, ':from': `SPENT#${year}-01`, ':to': `SPENT#${throughMonth ?? `${year}-12`}` },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).reduce((a, i) => a + ((i.fundPaidFen as number | undefined) ?? 0), 0);
}
