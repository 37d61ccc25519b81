/**
 * The report as one CSV (pure): one row per figure, long form, so a spreadsheet pivots it and a
 * chart reads it as it is: section, key, measure, in force, draft, difference (yuan, exact: fen ÷
 * 100; points with two decimals). Sections: total, scheme, category, poverty, level, visit_type,
 * month, out_of_pocket, member, provider, drg, dip, year_end, projection; coverage first (what the
 * replay covers of the year).
 */
import { fenToYuan } from '../money/fen.ts';
import { toCsv } from '../budget/report.ts';
import { layerKeys } from '../settlement/statement.ts';
import { emptyTotals, type Side, type Totals } from './aggregate.ts';
import type { SimulationReport, YearEndFigures } from './report.ts';

interface Row {
  section: string;
  key: string;
  measure: string;
  inForce: string;
  draft: string;
  difference: string;
}

const yuan = (fen: number | null) => (fen === null ? '' : fenToYuan(fen));
const points = (cp: number) => `${cp < 0 ? '-' : ''}${Math.floor(Math.abs(cp) / 100)}.${String(Math.abs(cp) % 100).padStart(2, '0')}`;
const money = (section: string, key: string, measure: string, a: number | null, b: number | null): Row => ({
  section,
  key,
  measure,
  inForce: yuan(a),
  draft: yuan(b),
  difference: a === null || b === null ? '' : yuan(b - a),
});
const count = (section: string, key: string, measure: string, a: number, b: number): Row => ({
  section,
  key,
  measure,
  inForce: String(a),
  draft: String(b),
  difference: String(b - a),
});

function totalsRows(section: string, key: string, a: Totals, b: Totals): Row[] {
  return [
    count(section, key, 'claims', a.claims, b.claims),
    money(section, key, 'billed', a.billedFen, b.billedFen),
    money(section, key, 'fund_paid', a.fundPaidFen, b.fundPaidFen),
    ...layerKeys.map((k) => money(section, key, `layer_${k}`, a.byLayer[k], b.byLayer[k])),
    money(section, key, 'institution', a.institutionFen, b.institutionFen),
    money(section, key, 'patient_paid', a.patientPaidFen, b.patientPaidFen),
  ];
}

function mapRows(section: string, a: Record<string, Totals>, b: Record<string, Totals>, empty: Totals): Row[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => totalsRows(section, k, a[k] ?? empty, b[k] ?? empty));
}

function pointsRows(section: 'drg' | 'dip', d: SimulationReport['drg']): Row[] {
  if (!d) return [];
  return [
    {
      section,
      key: 'all',
      measure: 'yuan_per_point',
      inForce: d.inForce?.yuanPerPoint ?? '',
      draft: d.draft?.yuanPerPoint ?? '',
      difference: '',
    },
    ...d.providers.flatMap((p) => [
      {
        section,
        key: p.providerCode,
        measure: 'points',
        inForce: points(p.centipointsInForce),
        draft: points(p.centipointsDraft),
        difference: points(p.centipointsDraft - p.centipointsInForce),
      },
      money(section, p.providerCode, 'entitlement', p.entitlementInForceFen, p.entitlementDraftFen),
    ]),
  ];
}

function yearEndRows(y: SimulationReport['yearEnd']): Row[] {
  if (!y) return [];
  const figures = (key: string, a: YearEndFigures, b: YearEndFigures) => [
    money('year_end', key, 'points_payment', a.pointsPaymentFen, b.pointsPaymentFen),
    money('year_end', key, 'item_payment', a.itemPaymentFen, b.itemPaymentFen),
    money('year_end', key, 'global_budget', a.globalBudgetFen, b.globalBudgetFen),
    money('year_end', key, 'entitlement', a.entitlementFen, b.entitlementFen),
  ];
  return [
    { section: 'year_end', key: 'all', measure: 'pay_by', inForce: y.inForce.terms.payBy, draft: y.draft.terms.payBy, difference: '' },
    {
      section: 'year_end',
      key: 'all',
      measure: 'yuan_per_point',
      inForce: y.inForce.yuanPerPoint ?? '',
      draft: y.draft.yuanPerPoint ?? '',
      difference: '',
    },
    ...figures('all', y.inForce.totals, y.draft.totals),
    ...y.providers.flatMap((p) => figures(p.providerCode, p.inForce, p.draft)),
  ];
}

