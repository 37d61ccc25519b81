/**
 * The settlement statement (结算单): what each layer paid and what the patient pays, per line and in
 * total, with the step and the policy rule behind every figure, so a clerk can explain it.
 *
 * Two identities hold exactly, per line and in total (property-tested):
 *   billed = outOfCatalogue + overLimit + firstSelfPay + covered              (what is in scope)
 *   billed = Σ paid by layers + institution + patient                         (who pays)
 */
import type { BasisPoints, Fen } from '../money/fen.ts';
import { Refusal } from '../refusal/refusal.ts';
import type { VersionRef } from '../catalogue/version.ts';
import type { Basis, HospitalLevel, ItemClass, LineCategory, VisitType } from './policy.ts';
import type { StatementMaternity } from '../maternity/settle.ts';

export const layerKeys = ['basic', 'catastrophic', 'subsidy', 'assistance', 'assistanceTilted', 'supplementary', 'familyCap'] as const;
export type LayerKey = (typeof layerKeys)[number];

export interface StatementStep {
  layer: 'scope' | LayerKey | 'bed-day' | 'maternity';
  /** What the step decided: deductible, ratio, payment, cap… */
  figure: string;
  amountFen?: Fen;
  ratioBp?: BasisPoints;
  /** The policy rule, as a path into the document: basic.ratios[inpatient]. */
  rule: string;
  /** The paper clause behind the rule, or why its figure is illustrative; `source` names the paper by 文号 (or title), as `policy.sources` does. */
  basis?: Basis;
  /** The arithmetic in words, as a clerk would say it. */
  text: string;
}

export interface StatementLine {
  lineNo: number;
  itemCode: string;
  /** The class the settlement used (the region's catalogue may reclassify an item). */
  itemClass: ItemClass;
  category: LineCategory;
  amountFen: Fen;
  outOfCatalogueFen: Fen;
  overLimitFen: Fen;
  firstSelfPayFen: Fen;
  coveredFen: Fen;
  /** The part of the covered amount that fell under the basic deductible (the patient's, unless a later layer pays it). */
  deductibleFen: Fen;
  paidFen: Record<LayerKey, Fen>;
  /** Cost above a per-bed-day standard: the institution's, neither the fund's nor the patient's. */
  institutionFen: Fen;
  patientFen: Fen;
  /** How the line's scope figures were decided, in words. */
  notes: string[];
  /** The item's own fund ratio (basis points), when basic paid it outside the claim's coinsurance (12.5a). */
  fundRatioBp?: BasisPoints;
  /**
   * The policy rule behind each non-zero figure of the line, as paths into the policy document
   * (firstSelfPay: items.classB.byCategory.material, basic: basic.ratios[inpatient] + basic.caps[annual]…).
   * A layer's total is shared over the lines in proportion to what each still owed in its base.
   */
  rules: LineRules;
  /** The catalogue version (region, version) whose entry decided the line, where a catalogue is in force. */
  catalogue?: VersionRef;
}

/** A line's rules, by figure; a figure that is zero has none (undefined, left out of JSON). */
export type LineRules = Partial<Record<'outOfCatalogue' | 'overLimit' | 'firstSelfPay' | 'deductible' | 'institution' | LayerKey, string>>;

export interface StatementTotals {
  billedFen: Fen;
  outOfCatalogueFen: Fen;
  overLimitFen: Fen;
  firstSelfPayFen: Fen;
  coveredFen: Fen;
  deductibleFen: Fen;
  byLayer: Record<LayerKey, Fen>;
  /** Everything the layers paid (public funds and supplementary cover): the provider collects it from them. */
  fundPaidFen: Fen;
  institutionFen: Fen;
  patientPaidFen: Fen;
}

export interface Statement {
  claim: { providerCode: string; claimNo: string };
  memberId: string;
  policy: {
    id: string;
    region: string;
    scheme: 'employee' | 'resident';
    year: number;
    version: number;
    effectiveFrom: string;
    sources: string[];
  };
  visit: {
    type: VisitType;
    settlementDate: string;
    level: HospitalLevel;
    inRegion: boolean;
    outOfAreaRegistered: boolean;
    familyDoctor: boolean;
    ageYears: number;
    categories: string[];
    disease?: string;
    programme?: string;
    /**
     * The visit as the bill declared it, when settlement settled it otherwise: a chronic-outpatient
     * visit without an approval covering its diagnosis is settled as ordinary outpatient (or under
     * the approved group that does cover it). `notes` says why.
     */
    declared?: { type: VisitType; disease?: string };
    /** The chronic-disease approval (register entry) the visit was settled under. */
    approval?: { entryId: string; diseaseGroup: string; validTo: string };
    notes?: string[];
  };
  /** The catalogue versions (医保目录) the bill was settled by, most local first; absent where none was in force. */
  catalogue?: VersionRef[];
  lines: StatementLine[];
  totals: StatementTotals;
  steps: StatementStep[];
  yearToDate: {
    year: number;
    before: Record<string, number>;
    deltas: Record<string, number>;
    after: Record<string, number>;
    /** The household's counters this claim moved (the family self-pay cap counted per household); absent for a household of one. */
    household?: { householdId: string; before: Record<string, number>; deltas: Record<string, number>; after: Record<string, number> };
  };
  roundingRule: string;
  /**
   * How the patient's share is paid, when the bill asked for the personal account (set by the
   * settling handler after the engine, never by a layer): personalAccountFen + cashFen = totals.patientPaidFen.
   */
  payment?: StatementPayment;
  /** A delivery or antenatal claim (shared/maternity/settle.ts): the pregnancy, the standard paid and the eligibility that allowed it. */
  maternity?: StatementMaternity;
}

export interface StatementPayment {
  personalAccountFen: Fen;
  cashFen: Fen;
  /** Whose account paid: the patient's own, or a bound family member's (家庭共济) with the relation. */
  accountHolderMemberId: string;
  relation?: 'spouse' | 'parent' | 'child';
  /** What the account could pay by the policy, before its balance and the bill's maximum. */
  payableFen: Fen;
  /** The holder's balance after the payment; shown only on the patient's own account. */
  balanceAfterFen?: Fen;
  /** The policy rule and the arithmetic, as a clerk would say it. */
  rule: string;
  text: string;
}

/**
 * A bill the policy cannot settle (a visit type it does not cover, a disease not approved…): the one
 * refusal type, a 400 naming the field of the bill (the request body) it is about.
 */
export class SettlementRefusal extends Refusal {
  constructor(
    readonly field: string,
    readonly rule: string,
    readonly reason: string,
  ) {
    super(400, `body.${field}: ${reason}`, { problems: [{ field: `body.${field}`, rule, message: reason }] });
    this.name = 'SettlementRefusal';
  }
}
