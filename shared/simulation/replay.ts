/**
 * The replay (pure): a partition's claims settled again, each replay unit (a member, or the
 * household whose counters its members share) in the order its claims were settled, from the start
 * of the year with fresh accumulators, twice: under the policy in force on each claim's settlement
 * date and under the draft. The same engine the live path runs (shared/settlement/engine.ts
 * `settle`), on the inputs the claim was settled with (the bill, and the member, provider and
 * catalogue entries kept beside it): nothing is read from or written to any live store.
 *
 * Which claims the draft settles: a benefits draft settles the claims of its scheme whose settlement
 * date lies in the window; the year's claims before the window are replayed under the policy in
 * force on both sides (they only build the accumulators, as if the draft took effect on `from`), and
 * claims settled after the window are left out. A DRG draft leaves the benefits alone and points
 * every stay of the window again under it (shared/drg: group, points, readmission cuts). A catalogue
 * draft settles the window's claims again with the draft's entries in the catalogue each was settled
 * by (catalogue-draft.ts); a year-end draft changes nothing here: the report settles the year's
 * entitlements under it from the providers' rows (report.ts `yearEndSection`).
 */
import type { ClaimSettledPayload } from '../../events/claims.ts';
import type { CatalogueView } from '../catalogue/version.ts';
import type { DrgPolicy } from '../drg/policy.ts';
import { grouperFor } from '../drg/rule-packages.ts';
import type { Admission } from '../drg/readmission.ts';
import { cutsFor, settleCase } from '../drg/settled-case.ts';
import { settleDipCase } from '../dip/settled-case.ts';
import { settle } from '../settlement/engine.ts';
import type { Bill } from '../settlement/bill.ts';
import { ageOn, daysBetween, regionCovers, type MemberState, type ProviderProfile } from '../settlement/member.ts';
import type { BenefitPolicy } from '../settlement/policy.ts';
import type { Statement } from '../settlement/statement.ts';
import { settlementDate } from '../settlement/bill.ts';
import { addToSide, emptyPartial, type MemberRow, type Partial, type ProviderRow } from './aggregate.ts';
import type { PolicyBook } from './book.ts';
import { draftCatalogue } from './catalogue-draft.ts';

/** A settled claim in the compact form a replay reads (members, providers and catalogue views shared by index). */
export interface CompactClaim {
  /** The replay unit (shared/simulation/partition.ts `replayUnit`). */
  unit: string;
  /** Settlement time, then provider and claim number: the order the live path settled the unit's claims in. */
  order: string;
  scheme: 'employee' | 'resident';
  bill: Bill;
  member: number;
  provider: number;
  /** Index of the catalogue view by date, or -1 where none was in force. */
  catalogue: number;
  /** What the store says the fund paid (for the replay check). */
  storedFundPaidFen: number;
}

export interface CompactYear {
  claims: CompactClaim[];
  members: MemberState[];
  providers: ProviderProfile[];
  catalogues: { byDate: Record<string, CatalogueView> }[];
}

/** Counters moved by a statement, in place (a replay's own accumulators, never the store's). */
function apply(counters: Record<string, number>, deltas: Readonly<Record<string, number>>): void {
  for (const name in deltas) counters[name] = (counters[name] ?? 0) + deltas[name]!;
}

interface Ledger {
  member: Record<string, number>;
  households: Map<string, Record<string, number>>;
}

type Outcome = { statement: Statement } | { refused: string };

/** Settles one claim on a side's ledger and moves that ledger, as the live path moves the store's. */
function settleOn(
  ledger: Ledger,
  claim: CompactClaim,
  bill: Bill,
  year: CompactYear,
  policy: BenefitPolicy | undefined,
  catalogue?: { byDate: Readonly<Record<string, CatalogueView>> },
): Outcome {
  if (!policy) return { refused: 'no_policy' };
  const member = year.members[claim.member]!;
  const perHousehold = member.householdId !== undefined && policy.familyCap?.per === 'household';
  let household: Record<string, number> | undefined;
  if (perHousehold) {
    household = ledger.households.get(member.householdId!);
    if (!household) {
      household = {};
      ledger.households.set(member.householdId!, household);
    }
  }
  let statement: Statement;
  try {
    statement = settle({
      bill,
      member,
      provider: year.providers[claim.provider]!,
      yearToDate: ledger.member,
      ...(household ? { householdYearToDate: household } : {}),
      policy,
      ...(catalogue ? { catalogue } : claim.catalogue >= 0 ? { catalogue: year.catalogues[claim.catalogue]! } : {}),
    });
  } catch (error) {
    const rule = (error as { problems?: { rule: string }[] }).problems?.[0]?.rule;
    if (rule) return { refused: rule };
    throw error;
  }
  apply(ledger.member, statement.yearToDate.deltas);
  if (household && statement.yearToDate.household) apply(household, statement.yearToDate.household.deltas);
  return { statement };
}