function coverageRows(c: SimulationReport['coverage']): Row[] {
  if (!c) return [];
  const one = (measure: string, value: string): Row => ({
    section: 'coverage',
    key: 'all',
    measure,
    inForce: value,
    draft: value,
    difference: '',
  });
  return [
    one('claims_stored', String(c.claimsStored)),
    one('claims_replayed', String(c.replayed)),
    one('claims_without_inputs', String(c.withoutInputs)),
    one('claims_without_inputs_in_window', String(c.withoutInputsInWindow)),
    one('fund_paid_without_inputs', fenToYuan(c.withoutInputsFundFen)),
    one('fund_covered_percent', (c.fundCoveredBp / 100).toFixed(2)),
  ];
}

export function reportCsv(r: SimulationReport): string {
  const a: Side = r.fund.inForce;
  const b: Side = r.fund.draft;
  const empty = emptyTotals();
  const o = r.outOfPocket;
  const rows: Row[] = [
    ...coverageRows(r.coverage),
    ...totalsRows('total', 'all', a.all, b.all),
    ...mapRows('scheme', a.byScheme, b.byScheme, empty),
    ...mapRows('category', a.byCategory, b.byCategory, empty),
    ...totalsRows('poverty', 'poor', a.byPoverty.poor, b.byPoverty.poor),
    ...totalsRows('poverty', 'others', a.byPoverty.others, b.byPoverty.others),
    ...mapRows('level', a.byLevel, b.byLevel, empty),
    ...mapRows('visit_type', a.byVisitType, b.byVisitType, empty),
    ...mapRows('month', a.byMonth, b.byMonth, empty),
    money('out_of_pocket', 'all', 'mean', o.inForce.meanFen, o.draft.meanFen),
    money('out_of_pocket', 'all', 'median', o.inForce.medianFen, o.draft.medianFen),
    money('out_of_pocket', 'all', 'p90', o.inForce.p90Fen, o.draft.p90Fen),
    count('out_of_pocket', 'all', `members_above_${fenToYuan(o.line.lineFen)}`, o.inForce.aboveLine, o.draft.aboveLine),
    money('out_of_pocket', 'poor', 'mean', o.poor.inForce.meanFen, o.poor.draft.meanFen),
    count('out_of_pocket', 'poor', `members_above_${fenToYuan(o.line.lineFen)}`, o.poor.inForce.aboveLine, o.poor.draft.aboveLine),
    ...r.mostAffected.members.flatMap((m) => [
      money('member', m.member, 'patient_paid', m.patientInForceFen, m.patientDraftFen),
      money('member', m.member, 'fund_paid', m.fundInForceFen, m.fundDraftFen),
    ]),
    ...r.mostAffected.providers.map((p) => money('provider', p.providerCode, 'fund_paid', p.fundInForceFen, p.fundDraftFen)),
    ...pointsRows('drg', r.drg),
    ...pointsRows('dip', r.dip),
    ...yearEndRows(r.yearEnd),
    money('projection', 'next_year', 'pooled_payments', r.projection.inForce.nextYearPaymentsFen, r.projection.draft.nextYearPaymentsFen),
    money('projection', 'next_year', 'closing_reserve', r.projection.inForce.closingReserveFen, r.projection.draft.closingReserveFen),
    {
      section: 'projection',
      key: 'next_year',
      measure: 'reserve_months',
      inForce: r.projection.inForce.monthsAtNextYearEnd === null ? '' : (r.projection.inForce.monthsAtNextYearEnd / 100).toFixed(2),
      draft: r.projection.draft.monthsAtNextYearEnd === null ? '' : (r.projection.draft.monthsAtNextYearEnd / 100).toFixed(2),
      difference:
        r.projection.difference.monthsAtNextYearEnd === null ? '' : (r.projection.difference.monthsAtNextYearEnd / 100).toFixed(2),
    },
  ];
  return toCsv(
    [
      ['section', (x: Row) => x.section],
      ['key', (x) => x.key],
      ['measure', (x) => x.measure],
      ['in_force', (x) => x.inForce],
      ['draft', (x) => x.draft],
      ['difference', (x) => x.difference],
    ],
    rows,
  );
}
