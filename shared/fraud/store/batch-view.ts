/**
 * A consumer batch's view of the alerts table: what the scoring of ten claims reads, read together
 * (issue 17: requests per claim are the cost per claim on AWS), and answered to each claim exactly as
 * reading the table right then would.
 *
 *  - Exact keys (a claim's SCORE, GROUPING and event marker, a member's DEATH, a provider's RISK, the
 *    month counters of a provider and of its peers) in one BatchGetItem for the whole batch (100 keys a
 *    request); ranges (a member's history, a trace code's scans, a provider's and a region's DRG
 *    counters) in one Query per partition, shared by the batch's claims that read it.
 *  - What the batch writes before it is sent (projections, groupings, the counters its transactions
 *    add) is applied to what was read, so the next claim of the batch sees the claim before it as it
 *    would have on the table: puts as they are, counter updates by their sums (CounterOp).
 *  - Anything written that the view does not hold (a counter it never read, a claim's score updated)
 *    makes a later read of it wait for the batch's writes to be sent (`flushFirst`), then read the table.
 *
 * The view trusts that nothing else writes what it read while the batch runs; where something does,
 * the transaction's conditions (the event marker, the score, the grouping, the provider's alert) refuse
 * it, and the batch's claims are scored again one by one from the table (functions/fraud-scoring/batch.ts).
 */
import { batchGetTables, keyOf, type Key } from '../../runtime/batch-items.ts';
import { alertsTable, inParallel, queryAll, type Item } from './dynamo.ts';
import { keys } from './keys.ts';
import {
  historyBounds,
  providerContextOf,
  TRACE_SCANS_READ,
  type ClaimState,
  type CounterOp,
  type EventTx,
  type FraudReads,
  type MemberContext,
  type ProviderContext,
  type StoredGrouping,
  type StoredScore,
} from './scoring.ts';
import type { ClaimRef, ClaimSummary, FraudClaim, TraceScan } from '../claim.ts';
import type { DateRange } from '../engine.ts';
import { addMonths } from '../dates.ts';

/** A part of one partition: sort keys from `from` to `to` (either open), or those starting with `prefix`. */
export interface Range {
  pk: string;
  from?: string;
  to?: string;
  prefix?: string;
  /** Stop reading after this many items (as the direct read does). */
  max?: number;
}

const rangeId = (r: Range) => `${r.pk}\u0000${r.prefix ?? ''}\u0000${r.from ?? ''}\u0000${r.to ?? ''}`;

/** DynamoDB orders sort keys by their UTF-8 bytes. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

const inRange = (r: Range, sk: string): boolean =>
  r.prefix !== undefined
    ? sk.startsWith(r.prefix)
    : (r.from === undefined || byteOrder(sk, r.from) >= 0) && (r.to === undefined || byteOrder(sk, r.to) <= 0);

/** Whether what was read for `held` holds all of `wanted`. */
const covers = (held: Range, wanted: Range): boolean => {
  if (held.pk !== wanted.pk) return false;
  if (held.prefix !== undefined || wanted.prefix !== undefined) return held.prefix === wanted.prefix;
  // A read cut short at `max` items answers only the same read.
  if (held.max !== undefined || wanted.max !== undefined) return rangeId(held) === rangeId(wanted) && held.max === wanted.max;
  const fromOk = held.from === undefined || (wanted.from !== undefined && byteOrder(held.from, wanted.from) <= 0);
  const toOk = held.to === undefined || (wanted.to !== undefined && byteOrder(held.to, wanted.to) >= 0);
  return fromOk && toOk;
};

