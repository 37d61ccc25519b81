/**
 * A care institution's monthly care claim (长护月度结算) for one member: settled against the level in
 * force on each day of care and the month's limits of the region's policy, with the care audit
 * rules applied. Integer fen, one rounding per figure (shared/money/fen.ts); every line and the
 * total satisfy billed = fundPaid + memberPaid + refused, where `refused` is what an audit rule takes
 * out of the claim (neither the fund nor the member pays it; the institution bears it), and days
 * without entitlement (not covered, no qualifying level in force) are the member's own.
 *
 * Settings:
 *  - institutional: bed-days in the month; each day allowed at most the level's per-bed-day standard;
 *    the fund pays its ratio of the allowed amount, at most the level's monthly limit; the member pays
 *    the rest (above the standard, and the fund's share beyond the limit);
 *  - home-care: visits or hours by the institution's carers; each unit allowed at most the level's
 *    unit standard; units beyond the level's units a month fall to the hours-beyond-level rule;
 *    fund ratio and monthly limit as above;
 *  - family-carer: the level's monthly cash for the days of the month a family member cared, paid in
 *    full by the fund (a part month by days).
 * A day whose level changed mid-month is paid at that day's level; a setting's monthly limit is that
 * of the highest level paid in the month.
 *
 * Pure: no I/O, no clock.
 */
import { applyRatio, divideRoundHalfUp, type Fen } from '../money/fen.ts';
import type { CareLevel } from './grading-standard.ts';
import type { LevelRecord } from './assessment.ts';
import { levelOn } from './assessment.ts';
import { benefitsOf, type CareAuditRule, type CareSetting, type LongTermCarePolicy } from './policy.ts';

export interface Period {
  from: string;
  to: string;
}

export interface CareClaimInput {
  providerCode: string;
  memberId: string;
  month: string;
  institutional?: { periods: Period[]; dailyChargeFen: Fen } | undefined;
  homeCare?: { visits: { date: string; units: number }[]; unitChargeFen: Fen } | undefined;
  familyCarer?: { periods: Period[] } | undefined;
}

export interface InpatientStay {
  providerCode: string;
  claimNo: string;
  admissionDate: string;
  dischargeDate: string;
}

export interface SettlementContext {
  policy: LongTermCarePolicy;
  levels: readonly LevelRecord[];
  /** Days of the month the member is covered by long-term care insurance (enrolled, not suspended). */
  coveredDays: ReadonlySet<string>;
  stays: readonly InpatientStay[];
  deathDate?: string | undefined;
  institution: { beds: number; settings: readonly CareSetting[] };
  /** Other members this institution has a settled institutional claim for in the month. */
  otherInstitutionalMembers: number;
}

export interface Finding {
  rule: CareAuditRule;
  action: 'deny' | 'flag';
  severity: 'low' | 'medium' | 'high';
  setting: CareSetting | 'claim';
  message: string;
  dates?: string[];
  units?: number;
  facts: Record<string, unknown>;
}

export interface LevelPart {
  level: CareLevel;
  /** Days (institutional, family-carer) or units (home-care) paid at this level. */
  quantity: number;
  allowedFen: Fen;
  fundFen: Fen;
}

export interface SettlementLine {
  setting: CareSetting;
  /** Days or units billed, and those paid. */
  billedQuantity: number;
  paidQuantity: number;
  unit: 'day' | 'visit' | 'hour';
  billedFen: Fen;
  allowedFen: Fen;
  fundPaidFen: Fen;
  memberPaidFen: Fen;
  refusedFen: Fen;
  monthlyLimitFen?: Fen;
  /** The fund's share the monthly limit held back (the member pays it). */
  overLimitFen: Fen;
  byLevel: LevelPart[];
  /**
   * Why days or units were not paid by the fund: `rule` (an audit rule refused them: in refusedFen) or
   * `entitlement` (not covered, no qualifying level that day: the member's own, in memberPaidFen).
   */
  notPaid: { date: string; quantity: number; reason: string; by: 'rule' | 'entitlement' }[];
}

export interface CareStatement {
  month: string;
  policyVersion: number;
  lines: SettlementLine[];
  totals: { billedFen: Fen; fundPaidFen: Fen; memberPaidFen: Fen; refusedFen: Fen };
  findings: Finding[];
  /** The highest level paid in the month (reports count members by it). */
  level?: CareLevel;
}

