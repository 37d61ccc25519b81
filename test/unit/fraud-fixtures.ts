/** Builders the fraud unit tests share: claims, lines, history and the shipped rules by type. */
import { catalogueSchema, type CatalogueRule, type FraudCatalogue } from '../../shared/fraud/rule-catalogue.ts';
import { allCatalogues } from '../../shared/policy/fraud-rules.ts';
import type { ClaimSummary, FraudClaim, FraudLine, TraceScan } from '../../shared/fraud/claim.ts';
import { scoreClaim, type ClaimContext } from '../../shared/fraud/engine.ts';

export const national = (): FraudCatalogue => allCatalogues().find((c) => c.region === '000000')!;

/** The national baseline's rule of a type, as shipped (its parameters are the worked numbers). */
export function shippedRule(type: string): CatalogueRule {
  const rule = national().rules.find((r) => r.type === type);
  if (!rule) throw new Error(`The national catalogue has no ${type} rule`);
  return rule;
}

/** A catalogue holding only `rules`, with the national thresholds. */
export function catalogueOf(rules: CatalogueRule[], thresholds?: Partial<FraudCatalogue['thresholds']>): FraudCatalogue {
  const base = national();
  return { ...base, thresholds: { ...base.thresholds, ...thresholds }, rules };
}

/** A raw catalogue document to validate (national, with edits). */
export function rawCatalogue(edit: (doc: Record<string, any>) => void = () => undefined): Record<string, any> {
  const doc = structuredClone(national()) as Record<string, any>;
  for (const r of doc.rules) delete r.scope;
  edit(doc);
  return doc;
}

export const parseCatalogue = (doc: unknown) => catalogueSchema.safeParse(doc);

export function line(lineNo: number, itemCode: string, o: Partial<FraudLine> = {}): FraudLine {
  return {
    lineNo,
    itemCode,
    itemClass: 'A',
    category: 'drug',
    quantity: 1,
    unitPriceFen: 1_000,
    amountFen: 1_000,
    date: '2026-03-10',
    ...o,
  };
}

export function claim(o: Partial<FraudClaim> = {}): FraudClaim {
  const lines = o.lines ?? [];
  return {
    ref: { providerCode: 'H0001', claimNo: 'C-1' },
    memberId: 'M-1',
    region: '330900',
    provider: { code: 'H0001', level: 'secondary', region: '330900' },
    visitType: 'outpatient',
    start: '2026-03-10',
    end: '2026-03-10',
    emergency: false,
    patient: { sex: 'M', ageYears: 45 },
    diagnoses: ['J20.900'],
    procedures: [],
    lines,
    totals: { billedFen: lines.reduce((s, l) => s + l.amountFen, 0) || 10_000, fundPaidFen: 7_000, patientPaidFen: 3_000 },
    ...o,
  };
}

export function stay(admission: string, discharge: string, o: Partial<FraudClaim> = {}): FraudClaim {
  const los = Math.round((Date.parse(discharge) - Date.parse(admission)) / 86_400_000);
  return claim({ visitType: 'inpatient', start: admission, end: discharge, lengthOfStayDays: los, ...o });
}

export function summary(claimNo: string, o: Partial<ClaimSummary> = {}): ClaimSummary {
  return {
    ref: { providerCode: o.providerCode ?? 'H0001', claimNo },
    memberId: 'M-1',
    providerCode: 'H0001',
    providerRegion: '330900',
    visitType: 'outpatient',
    start: '2026-03-01',
    end: '2026-03-01',
    drugs: [],
    billedFen: 5_000,
    ...o,
  };
}

export function scan(traceCode: string, claimNo: string, o: Partial<TraceScan> = {}): TraceScan {
  return { traceCode, ref: { providerCode: 'H0002', claimNo }, lineNo: 1, memberId: 'M-9', date: '2026-02-01', ...o };
}

const empty: ClaimContext = { memberHistory: [], traceScans: [] };

/** Scores `c` with one shipped rule (optionally with other parameters or window) and returns its hit, if any. */
export function hitOf(type: string, c: FraudClaim, context: Partial<ClaimContext> = {}, change: Partial<CatalogueRule> = {}) {
  const rule = { ...shippedRule(type), ...change };
  const score = scoreClaim(catalogueOf([rule]), c, { ...empty, ...context });
  return score.hits[0];
}
