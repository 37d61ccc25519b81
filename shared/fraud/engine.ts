/**
 * The scoring engine: runs a catalogue's rules over a claim (and its member's history) or over a
 * provider's figures, and turns what they find into hits, a score and an alert decision. Pure: the
 * history, trace scans and provider figures arrive as plain data from the consumer's adapter.
 *
 * Scoring, as the catalogue states it: each rule that hits adds its weight once (however many
 * findings it has); a score caps at 100; an alert is raised at the region's threshold. A provider's
 * running risk is its mean claim score over the insurance year (once it has enough claims) plus the
 * weights of the provider rules that hit.
 */
import { allocate } from '../money/fen.ts';
import { EMPTY_KNOWLEDGE, type KnowledgeBase, type KnowledgeRef } from '../knowledge/knowledge-base.ts';
import { maskIdNumbersIn } from '../privacy/mask.ts';
import type { CatalogueRule, FraudCatalogue } from './rule-catalogue.ts';
import { claimKey, countingYear, type ClaimSummary, type FraudClaim, type TraceScan } from './claim.ts';
import { addDays, addMonths, monthOf } from './dates.ts';
import {
  SEVERITIES,
  type ClaimRuleType,
  type CrossClaimRuleType,
  type Finding,
  type ProviderProfile,
  type ProviderRuleType,
  type ResultKind,
  type RuleScope,
  type Severity,
} from './rules/define.ts';
import { ruleTypeByName } from './rules/index.ts';

/** A hit lists at most this many findings' explanations (an alert must stay well inside an event's size). */
export const MAX_EXPLANATIONS = 10;

export interface RuleHit {
  ruleId: string;
  type: string;
  scope: RuleScope;
  title: string;
  severity: Severity;
  result: ResultKind;
  weight: number;
  findings: number;
  explanations: string[];
  /** The billed amount this rule puts in doubt (fen). */
  amountFen: number;
  lines: number[];
}

export interface ClaimScore {
  catalogue: { region: string; version: number };
  /** The knowledge-base layers the rules read (none: the rules' own parameters only). */
  knowledge: KnowledgeRef[];
  hits: RuleHit[];
  score: number;
  severity: Severity | null;
  result: ResultKind | null;
  /** The claim's billed amount in doubt, each line counted once (fen). */
  atStakeFen: number;
  threshold: number;
  alert: boolean;
}

export interface ClaimContext {
  memberHistory: readonly ClaimSummary[];
  traceScans: readonly TraceScan[];
  deathDate?: string;
  /** The knowledge base in force for the claim (`knowledgeLookup()`); absent: EMPTY_KNOWLEDGE. */
  knowledge?: KnowledgeBase;
}

export interface ProviderScore {
  hits: RuleHit[];
  /** The mean claim score of the year, once the provider has enough claims (else 0). */
  claimComponent: number;
  score: number;
  severity: Severity;
  threshold: number;
  alert: boolean;
}

/** A template split once into its text and placeholder parts (scoring fills the same few templates all day). */
const compiled = new Map<string, (string | { fact: string })[]>();
function parts(template: string) {
  let out = compiled.get(template);
  if (!out) {
    out = template
      .split(/(\{[A-Za-z]+\})/)
      .filter(Boolean)
      .map((p) => (/^\{[A-Za-z]+\}$/.test(p) ? { fact: p.slice(1, -1) } : p));
    compiled.set(template, out);
  }
  return out;
}

/** Fills `{fact}` placeholders; any ID number that slipped into a fact is masked on the way out. */
export function explain(template: string, facts: Record<string, string | number>): string {
  let text = '';
  for (const p of parts(template)) text += typeof p === 'string' ? p : String(facts[p.fact] ?? '');
  // Only a run of 18 characters can be an ID number: most explanations skip the mask's regex.
  return /\d{17}/.test(text) ? maskIdNumbersIn(text) : text;
}

const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const maxSeverity = (list: readonly Severity[]): Severity | null =>
  list.reduce<Severity | null>((worst, s) => (worst === null || severityRank(s) > severityRank(worst) ? s : worst), null);

