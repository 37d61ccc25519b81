/**
 * What a rule type is: a named mechanism with a parameter schema, the facts its explanation may
 * quote, and a pure evaluation. The numbers live in the catalogue (policies/fraud-rules/<region>/v<n>.json); a type
 * only knows how to look. Three scopes, by what the evaluation reads:
 *  - claim: the claim alone (and the member's date of death, a fact about the member);
 *  - cross-claim: the claim against the member's history and the drug trace scans, within a window;
 *  - provider: the provider's case mix and volume against its peers, within a window of months.
 */
import type * as z from 'zod';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import type { ClaimSummary, FraudClaim, HospitalLevel, TraceScan } from '../claim.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** 可疑 (suspicious: a human must look) or 明确违规 (a clear violation of a payment rule). */
export const RESULT_KINDS = ['suspicious', 'violation'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export type RuleScope = 'claim' | 'cross-claim' | 'provider';

/** One thing a rule found. Amount at stake: explicit, else the lines' amounts, else the whole claim. */
export interface Finding {
  facts: Record<string, string | number>;
  lines?: number[];
  amountFen?: number;
}

/**
 * The knowledge base (知识库) every claim and cross-claim rule reads beside its parameters: the
 * region's layers in force on the claim's first day (shared/knowledge/). A rule's own parameter
 * lists, where it still has them, add to what the knowledge base says; they never replace it.
 */
export interface KnowledgeContext {
  knowledge: KnowledgeBase;
}

export interface ClaimRuleContext extends KnowledgeContext {
  /** The member's date of death, when known. */
  deathDate?: string;
}

export interface CrossClaimContext extends KnowledgeContext {
  /** The member's other claims inside the rule's window (never this claim, never a reversed one). */
  history: ClaimSummary[];
  /** Other scans of this claim's trace codes inside the window (never a reversed claim's). */
  traceScans: TraceScan[];
  /** The window in days the history was cut to (a year's days for an insurance-year window). */
  windowDays: number;
}

export interface ProviderMonthStats {
  month: string;
  claims: number;
  /** Inpatient cases with a DRG result, and of those the ones grouped with a CC or an MCC. */
  groupedCases: number;
  ccMccCases: number;
}

export interface DrgStats {
  drg: string;
  cases: number;
  costFenSum: number;
  losDaysSum: number;
}

/** A provider's figures and its peers', as plain data; peers' totals include the provider itself. */
export interface ProviderProfile {
  providerCode: string;
  region: string;
  level?: HospitalLevel;
  /** The day the evaluation looks from (the last day of care of the claim that prompted it). */
  asOf: string;
  own: ProviderMonthStats[];
  peers: ProviderMonthStats[];
  ownDrgs: DrgStats[];
  regionDrgs: DrgStats[];
}

export interface ProviderWindow {
  /** The months the window covers, oldest first; the last is the month of `asOf`. */
  months: string[];
}

interface Common<P> {
  type: string;
  title: string;
  parameters: z.ZodType<P>;
  /** The placeholders an explanation may use: `{name}`. */
  facts: readonly string[];
}

export interface ClaimRuleType<P = unknown> extends Common<P> {
  scope: 'claim';
  evaluate(claim: FraudClaim, params: P, context: ClaimRuleContext): Finding[];
}

export interface CrossClaimRuleType<P = unknown> extends Common<P> {
  scope: 'cross-claim';
  evaluate(claim: FraudClaim, params: P, context: CrossClaimContext): Finding[];
}

export interface ProviderRuleType<P = unknown> extends Common<P> {
  scope: 'provider';
  evaluate(profile: ProviderProfile, params: P, window: ProviderWindow): Finding[];
}

export type RuleType = ClaimRuleType<never> | CrossClaimRuleType<never> | ProviderRuleType<never>;

export const defineClaimRule = <P>(t: Omit<ClaimRuleType<P>, 'scope'>): ClaimRuleType<P> => ({ ...t, scope: 'claim' });
export const defineCrossClaimRule = <P>(t: Omit<CrossClaimRuleType<P>, 'scope'>): CrossClaimRuleType<P> => ({ ...t, scope: 'cross-claim' });
export const defineProviderRule = <P>(t: Omit<ProviderRuleType<P>, 'scope'>): ProviderRuleType<P> => ({ ...t, scope: 'provider' });