/** Every month from the first to the last (what a BETWEEN on STATS#<month> keys reads). */
export function monthsFromTo(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** What each read asks of the table: the view reads these, and the batch's plan asks for them all at once. */
export const needs = {
  claimState: (ref: ClaimRef, eventId: string): { keys: Key[]; ranges: Range[] } => {
    const pk = keys.claim(ref);
    return {
      keys: [
        { pk, sk: keys.score },
        { pk, sk: keys.grouping },
        { pk, sk: keys.eventMarker(eventId) },
      ],
      ranges: [],
    };
  },
  memberContext: (claim: FraudClaim, range: DateRange | undefined): { keys: Key[]; ranges: Range[] } => {
    const pk = keys.member(claim.memberId);
    const codes = [...new Set(claim.lines.map((l) => l.traceCode).filter((c): c is string => Boolean(c)))];
    return {
      keys: [{ pk, sk: keys.death }],
      ranges: [
        ...(range ? [{ pk, ...historyBounds(range) }] : []),
        ...codes.map((code) => ({ pk: keys.trace(code), max: TRACE_SCANS_READ })),
      ],
    };
  },
  providerContext: (p: { code: string; region: string; level?: string }, months: string[], year: number) => {
    const between = monthsFromTo(months[0]!, months.at(-1)!);
    return {
      keys: [
        { pk: keys.provider(p.code), sk: keys.risk(year) },
        ...between.map((m) => ({ pk: keys.provider(p.code), sk: keys.month(m) })),
        ...between.map((m) => ({ pk: keys.peers(p.region, p.level), sk: keys.month(m) })),
      ],
      ranges: [{ pk: keys.provider(p.code), prefix: keys.drgYear(year) }],
      months: between,
    };
  },
};

/** A read the batch cannot answer before its writes so far are sent, and they could not be. */
export class BatchAbandoned extends Error {
  override name = 'BatchAbandoned';
}

export class BatchView implements FraudReads {
  /** Exact keys read or written: the item, or null where there is none. */
  private items = new Map<string, Item | null>();
  /** Ranges read: their items in key order, kept up to date with the batch's writes. */
  private lists = new Map<string, { range: Range; items: Item[] }>();
  /** Items put by the batch, laid over anything read later (the table has them once the batch is sent). */
  private puts = new Map<string, Item>();
  /** Keys and partitions written by the batch without the view holding them: read only after the writes are sent. */
  private dirty = new Map<string, Key>();
  /** Asked for by the batch's plan, read with the next read. */
  private wanted: { keys: Key[]; ranges: Range[] } = { keys: [], ranges: [] };

  /**
   * `flushFirst` sends the batch's writes so far (throwing BatchAbandoned when they could not be);
   * `alsoFirst`: items of other tables read with the first read (a table's epoch: the registry's
   * version check, shared/runtime/epoch.ts), each handed to its `seen`.
   */
  constructor(
    private readonly flushFirst: () => Promise<void>,
    private alsoFirst: { table: string; key: Key; seen: (item: Item | undefined) => void }[] = [],
  ) {}

  /** The batch's plan: read these with the next read. */
  want(need: { keys: Key[]; ranges: Range[] }): void {
    this.wanted.keys.push(...need.keys);
    this.wanted.ranges.push(...need.ranges);
  }

  /** After the batch's writes are sent: everything written is on the table. */
  sent(): void {
    this.dirty.clear();
  }

  /** Forget everything (the batch's writes failed, or were made around the view). */
  reset(): void {
    this.items.clear();
    this.lists.clear();
    this.puts.clear();
    this.sent();
    this.wanted = { keys: [], ranges: [] };
  }

  private heldRange(range: Range) {
    for (const held of this.lists.values()) if (covers(held.range, range)) return held;
    return undefined;
  }

  /** Reads what is not held yet (and what the plan asked for) in one BatchGetItem and one Query per range. */
  async load(need: { keys: Key[]; ranges: Range[] }): Promise<void> {
    // All held: the plan's wishes wait for a read that needs the table anyway.
    if (need.keys.every((k) => this.items.has(keyOf(k))) && need.ranges.every((r) => this.heldRange(r))) return;
    const waits =
      need.keys.some((k) => !this.items.has(keyOf(k)) && this.dirty.has(keyOf(k))) ||
      need.ranges.some((r) => !this.heldRange(r) && this.dirtyIn(r));
    if (waits) await this.flushFirst();
    // What the plan asked for that was written meanwhile waits for its own read (after the writes are sent).
    const keyList = [...need.keys, ...this.wanted.keys].filter((k) => !this.items.has(keyOf(k)) && !this.dirty.has(keyOf(k)));
    const ranges = [...new Map([...need.ranges, ...this.wanted.ranges].map((r) => [rangeId(r), r])).values()].filter(
      (r) => !this.heldRange(r) && !this.dirtyIn(r),
    );
    this.wanted = { keys: [], ranges: [] };
    // A member's ranges asked for by several claims: one Query from the earliest to the latest.
    const merged = mergeRanges(ranges);
    const table = alertsTable();
    const also = keyList.length ? this.alsoFirst : [];
    if (also.length) this.alsoFirst = [];
    const [found, lists] = await Promise.all([
      keyList.length ? batchGetTables([...keyList.map((key) => ({ table, key })), ...also], { consistent: true }) : new Map<string, Item>(),
      inParallel(merged, 8, (r) => queryRange(r)),
    ]);
    for (const a of also) a.seen(found.get(`${a.table}\u0000${keyOf(a.key)}`));
    for (const k of keyList)
      if (!this.items.has(keyOf(k))) this.items.set(keyOf(k), this.overlay(k, found.get(`${table}\u0000${keyOf(k)}`) ?? null));
    merged.forEach((range, i) => {
      const items = lists[i]!;
      for (const put of this.puts.values()) {
        if (put.pk === range.pk && inRange(range, String(put.sk))) upsert(items, put);
      }
      this.lists.set(rangeId(range), { range, items });
    });
  }

  private dirtyIn(r: Range): boolean {
    for (const k of this.dirty.values()) if (k.pk === r.pk && inRange(r, k.sk)) return true;
    return false;
  }

  private overlay(k: Key, item: Item | null): Item | null {
    return this.puts.get(keyOf(k)) ?? item;
  }

  private async get(k: Key): Promise<Item | undefined> {
    if (!this.items.has(keyOf(k))) await this.load({ keys: [k], ranges: [] });
    return this.items.get(keyOf(k)) ?? undefined;
  }

  private async range(r: Range): Promise<Item[]> {
    if (!this.heldRange(r)) await this.load({ keys: [], ranges: [r] });
    const held = this.heldRange(r)!;
    return held.items.filter((i) => inRange(r, String(i.sk)));
  }

  async claimState(ref: ClaimRef, eventId: string): Promise<ClaimState> {
    const need = needs.claimState(ref, eventId);
    await this.load(need);
    const [score, grouping, marker] = await Promise.all(need.keys.map((k) => this.get(k)));
    return {
      ...(score ? { score: score as unknown as StoredScore } : {}),
      ...(grouping ? { grouping: grouping as unknown as StoredGrouping } : {}),
      appliedEvents: new Set(marker ? [eventId] : []),
    };
  }

  async memberContext(claim: FraudClaim, range: DateRange | undefined): Promise<MemberContext> {
    const need = needs.memberContext(claim, range);
    await this.load(need);
    const history = range ? await this.range(need.ranges[0]!) : [];
    const scans = (await Promise.all(need.ranges.slice(range ? 1 : 0).map((r) => this.range(r)))).flat();
    const death = await this.get(need.keys[0]!);
    return {
      history: history.map((i) => i.summary as ClaimSummary),
      traceScans: scans.map((i) => i.scan as TraceScan),
      ...(typeof death?.diedOn === 'string' ? { deathDate: death.diedOn } : {}),
    };
  }

  async providerContext(p: { code: string; region: string; level?: string }, months: string[], year: number): Promise<ProviderContext> {
    const need = needs.providerContext(p, months, year);
    await this.load(need);
    const [riskKey, ...monthKeys] = need.keys;
    const risk = await this.get(riskKey!);
    const stats = await Promise.all(monthKeys.map((k) => this.get(k)));
    const own = stats.slice(0, need.months.length).filter((i): i is Item => i !== undefined);
    const peers = stats.slice(need.months.length).filter((i): i is Item => i !== undefined);
    const ownDrgs = await this.range(need.ranges[0]!);
    // The region's DRG table is only worth reading when the provider has grouped cases to compare.
    const regionDrgs = ownDrgs.length ? await this.range({ pk: keys.regionDrgs(p.region), prefix: keys.drgYear(year) }) : [];
    return providerContextOf({ own, peers, ownDrgs, regionDrgs, risk });
  }

  /** Items the batch puts (sent before its transaction). */
  applyPuts(items: readonly Item[]): void {
    for (const item of items) {
      const k = { pk: String(item.pk), sk: String(item.sk) };
      this.puts.set(keyOf(k), item);
      this.items.set(keyOf(k), item);
      for (const held of this.lists.values()) if (held.range.pk === k.pk && inRange(held.range, k.sk)) upsert(held.items, item);
    }
  }

  /** A death recorded on the table: the earliest stands. */
  applyDeath(memberId: string, diedOn: string, recordedBy: string): void {
    const k = { pk: keys.member(memberId), sk: keys.death };
    if (!this.items.has(keyOf(k))) return;
    const held = this.items.get(keyOf(k));
    if (held && typeof held.diedOn === 'string' && held.diedOn <= diedOn) return;
    this.items.set(keyOf(k), { ...(held ?? k), diedOn, recordedBy });
  }

  /** A transaction the batch will send, as if it were in: its counters added, its puts made, anything else read again. */
  applyTransaction(tx: EventTx): void {
    for (const part of tx.parts) {
      if ('op' in part) {
        this.applyOp(part.op);
        continue;
      }
      const put = part.item.Put?.Item;
      const key = (part.item.Update?.Key ?? part.item.ConditionCheck?.Key ?? part.item.Delete?.Key ?? put) as Key | undefined;
      if (!key) continue;
      const k = { pk: String(key.pk), sk: String(key.sk) };
      if (put) {
        this.items.set(keyOf(k), put);
      } else if (!part.item.ConditionCheck) {
        this.items.delete(keyOf(k));
        this.dirty.set(keyOf(k), k);
      }
    }
  }

  private applyOp(op: CounterOp): void {
    const k = { pk: op.pk, sk: op.sk };
    const apply = (item: Item | null | undefined): Item => {
      const next: Item = { ...(item ?? k) };
      for (const [name, v] of Object.entries(op.add)) next[name] = Number(next[name] ?? 0) + v;
      for (const [name, v] of Object.entries(op.set)) if (v !== undefined) next[name] = v;
      return next;
    };
    if (this.items.has(keyOf(k))) this.items.set(keyOf(k), apply(this.items.get(keyOf(k))));
    // Not held by its key: read by its key only once the batch's writes are sent.
    else this.dirty.set(keyOf(k), k);
    for (const list of this.lists.values()) {
      if (list.range.pk !== op.pk || !inRange(list.range, op.sk)) continue;
      const at = list.items.findIndex((i) => i.sk === op.sk);
      upsert(list.items, apply(at >= 0 ? list.items[at] : undefined));
    }
  }
}

/** Puts an item into a list in key order, in place of the item with its key. */
function upsert(items: Item[], item: Item): void {
  const sk = String(item.sk);
  const at = items.findIndex((i) => i.sk === sk);
  if (at >= 0) {
    items[at] = item;
    return;
  }
  const after = items.findIndex((i) => byteOrder(String(i.sk), sk) > 0);
  if (after < 0) items.push(item);
  else items.splice(after, 0, item);
}

/** Ranges of one partition by from/to (a member's history asked by several claims) as one from the earliest to the latest. */
function mergeRanges(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  const spans = new Map<string, Range>();
  for (const r of ranges) {
    if (r.prefix !== undefined || r.max !== undefined || r.from === undefined || r.to === undefined) {
      out.push(r);
      continue;
    }
    const held = spans.get(r.pk);
    if (!held) spans.set(r.pk, { ...r });
    else {
      if (byteOrder(r.from, held.from!) < 0) held.from = r.from;
      if (byteOrder(r.to, held.to!) > 0) held.to = r.to;
    }
  }
  return [...out, ...spans.values()];
}

function queryRange(r: Range): Promise<Item[]> {
  if (r.prefix !== undefined)
    return queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': r.pk, ':prefix': r.prefix },
    });
  if (r.from !== undefined && r.to !== undefined)
    return queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': r.pk, ':from': r.from, ':to': r.to },
    });
  return queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': r.pk } }, r.max);
}