export function severityForScore(catalogue: FraudCatalogue, score: number): Severity {
  const band = catalogue.alertSeverity.filter((b) => score >= b.minScore).sort((a, b) => b.minScore - a.minScore)[0];
  return band?.severity ?? 'low';
}

/** The date range of history a claim's cross-claim rules need: the union of their windows. */
export interface DateRange {
  from: string;
  to: string;
}

export function ruleDateRange(rule: CatalogueRule, claim: Pick<FraudClaim, 'start' | 'end'>): DateRange & { days: number } {
  if (rule.window.kind === 'days')
    return { from: addDays(claim.start, -rule.window.days), to: addDays(claim.end, rule.window.days), days: rule.window.days };
  const year = countingYear(claim);
  return { from: `${year}-01-01`, to: `${year}-12-31`, days: 366 };
}

const enabled = (catalogue: FraudCatalogue, scope: RuleScope) => catalogue.rules.filter((r) => r.enabled && r.scope === scope);

export function historyRange(catalogue: FraudCatalogue, claim: Pick<FraudClaim, 'start' | 'end'>): DateRange | undefined {
  const ranges = enabled(catalogue, 'cross-claim').map((r) => ruleDateRange(r, claim));
  if (ranges.length === 0) return undefined;
  return {
    from: ranges.map((r) => r.from).sort()[0]!,
    to: ranges
      .map((r) => r.to)
      .sort()
      .at(-1)!,
  };
}

type LineAmounts = ReadonlyMap<number, number>;
const lineAmounts = (claim: FraudClaim | undefined): LineAmounts => new Map((claim?.lines ?? []).map((l) => [l.lineNo, l.amountFen]));

/** Amount of each finding, and of the claim, with each line counted once. */
function amounts(findings: readonly Finding[], claim: FraudClaim | undefined, lineAmount: LineAmounts) {
  const perLine = new Map<number, number>();
  let loose = 0;
  let wholeClaim = false;
  let hitTotal = 0;
  for (const f of findings) {
    const lines = (f.lines ?? []).filter((n) => lineAmount.has(n));
    if (lines.length > 0) {
      const lineFen = lines.map((n) => lineAmount.get(n)!);
      const amount = f.amountFen ?? lineFen.reduce((a, b) => a + b, 0);
      // Each line its own amount, unless the finding names a part of them (split by the lines' amounts).
      const shares =
        f.amountFen === undefined
          ? lineFen
          : lines.length === 1
            ? [amount]
            : lineFen.some((x) => x > 0)
              ? allocate(amount, lineFen)
              : lines.map((_, i) => (i === 0 ? amount : 0));
      lines.forEach((n, i) => perLine.set(n, Math.max(perLine.get(n) ?? 0, shares[i]!)));
      hitTotal += amount;
    } else if (f.amountFen !== undefined) {
      loose += f.amountFen;
      hitTotal += f.amountFen;
    } else {
      wholeClaim = true;
      hitTotal += claim?.totals.billedFen ?? 0;
    }
  }
  return { hitTotal, perLine, loose, wholeClaim };
}

function toHit(rule: CatalogueRule, findings: readonly Finding[], claim: FraudClaim | undefined, lines: LineAmounts): RuleHit {
  const billed = claim?.totals.billedFen;
  const { hitTotal } = amounts(findings, claim, lines);
  return {
    ruleId: rule.id,
    type: rule.type,
    scope: rule.scope,
    title: rule.title,
    severity: rule.severity,
    result: rule.result,
    weight: rule.weight,
    findings: findings.length,
    explanations: findings.slice(0, MAX_EXPLANATIONS).map((f) => explain(rule.explanation, f.facts)),
    amountFen: billed === undefined ? hitTotal : Math.min(billed, hitTotal),
    lines: [...new Set(findings.flatMap((f) => f.lines ?? []))].sort((a, b) => a - b),
  };
}

const sameClaim = (a: { ref: FraudClaim['ref'] }, b: { ref: FraudClaim['ref'] }) => claimKey(a.ref) === claimKey(b.ref);

