/**
 * The compact form a year of claims is read into once (pure): charge lines in typed columns (codes
 * interned, amounts in float64 which holds every fen exactly), each bill's header in columns too
 * (provider, member, visit type and dates interned; diagnoses and procedures interned as JSON),
 * and the members, providers and catalogue views the claims share held once and referred to by
 * index. A million claims is a few hundred megabytes instead of gigabytes of objects, and a
 * partition's columns move to a worker thread as transferable buffers, not as millions of objects
 * to clone. A bill is decoded again just before it is settled, exactly as it was stored.
 */
import { itemClasses } from '../../events/claims.ts';
import type { Bill, BillLine } from '../settlement/bill.ts';
import { lineCategories } from '../settlement/policy.ts';
import type { CompactClaim, CompactYear } from './replay.ts';

export interface EncodedPartition {
  /** Interned strings (item codes, dates, units, providers, members, the rest of a bill's header as JSON). */
  strings: string[];
  /** Per claim: the claim number, and its header's fields as indices into `strings`. */
  claimNos: string[];
  orders: string[];
  providerCode: Int32Array;
  memberId: Int32Array;
  visitType: Int32Array;
  serviceDate: Int32Array;
  /** -1: none. */
  admissionDate: Int32Array;
  dischargeDate: Int32Array;
  /** Diagnoses and procedures, as JSON (few distinct in a year). */
  clinical: Int32Array;
  /** The rest of the header (department, bed days, payment…) as JSON, -1 when nothing is left. */
  headRest: Int32Array;
  units: Int32Array;
  schemes: Uint8Array;
  members: Int32Array;
  providers: Int32Array;
  catalogues: Int32Array;
  storedFund: Float64Array;
  /** Claim i's lines are lineStart[i] ≤ j < lineStart[i + 1]. */
  lineStart: Int32Array;
  /** Per line. */
  lineNo: Int32Array;
  itemCode: Int32Array;
  itemClass: Int8Array;
  category: Uint8Array;
  quantity: Float64Array;
  unitPriceFen: Float64Array;
  amountFen: Float64Array;
  /** NaN: no price limit. */
  priceLimitFen: Float64Array;
  /** -1: none. */
  lineServiceDate: Int32Array;
  /** The rare fields the engine does not read (name, supply days, trace code), as JSON; -1: none. */
  extra: Int32Array;
  /** The shared tables, only the rows this partition's claims use (a partition posted to a worker carries no other member). */
  tables: Pick<CompactYear, 'members' | 'providers' | 'catalogues'>;
}

const SCHEMES = ['employee', 'resident'] as const;

/** Encodes the claims given (a partition's) with the year's shared tables. */
export function encodePartition(year: CompactYear, indices: readonly number[]): EncodedPartition {
  const strings: string[] = [];
  const interned = new Map<string, number>();
  const intern = (s: string) => {
    let i = interned.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      interned.set(s, i);
    }
    return i;
  };
  const n = indices.length;
  let lines = 0;
  for (const i of indices) lines += year.claims[i]!.bill.lines.length;
  const e: EncodedPartition = {
    strings,
    claimNos: new Array(n),
    orders: new Array(n),
    providerCode: new Int32Array(n),
    memberId: new Int32Array(n),
    visitType: new Int32Array(n),
    serviceDate: new Int32Array(n),
    admissionDate: new Int32Array(n),
    dischargeDate: new Int32Array(n),
    clinical: new Int32Array(n),
    headRest: new Int32Array(n),
    units: new Int32Array(n),
    schemes: new Uint8Array(n),
    members: new Int32Array(n),
    providers: new Int32Array(n),
    catalogues: new Int32Array(n),
    storedFund: new Float64Array(n),
    lineStart: new Int32Array(n + 1),
    lineNo: new Int32Array(lines),
    itemCode: new Int32Array(lines),
    itemClass: new Int8Array(lines),
    category: new Uint8Array(lines),
    quantity: new Float64Array(lines),
    unitPriceFen: new Float64Array(lines),
    amountFen: new Float64Array(lines),
    priceLimitFen: new Float64Array(lines),
    lineServiceDate: new Int32Array(lines),
    extra: new Int32Array(lines),
    tables: { members: [], providers: [], catalogues: [] },
  };
  // The year's tables remapped to the rows this partition refers to: a year of 200,000 members
  // split 16 ways would otherwise clone every member into every worker's message.
  const remap = <T>(from: readonly T[], into: T[], seen: Map<number, number>, index: number): number => {
    if (index < 0) return index;
    let local = seen.get(index);
    if (local === undefined) {
      local = into.length;
      into.push(from[index]!);
      seen.set(index, local);
    }
    return local;
  };
  const memberRows = new Map<number, number>();
  const providerRows = new Map<number, number>();
  const catalogueRows = new Map<number, number>();
  let j = 0;
  indices.forEach((index, k) => {
    const c = year.claims[index]!;
    const { lines: billLines, providerCode, claimNo, memberId, diagnoses, procedures, visit, ...rest } = c.bill;
    const { type, serviceDate, admissionDate, dischargeDate, ...visitRest } = visit;
    e.claimNos[k] = claimNo;
    e.providerCode[k] = intern(providerCode);
    e.memberId[k] = intern(memberId);
    e.visitType[k] = intern(type);
    e.serviceDate[k] = intern(serviceDate);
    e.admissionDate[k] = admissionDate === undefined ? -1 : intern(admissionDate);
    e.dischargeDate[k] = dischargeDate === undefined ? -1 : intern(dischargeDate);
    e.clinical[k] = intern(JSON.stringify([diagnoses, procedures]));
    const hasVisitRest = Object.keys(visitRest).length > 0;
    e.headRest[k] =
      hasVisitRest || Object.keys(rest).length > 0 ? intern(JSON.stringify(hasVisitRest ? { ...rest, visit: visitRest } : rest)) : -1;
    e.orders[k] = c.order;
    e.units[k] = intern(c.unit);
    e.schemes[k] = SCHEMES.indexOf(c.scheme);
    e.members[k] = remap(year.members, e.tables.members, memberRows, c.member);
    e.providers[k] = remap(year.providers, e.tables.providers, providerRows, c.provider);
    e.catalogues[k] = remap(year.catalogues, e.tables.catalogues, catalogueRows, c.catalogue);
    e.storedFund[k] = c.storedFundPaidFen;
    e.lineStart[k] = j;
    for (const line of billLines) {
      const { lineNo, itemCode, itemClass, category, quantity, unitPriceFen, amountFen, priceLimitFen, serviceDate, ...rest } = line;
      e.lineNo[j] = lineNo;
      e.itemCode[j] = intern(itemCode);
      e.itemClass[j] = itemClass === undefined ? -1 : itemClasses.indexOf(itemClass);
      e.category[j] = lineCategories.indexOf(category);
      e.quantity[j] = quantity;
      e.unitPriceFen[j] = unitPriceFen;
      e.amountFen[j] = amountFen;
      e.priceLimitFen[j] = priceLimitFen ?? Number.NaN;
      e.lineServiceDate[j] = serviceDate === undefined ? -1 : intern(serviceDate);
      e.extra[j] = Object.keys(rest).length === 0 ? -1 : intern(JSON.stringify(rest));
      j++;
    }
  });
  e.lineStart[n] = j;
  return e;
}