export const daysOf = (p: Period): string[] => {
  const out: string[] = [];
  for (let d = new Date(`${p.from}T00:00:00Z`); d <= new Date(`${p.to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
};

export const daysInMonth = (month: string): number =>
  new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

/** A night in hospital: from the admission day up to, not including, the discharge day (care resumes on it). */
const inHospital = (stays: readonly InpatientStay[], date: string) => stays.find((s) => s.admissionDate <= date && date < s.dischargeDate);

interface DayVerdict {
  level?: CareLevel;
  reason?: string;
  /** Refused by an audit rule (neither the fund nor the member pays), rather than outside the member's entitlement (the member pays). */
  denied?: boolean;
  findings: { rule: CareAuditRule; facts: Record<string, unknown> }[];
}

/** What the rules and the member's record say about one day of care in a setting. */
function judgeDay(date: string, setting: CareSetting, ctx: SettlementContext): DayVerdict {
  const findings: DayVerdict['findings'] = [];
  const audit = ctx.policy.audit;
  let reason: string | undefined;
  if (ctx.deathDate && date > ctx.deathDate && audit['care-after-death'].enabled) {
    findings.push({ rule: 'care-after-death', facts: { deathDate: ctx.deathDate } });
    if (audit['care-after-death'].action === 'deny') reason = `care-after-death: the member died on ${ctx.deathDate}`;
  }
  const stay = inHospital(ctx.stays, date);
  if (stay && audit['care-during-hospital-stay'].enabled) {
    findings.push({ rule: 'care-during-hospital-stay', facts: { stay } });
    if (audit['care-during-hospital-stay'].action === 'deny' && !reason)
      reason = `care-during-hospital-stay: in hospital at ${stay.providerCode} from ${stay.admissionDate} to ${stay.dischargeDate} (claim ${stay.claimNo})`;
  }
  if (reason) return { reason, denied: true, findings };
  if (!ctx.coveredDays.has(date)) return { reason: 'not_covered: not covered by long-term care insurance that day', findings };
  const record = levelOn(ctx.levels, date);
  if (!record) return { reason: 'no_level: no assessment result in force that day', findings };
  if (!record.qualifies) return { reason: `level_not_qualifying: level ${record.level} does not qualify`, findings };
  const benefits = benefitsOf(ctx.policy, record.level);
  const key = setting === 'institutional' ? 'institutional' : setting === 'home-care' ? 'homeCare' : 'familyCarer';
  if (!benefits?.[key]) return { reason: `setting_not_paid: level ${record.level} is not paid ${setting}`, findings };
  return { level: record.level, findings };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function group<T>(items: readonly T[], key: (t: T) => CareLevel): Map<CareLevel, T[]> {
  const m = new Map<CareLevel, T[]>();
  for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
  return new Map([...m.entries()].sort(([a], [b]) => a - b));
}

type RuleHits = Map<CareAuditRule, { dates: Set<string>; units: number; facts: Record<string, unknown>; setting: CareSetting | 'claim' }>;

function hit(
  hits: RuleHits,
  rule: CareAuditRule,
  setting: CareSetting | 'claim',
  date: string | undefined,
  units: number,
  facts: Record<string, unknown>,
) {
  const h = hits.get(rule) ?? { dates: new Set<string>(), units: 0, facts, setting };
  if (date) h.dates.add(date);
  h.units += units;
  hits.set(rule, h);
}

function institutionalLine(
  input: NonNullable<CareClaimInput['institutional']>,
  ctx: SettlementContext,
  hits: RuleHits,
  bedsExceeded: boolean,
): SettlementLine {
  const days = [...new Set(input.periods.flatMap(daysOf))].sort();
  const notPaid: SettlementLine['notPaid'] = [];
  const paid: { date: string; level: CareLevel }[] = [];
  for (const date of days) {
    const v = judgeDay(date, 'institutional', ctx);
    for (const f of v.findings) hit(hits, f.rule, 'institutional', date, 1, f.facts);
    if (v.level === undefined) notPaid.push({ date, quantity: 1, reason: v.reason!, by: v.denied ? 'rule' : 'entitlement' });
    else if (bedsExceeded && ctx.policy.audit['members-beyond-beds'].action === 'deny')
      notPaid.push({ date, quantity: 1, reason: 'members-beyond-beds: more members billed than the institution has beds', by: 'rule' });
    else paid.push({ date, level: v.level });
  }
  const byLevel: LevelPart[] = [];
  let limit = 0;
  for (const [level, ds] of group(paid, (p) => p.level)) {
    const terms = benefitsOf(ctx.policy, level)!.institutional!;
    const allowed = ds.length * Math.min(input.dailyChargeFen, terms.bedDayStandard);
    byLevel.push({ level, quantity: ds.length, allowedFen: allowed, fundFen: applyRatio(allowed, terms.fundRatio) });
    limit = Math.max(limit, terms.monthlyLimit);
  }
  return close(
    'institutional',
    'day',
    days.length,
    paid.length,
    days.length * input.dailyChargeFen,
    notPaid.filter((n) => n.by === 'rule').length * input.dailyChargeFen,
    byLevel,
    limit,
    notPaid,
  );
}

/**
 * Sums a line: what a rule refused is neither's; the fund pays its share of the allowed amount up to
 * the limit; the member pays the rest (above the standards, beyond the limit, days without entitlement).
 */
function close(
  setting: CareSetting,
  unit: SettlementLine['unit'],
  billedQuantity: number,
  paidQuantity: number,
  billedFen: Fen,
  refusedFen: Fen,
  byLevel: LevelPart[],
  limit: Fen | undefined,
  notPaid: SettlementLine['notPaid'],
): SettlementLine {
  const allowed = sum(byLevel.map((p) => p.allowedFen));
  const fundBeforeLimit = sum(byLevel.map((p) => p.fundFen));
  const fund = limit === undefined ? fundBeforeLimit : Math.min(fundBeforeLimit, limit);
  const refused = refusedFen;
  return {
    setting,
    unit,
    billedQuantity,
    paidQuantity,
    billedFen,
    allowedFen: allowed,
    fundPaidFen: fund,
    memberPaidFen: billedFen - refusedFen - fund,
    refusedFen: refused,
    ...(limit !== undefined && byLevel.length ? { monthlyLimitFen: limit } : {}),
    overLimitFen: fundBeforeLimit - fund,
    byLevel,
    notPaid,
  };
}

function homeCareLine(input: NonNullable<CareClaimInput['homeCare']>, ctx: SettlementContext, hits: RuleHits): SettlementLine {
  const visits = [...input.visits].sort((a, b) => a.date.localeCompare(b.date));
  const notPaid: SettlementLine['notPaid'] = [];
  const paid: { date: string; units: number; level: CareLevel }[] = [];
  let unitsSoFar = 0;
  let unit: 'visit' | 'hour' = 'hour';
  const rule = ctx.policy.audit['hours-beyond-level'];
  for (const visit of visits) {
    const v = judgeDay(visit.date, 'home-care', ctx);
    for (const f of v.findings) hit(hits, f.rule, 'home-care', visit.date, visit.units, f.facts);
    if (v.level === undefined) {
      notPaid.push({ date: visit.date, quantity: visit.units, reason: v.reason!, by: v.denied ? 'rule' : 'entitlement' });
      continue;
    }
    const terms = benefitsOf(ctx.policy, v.level)!.homeCare!;
    unit = terms.unit;
    const room = Math.max(0, terms.unitsPerMonth - unitsSoFar);
    const over = Math.max(0, visit.units - room);
    if (over > 0 && rule.enabled) {
      hit(hits, 'hours-beyond-level', 'home-care', visit.date, over, {
        unitsPerMonth: terms.unitsPerMonth,
        level: v.level,
        unit: terms.unit,
      });
    }
    const payable = over > 0 && rule.enabled && rule.action === 'deny' ? visit.units - over : visit.units;
    if (payable < visit.units)
      notPaid.push({
        date: visit.date,
        quantity: visit.units - payable,
        reason: `hours-beyond-level: level ${v.level} is paid ${terms.unitsPerMonth} ${terms.unit}s a month`,
        by: 'rule',
      });
    if (payable > 0) paid.push({ date: visit.date, units: payable, level: v.level });
    unitsSoFar += payable;
  }
  const byLevel: LevelPart[] = [];
  let limit = 0;
  for (const [level, vs] of group(paid, (p) => p.level)) {
    const terms = benefitsOf(ctx.policy, level)!.homeCare!;
    const units = sum(vs.map((x) => x.units));
    const allowed = units * Math.min(input.unitChargeFen, terms.unitStandard);
    byLevel.push({ level, quantity: units, allowedFen: allowed, fundFen: applyRatio(allowed, terms.fundRatio) });
    limit = Math.max(limit, terms.monthlyLimit);
  }
  const billedUnits = sum(visits.map((v) => v.units));
  const paidUnits = sum(paid.map((p) => p.units));
  return close(
    'home-care',
    unit,
    billedUnits,
    paidUnits,
    billedUnits * input.unitChargeFen,
    sum(notPaid.filter((n) => n.by === 'rule').map((n) => n.quantity)) * input.unitChargeFen,
    byLevel,
    limit,
    notPaid,
  );
}

function familyCarerLine(
  input: NonNullable<CareClaimInput['familyCarer']>,
  month: string,
  ctx: SettlementContext,
  hits: RuleHits,
): SettlementLine {
  const days = [...new Set(input.periods.flatMap(daysOf))].sort();
  const notPaid: SettlementLine['notPaid'] = [];
  const paid: { date: string; level: CareLevel }[] = [];
  let refusedFen = 0;
  const n = daysInMonth(month);
  for (const date of days) {
    const v = judgeDay(date, 'family-carer', ctx);
    for (const f of v.findings) hit(hits, f.rule, 'family-carer', date, 1, f.facts);
    if (v.level === undefined) notPaid.push({ date, quantity: 1, reason: v.reason!, by: v.denied ? 'rule' : 'entitlement' });
    else paid.push({ date, level: v.level });
  }
  const byLevel: LevelPart[] = [];
  for (const [level, ds] of group(paid, (p) => p.level)) {
    const monthly = benefitsOf(ctx.policy, level)!.familyCarer!.monthly;
    const cash = divideRoundHalfUp(monthly * ds.length, n);
    byLevel.push({ level, quantity: ds.length, allowedFen: cash, fundFen: cash });
  }
  // A day refused by a rule is valued at the level in force that day; a day without entitlement was never due.
  for (const np of notPaid.filter((x) => x.by === 'rule')) {
    const record = levelOn(ctx.levels, np.date);
    const monthly = record ? benefitsOf(ctx.policy, record.level)?.familyCarer?.monthly : undefined;
    if (monthly !== undefined) refusedFen += divideRoundHalfUp(monthly, n);
  }
  const paidFen = sum(byLevel.map((p) => p.fundFen));
  return close('family-carer', 'day', days.length, paid.length, paidFen + refusedFen, refusedFen, byLevel, undefined, notPaid);
}

const RULE_TEXT: Record<CareAuditRule, string> = {
  'care-during-hospital-stay': 'care billed for days the member lay in hospital',
  'care-after-death': "care billed after the member's death",
  'hours-beyond-level': "home care billed beyond the level's units a month",
  'members-beyond-beds': 'institutional care billed for more members in the month than the institution has beds',
};

export function settleCareClaim(input: CareClaimInput, ctx: SettlementContext): CareStatement {
  const hits: RuleHits = new Map();
  const lines: SettlementLine[] = [];
  const bedsRule = ctx.policy.audit['members-beyond-beds'];
  const bedsExceeded = input.institutional !== undefined && bedsRule.enabled && ctx.otherInstitutionalMembers + 1 > ctx.institution.beds;
  if (input.institutional) lines.push(institutionalLine(input.institutional, ctx, hits, bedsExceeded));
  if (input.homeCare) lines.push(homeCareLine(input.homeCare, ctx, hits));
  if (input.familyCarer) lines.push(familyCarerLine(input.familyCarer, input.month, ctx, hits));
  if (bedsExceeded) {
    hit(hits, 'members-beyond-beds', 'claim', undefined, 0, { beds: ctx.institution.beds, members: ctx.otherInstitutionalMembers + 1 });
  }
  const findings: Finding[] = [...hits.entries()].map(([rule, h]) => {
    const terms = ctx.policy.audit[rule];
    const dates = [...h.dates].sort();
    return {
      rule,
      action: terms.action,
      severity: terms.severity,
      setting: h.setting,
      message: `${RULE_TEXT[rule]}${dates.length ? `: ${dates.length} day(s) from ${dates[0]}` : ''}${terms.action === 'deny' ? ' (not paid)' : ' (paid, flagged)'}`,
      ...(dates.length ? { dates } : {}),
      ...(h.units ? { units: h.units } : {}),
      facts: h.facts,
    };
  });
  const paidLevels = lines.flatMap((l) => l.byLevel.map((p) => p.level));
  return {
    month: input.month,
    policyVersion: ctx.policy.version,
    lines,
    totals: {
      billedFen: sum(lines.map((l) => l.billedFen)),
      fundPaidFen: sum(lines.map((l) => l.fundPaidFen)),
      memberPaidFen: sum(lines.map((l) => l.memberPaidFen)),
      refusedFen: sum(lines.map((l) => l.refusedFen)),
    },
    findings,
    ...(paidLevels.length ? { level: Math.max(...paidLevels) as CareLevel } : {}),
  };
}

/** The days a settled claim paid, per setting: billed days less those its statement refused whole. */
export function paidDays(input: CareClaimInput, statement: CareStatement): { setting: CareSetting; date: string }[] {
  const out: { setting: CareSetting; date: string }[] = [];
  for (const line of statement.lines) {
    const refused = new Map<string, number>();
    for (const np of line.notPaid) refused.set(np.date, (refused.get(np.date) ?? 0) + np.quantity);
    const billed: { date: string; quantity: number }[] =
      line.setting === 'institutional'
        ? (input.institutional?.periods.flatMap(daysOf) ?? []).map((date) => ({ date, quantity: 1 }))
        : line.setting === 'family-carer'
          ? (input.familyCarer?.periods.flatMap(daysOf) ?? []).map((date) => ({ date, quantity: 1 }))
          : (input.homeCare?.visits ?? []).map((v) => ({ date: v.date, quantity: v.units }));
    const byDate = new Map<string, number>();
    for (const b of billed) byDate.set(b.date, (byDate.get(b.date) ?? 0) + b.quantity);
    for (const [date, quantity] of [...byDate.entries()].sort())
      if ((refused.get(date) ?? 0) < quantity) out.push({ setting: line.setting, date });
  }
  return out;
}

/**
 * The audit of a month already paid, when a stay or a death is learned after it was settled: the paid
 * days in hospital (from the admission day up to the discharge day) or after the death. Whatever the
 * rule's action, these were paid: the findings go to the regulator for recovery.
 */
export function auditAfterSettlement(
  input: CareClaimInput,
  statement: CareStatement,
  learned: { stay?: InpatientStay | undefined; deathDate?: string | undefined },
  policy: LongTermCarePolicy,
): Finding[] {
  const paid = paidDays(input, statement);
  const findings: Finding[] = [];
  const stay = learned.stay;
  if (stay && policy.audit['care-during-hospital-stay'].enabled) {
    const dates = [...new Set(paid.filter((p) => stay.admissionDate <= p.date && p.date < stay.dischargeDate).map((p) => p.date))];
    const terms = policy.audit['care-during-hospital-stay'];
    if (dates.length)
      findings.push({
        rule: 'care-during-hospital-stay',
        action: terms.action,
        severity: terms.severity,
        setting: 'claim',
        message: `${RULE_TEXT['care-during-hospital-stay']}: ${dates.length} paid day(s) from ${dates[0]}, learned after settlement (recover)`,
        dates,
        facts: { stay },
      });
  }
  const died = learned.deathDate;
  if (died && policy.audit['care-after-death'].enabled) {
    const dates = [...new Set(paid.filter((p) => p.date > died).map((p) => p.date))];
    const terms = policy.audit['care-after-death'];
    if (dates.length)
      findings.push({
        rule: 'care-after-death',
        action: terms.action,
        severity: terms.severity,
        setting: 'claim',
        message: `${RULE_TEXT['care-after-death']}: ${dates.length} paid day(s) from ${dates[0]}, learned after settlement (recover)`,
        dates,
        facts: { deathDate: died },
      });
  }
  return findings;
}