export function scoreClaim(catalogue: FraudCatalogue, claim: FraudClaim, context: ClaimContext): ClaimScore {
  const hits: RuleHit[] = [];
  const allFindings: Finding[] = [];
  const lines = lineAmounts(claim);
  const knowledge = context.knowledge ?? EMPTY_KNOWLEDGE;
  for (const rule of catalogue.rules) {
    if (!rule.enabled || rule.scope === 'provider') continue;
    let findings: Finding[];
    if (rule.scope === 'claim') {
      const type = ruleTypeByName.get(rule.type) as ClaimRuleType<unknown>;
      findings = type.evaluate(claim, rule.parameters, { knowledge, ...(context.deathDate ? { deathDate: context.deathDate } : {}) });
    } else {
      const type = ruleTypeByName.get(rule.type) as CrossClaimRuleType<unknown>;
      const range = ruleDateRange(rule, claim);
      const history = context.memberHistory.filter(
        (h) => !h.reversed && !sameClaim(h, claim) && h.end >= range.from && h.start <= range.to,
      );
      const traceScans = context.traceScans.filter(
        (s) => !s.reversed && !sameClaim(s, claim) && s.date >= range.from && s.date <= range.to,
      );
      findings = type.evaluate(claim, rule.parameters, { history, traceScans, windowDays: range.days, knowledge });
    }
    if (findings.length === 0) continue;
    hits.push(toHit(rule, findings, claim, lines));
    allFindings.push(...findings);
  }
  const score = Math.min(
    100,
    hits.reduce((s, h) => s + h.weight, 0),
  );
  const { perLine, loose, wholeClaim } = amounts(allFindings, claim, lines);
  const atStake = wholeClaim
    ? claim.totals.billedFen
    : Math.min(claim.totals.billedFen, [...perLine.values()].reduce((a, b) => a + b, 0) + loose);
  const alert = hits.length > 0 && score >= catalogue.thresholds.claimScore;
  return {
    catalogue: { region: catalogue.region, version: catalogue.version },
    knowledge: knowledge.versions,
    hits,
    score,
    severity: hits.length ? maxSeverity([...hits.map((h) => h.severity), severityForScore(catalogue, score)]) : null,
    result: hits.length ? (hits.some((h) => h.result === 'violation') ? 'violation' : 'suspicious') : null,
    atStakeFen: atStake,
    threshold: catalogue.thresholds.claimScore,
    alert,
  };
}

/** The months a provider rule looks at, oldest first, ending with the month of `asOf`. */
export function providerMonths(rule: CatalogueRule, asOf: string): string[] {
  const current = monthOf(asOf);
  const count = rule.window.kind === 'months' ? rule.window.months : Number(current.slice(5, 7));
  return Array.from({ length: count }, (_, i) => addMonths(current, i - count + 1));
}

/** Every month any provider rule of the catalogue needs, oldest first (what the adapter loads). */
export function providerMonthsNeeded(catalogue: FraudCatalogue, asOf: string): string[] {
  const months = new Set(enabled(catalogue, 'provider').flatMap((r) => providerMonths(r, asOf)));
  months.add(monthOf(asOf));
  return [...months].sort();
}

const NO_LINES: LineAmounts = new Map();

export function scoreProvider(
  catalogue: FraudCatalogue,
  profile: ProviderProfile,
  year: { claims: number; scoreSum: number },
): ProviderScore {
  const hits: RuleHit[] = [];
  for (const rule of enabled(catalogue, 'provider')) {
    const type = ruleTypeByName.get(rule.type) as ProviderRuleType<unknown>;
    const findings = type.evaluate(profile, rule.parameters, { months: providerMonths(rule, profile.asOf) });
    if (findings.length) hits.push(toHit(rule, findings, undefined, NO_LINES));
  }
  const claimComponent =
    year.claims >= catalogue.thresholds.providerMinClaims && year.claims > 0 ? Math.round(year.scoreSum / year.claims) : 0;
  const score = Math.min(100, claimComponent + hits.reduce((s, h) => s + h.weight, 0));
  return {
    hits,
    claimComponent,
    score,
    severity: maxSeverity([...hits.map((h) => h.severity), severityForScore(catalogue, score)])!,
    threshold: catalogue.thresholds.providerScore,
    alert: score >= catalogue.thresholds.providerScore,
  };
}