/** The buffers a partition moves to a worker without copying. */
export const transferables = (e: EncodedPartition): ArrayBuffer[] =>
  [
    e.providerCode,
    e.memberId,
    e.visitType,
    e.serviceDate,
    e.admissionDate,
    e.dischargeDate,
    e.clinical,
    e.headRest,
    e.units,
    e.schemes,
    e.members,
    e.providers,
    e.catalogues,
    e.storedFund,
    e.lineStart,
    e.lineNo,
    e.itemCode,
    e.itemClass,
    e.category,
    e.quantity,
    e.unitPriceFen,
    e.amountFen,
    e.priceLimitFen,
    e.lineServiceDate,
    e.extra,
  ].map((a) => a.buffer as ArrayBuffer);

/** Claim k of a partition, its bill decoded again. */
export function decodeBill(e: EncodedPartition, k: number, parsed?: Map<number, unknown>): Bill {
  const str = (i: number) => e.strings[i]!;
  const rest = e.headRest[k]! >= 0 ? (JSON.parse(str(e.headRest[k]!)) as Record<string, unknown> & { visit?: object }) : {};
  // Diagnoses and procedures repeat across a year: parsed once per distinct value where the caller
  // keeps a cache (the engine and grouping only read them).
  let clinical = parsed?.get(e.clinical[k]!) as [Bill['diagnoses'], Bill['procedures']] | undefined;
  if (!clinical) {
    clinical = JSON.parse(str(e.clinical[k]!)) as [Bill['diagnoses'], Bill['procedures']];
    parsed?.set(e.clinical[k]!, clinical);
  }
  const [diagnoses, procedures] = clinical;
  const visit = {
    type: str(e.visitType[k]!),
    serviceDate: str(e.serviceDate[k]!),
    ...(e.admissionDate[k]! >= 0 ? { admissionDate: str(e.admissionDate[k]!) } : {}),
    ...(e.dischargeDate[k]! >= 0 ? { dischargeDate: str(e.dischargeDate[k]!) } : {}),
    ...rest.visit,
  };
  const lines: BillLine[] = [];
  for (let j = e.lineStart[k]!; j < e.lineStart[k + 1]!; j++) {
    const line: BillLine = {
      lineNo: e.lineNo[j]!,
      itemCode: e.strings[e.itemCode[j]!]!,
      category: lineCategories[e.category[j]!]!,
      quantity: e.quantity[j]!,
      unitPriceFen: e.unitPriceFen[j]!,
      amountFen: e.amountFen[j]!,
    };
    if (e.itemClass[j]! >= 0) line.itemClass = itemClasses[e.itemClass[j]!]!;
    if (!Number.isNaN(e.priceLimitFen[j]!)) line.priceLimitFen = e.priceLimitFen[j]!;
    if (e.lineServiceDate[j]! >= 0) line.serviceDate = e.strings[e.lineServiceDate[j]!]!;
    if (e.extra[j]! >= 0) Object.assign(line, JSON.parse(e.strings[e.extra[j]!]!));
    lines.push(line);
  }
  const { visit: _visit, ...others } = rest;
  return {
    providerCode: str(e.providerCode[k]!),
    claimNo: e.claimNos[k]!,
    memberId: str(e.memberId[k]!),
    visit,
    diagnoses,
    procedures,
    ...others,
    lines,
  } as Bill;
}

/** A partition as the replay reads it: the bills decoded lazily, one at a time. */
export function decodedYear(e: EncodedPartition): CompactYear {
  // Not cached: the replay reads a claim's bill once, and a million decoded bills would not stay compact.
  const parsed = new Map<number, unknown>();
  const claims: CompactClaim[] = e.claimNos.map((_, k) => {
    return {
      unit: e.strings[e.units[k]!]!,
      order: e.orders[k]!,
      scheme: SCHEMES[e.schemes[k]!]!,
      get bill() {
        return decodeBill(e, k, parsed);
      },
      member: e.members[k]!,
      provider: e.providers[k]!,
      catalogue: e.catalogues[k]!,
      storedFundPaidFen: e.storedFund[k]!,
    };
  });
  return { claims, ...e.tables };
}