const REFUSED_TOTALS = (bill: Bill) => {
  const billed = bill.lines.reduce((a, l) => a + l.amountFen, 0);
  return {
    billedFen: billed,
    fundPaidFen: 0,
    patientPaidFen: billed,
    institutionFen: 0,
    byLayer: { basic: 0, catastrophic: 0, subsidy: 0, assistance: 0, assistanceTilted: 0, supplementary: 0, familyCap: 0 },
  };
};

const totalsOf = (outcome: Outcome, bill: Bill) => ('statement' in outcome ? outcome.statement.totals : REFUSED_TOTALS(bill));

/** The DRG case a stay makes, from what the claim was settled with (the ClaimSettled payload's fields grouping reads). */
function casePayload(bill: Bill, member: MemberState, provider: ProviderProfile, statement: Statement | undefined): ClaimSettledPayload {
  const visit = bill.visit;
  const age = ageOn(member.birthDate, visit.serviceDate);
  const billed = bill.lines.reduce((a, l) => a + l.amountFen, 0);
  return {
    claim: { providerCode: bill.providerCode, claimNo: bill.claimNo },
    memberId: member.memberId,
    region: member.enrolment.region,
    provider: { code: provider.code, level: provider.level, region: provider.region },
    visit: {
      type: visit.type,
      serviceDate: visit.serviceDate,
      admissionDate: visit.admissionDate ?? visit.serviceDate,
      ...(visit.dischargeDate ? { dischargeDate: visit.dischargeDate } : {}),
      ...(visit.department ? { department: visit.department } : {}),
      ...(visit.bedDay ? { bedDay: visit.bedDay } : {}),
    },
    patient: {
      sex: member.sex,
      ageYears: age.years,
      ...(age.years === 0 ? { ageDays: age.days } : {}),
      ...(bill.birthWeightGrams ? { birthWeightGrams: bill.birthWeightGrams } : {}),
    },
    diagnoses: { principal: bill.diagnoses.principal, secondary: bill.diagnoses.secondary },
    procedures: bill.procedures,
    inpatient: {
      lengthOfStayDays: daysBetween(visit.serviceDate, visit.dischargeDate ?? visit.serviceDate),
      ...(visit.ventilationHours !== undefined ? { ventilationHours: visit.ventilationHours } : {}),
      ...(visit.dischargeStatus ? { dischargeStatus: visit.dischargeStatus } : {}),
      ...(visit.bedDay ? { bedDays: visit.bedDay.days } : {}),
    },
    lines: bill.lines.map((l) => ({ category: l.category, amountFen: l.amountFen })),
    totals: { billedFen: statement?.totals.billedFen ?? billed },
  } as unknown as ClaimSettledPayload;
}

interface DrgSide {
  admissions: Admission[];
  /** Admissions already cut: each is cut once, however many readmissions follow it (as the case store's conditional cut item does). */
  cut: Set<string>;
}

/** A stay's points under one DRG policy, with the readmission cuts it makes against the unit's earlier stays. */
function pointStay(
  side: DrgSide,
  policy: DrgPolicy,
  payload: ClaimSettledPayload,
  add: (providerCode: string, centipoints: number) => void,
): void {
  const settled = settleCase(grouperFor(policy.grouperVersion), policy, payload);
  add(settled.providerCode, settled.points.centipoints);
  const others = side.admissions.filter((a) => a.drg === settled.admission.drg);
  for (const cut of cutsFor(policy, settled, others)) {
    const key = `${cut.earlier.providerCode}#${cut.earlier.claimNo}`;
    if (side.cut.has(key)) continue;
    side.cut.add(key);
    add(cut.earlier.providerCode, cut.deltaCentipoints);
  }
  side.admissions.push(settled.admission);
}

/** The stays DRG and DIP point: those the bus routes to grouping (inpatient and per-bed-day stays). */
const STAYS = new Set(['inpatient', 'bed-day']);
/** How often a replay reports how far it got. */
export const PROGRESS_EVERY = 10_000;

/** Replays the claims given (any set of whole replay units) and adds up what the report needs. */
export function replay(
  year: CompactYear,
  book: PolicyBook,
  indices?: readonly number[],
  onProgress?: (claimsDone: number) => void,
): Partial {
  const { window } = book;
  const order = indices ? [...indices] : year.claims.map((_, i) => i);
  order.sort((a, b) => {
    const x = year.claims[a]!;
    const y = year.claims[b]!;
    return x.unit < y.unit ? -1 : x.unit > y.unit ? 1 : x.order < y.order ? -1 : x.order > y.order ? 1 : 0;
  });
  const partial = emptyPartial();
  const members = new Map<string, MemberRow>();
  const providers = new Map<string, ProviderRow>();
  const providerRow = (p: ProviderProfile): ProviderRow => {
    let row = providers.get(p.code);
    if (!row) {
      row = {
        providerCode: p.code,
        level: p.level,
        region: p.region,
        claims: 0,
        fundInForceFen: 0,
        fundDraftFen: 0,
        patientInForceFen: 0,
        patientDraftFen: 0,
        drgCases: 0,
        centipointsInForce: 0,
        centipointsDraft: 0,
        dipCases: 0,
        dipCentipointsInForce: 0,
        dipCentipointsDraft: 0,
        basicInForceFen: 0,
        basicDraftFen: 0,
        stays: 0,
        drgStayBasicInForceFen: 0,
        drgStayBasicDraftFen: 0,
        dipStayBasicInForceFen: 0,
        dipStayBasicDraftFen: 0,
      };
      providers.set(p.code, row);
    }
    return row;
  };
  const byCode = new Map(year.providers.map((p) => [p.code, p]));

  let unit = '';
  let base: Ledger = { member: {}, households: new Map() };
  let draft: Ledger = base;
  let drgBase: DrgSide = { admissions: [], cut: new Set() };
  let drgDraft: DrgSide = { admissions: [], cut: new Set() };
  let memberOfLedger = '';
  let diverged = false;
  // Each member's own counters within the current unit (a household's members keep theirs apart).
  const ledgersByMember = new Map<string, { base: Record<string, number>; draft: Record<string, number> }>();
  let done = 0;
  for (const i of order) {
    if (onProgress && ++done % PROGRESS_EVERY === 0) onProgress(done);
    const claim = year.claims[i]!;
    const member = year.members[claim.member]!;
    // A new unit starts its year again; within a household each member keeps their own counters.
    if (claim.unit !== unit) {
      unit = claim.unit;
      base = { member: {}, households: new Map() };
      draft = { member: {}, households: new Map() };
      drgBase = { admissions: [], cut: new Set() };
      drgDraft = { admissions: [], cut: new Set() };
      memberOfLedger = '';
      diverged = false;
      ledgersByMember.clear();
    }
    if (member.memberId !== memberOfLedger) {
      memberOfLedger = member.memberId;
      const held = ledgersByMember.get(member.memberId);
      if (held) {
        base.member = held.base;
        draft.member = held.draft;
      } else {
        base.member = {};
        draft.member = {};
        ledgersByMember.set(member.memberId, { base: base.member, draft: draft.member });
      }
    }
    const bill = claim.bill;
    const date = settlementDate(bill);
    if (date > window.to) continue;
    partial.claimsRead += 1;
    const inWindow = date >= window.from;
    const inForcePolicy = book.benefitsInForce(claim.scheme, date);
    const draftPolicy = inWindow && book.benefitsDraft && book.benefitsDraft.scheme === claim.scheme ? book.benefitsDraft : inForcePolicy;
    const a = settleOn(base, claim, bill, year, inForcePolicy);
    // A catalogue draft changes the catalogue the window's claims of the providers it covers are settled by.
    let draftViews: { byDate: Record<string, CatalogueView> } | undefined;
    if (inWindow && book.catalogueDraft && claim.catalogue >= 0) {
      const provider = year.providers[claim.provider]!;
      if (regionCovers(book.catalogueDraft.region, provider.region)) {
        draftViews = draftCatalogue(
          book.catalogueDraft,
          year.catalogues[claim.catalogue]!,
          bill.lines.map((l) => l.itemCode),
        );
        if (draftViews) diverged = true;
      }
    }
    // Until the draft first settles one of the unit's claims, both sides hold the same counters: a claim
    // the draft does not reach (before the window, another scheme, every claim under a DRG draft) would
    // settle to the same statement, so the draft side takes it and moves its own counters by its deltas.
    let b: Outcome;
    if (draftPolicy !== inForcePolicy) diverged = true;
    if (diverged) b = settleOn(draft, claim, bill, year, draftPolicy, draftViews);
    else {
      b = a;
      if ('statement' in a) {
        apply(draft.member, a.statement.yearToDate.deltas);
        const household = a.statement.yearToDate.household;
        // As settleOn: household counters move only where the policy keeps them per household.
        if (household && inForcePolicy?.familyCap?.per === 'household') {
          let counters = draft.households.get(household.householdId);
          if (!counters) {
            counters = {};
            draft.households.set(household.householdId, counters);
          }
          apply(counters, household.deltas);
        }
      }
    }
    if (!inWindow) continue;

    partial.claimsInWindow += 1;
    const provider = year.providers[claim.provider]!;
    const ta = totalsOf(a, bill);
    const tb = totalsOf(b, bill);
    if ('refused' in a) {
      partial.refused.inForce += 1;
      partial.refused.reasons[`in-force:${a.refused}`] = (partial.refused.reasons[`in-force:${a.refused}`] ?? 0) + 1;
    }
    if ('refused' in b) {
      partial.refused.draft += 1;
      partial.refused.reasons[`draft:${b.refused}`] = (partial.refused.reasons[`draft:${b.refused}`] ?? 0) + 1;
    }
    if (ta.fundPaidFen === claim.storedFundPaidFen) partial.replayCheck.equal += 1;
    else {
      partial.replayCheck.differing += 1;
      partial.replayCheck.differenceFen += ta.fundPaidFen - claim.storedFundPaidFen;
    }
    const cut = {
      scheme: claim.scheme,
      categories: member.categories,
      level: provider.level,
      visitType: 'statement' in a ? a.statement.visit.type : bill.visit.type,
      month: date.slice(0, 7),
    };
    addToSide(partial.inForce, cut, ta);
    addToSide(partial.draft, cut, tb);
    let m = members.get(member.memberId);
    if (!m) {
      m = {
        memberId: member.memberId,
        poor: false,
        claims: 0,
        patientInForceFen: 0,
        patientDraftFen: 0,
        fundInForceFen: 0,
        fundDraftFen: 0,
      };
      members.set(member.memberId, m);
    }
    m.poor ||= member.categories.length > 0;
    m.claims += 1;
    m.patientInForceFen += ta.patientPaidFen;
    m.patientDraftFen += tb.patientPaidFen;
    m.fundInForceFen += ta.fundPaidFen;
    m.fundDraftFen += tb.fundPaidFen;
    const p = providerRow(provider);
    p.claims += 1;
    p.fundInForceFen += ta.fundPaidFen;
    p.fundDraftFen += tb.fundPaidFen;
    p.patientInForceFen += ta.patientPaidFen;
    p.patientDraftFen += tb.patientPaidFen;
    p.basicInForceFen += ta.byLayer.basic;
    p.basicDraftFen += tb.byLayer.basic;

    // DRG and DIP points of the region's stays (care given within the region, paid from its pool).
    if (STAYS.has(bill.visit.type) && regionCovers(window.region, provider.region)) {
      const drgPolicy = book.drgInForce(date);
      const dipPolicy = book.dipInForce(date);
      const payload = drgPolicy || dipPolicy ? casePayload(bill, member, provider, 'statement' in a ? a.statement : undefined) : undefined;
      // The pooled fund (basic) paid on the stays each method points: paid by points, not by items, at the year-end.
      p.stays += 1;
      if (drgPolicy) {
        p.drgStayBasicInForceFen += ta.byLayer.basic;
        p.drgStayBasicDraftFen += tb.byLayer.basic;
      }
      if (dipPolicy) {
        p.dipStayBasicInForceFen += ta.byLayer.basic;
        p.dipStayBasicDraftFen += tb.byLayer.basic;
      }
      if (dipPolicy && payload) {
        p.dipCases += 1;
        const inForcePoints = settleDipCase(dipPolicy, payload).result.centipoints;
        p.dipCentipointsInForce += inForcePoints;
        p.dipCentipointsDraft += book.dipDraft ? settleDipCase(book.dipDraft, payload).result.centipoints : inForcePoints;
      }
      if (drgPolicy && payload) {
        p.drgCases += 1;
        const addBase = (code: string, cp: number) => {
          providerRow(byCode.get(code) ?? provider).centipointsInForce += cp;
        };
        const addDraft = (code: string, cp: number) => {
          providerRow(byCode.get(code) ?? provider).centipointsDraft += cp;
        };
        pointStay(drgBase, drgPolicy, payload, addBase);
        pointStay(drgDraft, book.drgDraft ?? drgPolicy, payload, addDraft);
      }
    }
  }
  partial.members = [...members.values()];
  partial.providers = [...providers.values()];
  return partial;
}
