/**
 * The demo's second region: Honghe (红河州, 532500) 2025, for the programmes Zhoushan's papers do not
 * give it. Long-term care insurance and maternity insurance are shipped for Honghe only
 * (policies/long-term-care/532500, policies/maternity/532500: Honghe's own plan, 红政办发〔2022〕52号,
 * sets their mechanisms; the figures are labelled stand-ins). Publishing a "Zhoushan" long-term care or
 * maternity policy would put words in another agency's mouth, so the demo runs these programmes where
 * their paper is, beside Zhoushan's year, and Honghe pays its stays by DIP (policies/dip/532500): the
 * demo shows DRG (Zhoushan) and DIP (Honghe) both.
 *
 * Who: Honghe's employees (the plan starts long-term care 从职工医保参保人群起步, and only its employee
 * benefits are shipped): in service with the region's employers and retired, enrolled for 2024 and
 * 2025 with every month of both years paid (a delivery needs 12 months paid before it). Among the
 * retirees over 70, some apply for a disability assessment (失能评估) in 2025: most are graded severe
 * (levels 3–5, care paid monthly in a care home, at home by the hour, or to a family carer), some
 * moderate (level 2, not qualifying). Among the women in service, some register a pregnancy, have their
 * antenatal care paid per capita where they registered, deliver (vaginal, caesarean, complicated) and
 * are granted the maternity allowance. A few stays a year from the same case mix as Zhoushan's, scored
 * by DIP. Pure: no I/O, no clock; every figure is illustrative, as Zhoushan's.
 */
import { creditCodeCheckCharacter } from '../../../shared/employers/credit-code.ts';
import { ITEMS as CARE_ITEMS, type ItemScores } from '../../../shared/long-term-care/grading-standard.ts';
import type { Catalogue, PlannedClaim } from './claims.ts';
import { caseMixStay, maternityBill } from './claims.ts';
import { idNumberMaker, type Level } from './population.ts';
import { randomStream, type Random } from './random.ts';

export const HONGHE_REGION = '532500';
export const HONGHE_YEAR = 2025;
export const HONGHE_NAME = '红河州';

export interface HongheProvider {
  providerCode: string;
  name: string;
  region: string;
  level: Level;
  kind: 'hospital' | 'community-centre' | 'care-institution';
  /** Long-term care certification (定点护理机构): settings it may bill. */
  care?: ('institutional' | 'home-care' | 'family-carer')[];
}

/** Hospitals at every level (the 妇幼保健院 registers most pregnancies), a community centre, two care institutions. */
export const HONGHE_PROVIDERS: readonly HongheProvider[] = [
  { providerCode: 'HH5001', name: '红河州第一人民医院', region: '532503', level: 'tertiary', kind: 'hospital' },
  { providerCode: 'HH5201', name: '红河州妇幼保健院', region: '532503', level: 'secondary', kind: 'hospital' },
  { providerCode: 'HH5202', name: '个旧市人民医院', region: '532501', level: 'secondary', kind: 'hospital' },
  { providerCode: 'HH5211', name: '蒙自市文澜街道社区卫生服务中心', region: '532503', level: 'primary', kind: 'community-centre' },
  {
    providerCode: 'HH5301',
    name: '红河州示例康养护理院',
    region: '532503',
    level: 'primary',
    kind: 'care-institution',
    care: ['institutional', 'home-care'],
  },
  {
    providerCode: 'HH5302',
    name: '个旧市示例居家护理服务站',
    region: '532501',
    level: 'primary',
    kind: 'care-institution',
    care: ['home-care', 'family-carer'],
  },
];
export const hongheLevel = (code: string): Level => HONGHE_PROVIDERS.find((p) => p.providerCode === code)!.level;

/** Two assessors per round, of the region the members live in (532500); a second pair for the appeals' fresh eyes. */
export const HONGHE_ASSESSORS = ['hh-assessor-1', 'hh-assessor-2', 'hh-assessor-3', 'hh-assessor-4'] as const;

const DISTRICTS = ['532501', '532502', '532503', '532504'] as const; // 个旧市, 开远市, 蒙自市, 弥勒市

export type CareSetting = 'institutional' | 'home-care' | 'family-carer';

export interface CarePlan {
  appliedOn: string;
  concludedOn: string;
  /** The level the standard gives for the scores (the unit test checks each against gradeDisability). */
  level: 2 | 3 | 4 | 5;
  scores: ItemScores;
  reason: string;
  setting: CareSetting;
  providerCode: string;
}

export interface PregnancyPlan {
  registeredOn: string;
  expectedDeliveryDate: string;
  /** Where she registered: her antenatal care is paid there, per capita. */
  registeredAt: string;
  antenatalOn: string;
  deliveryDate: string;
  admissionDate: string;
  dischargeDate: string;
  deliveredAt: string;
  deliveryType: 'vaginal' | 'caesarean' | 'complicated';
  babies: 1 | 2;
}

export interface HonghePerson {
  /** Position in Honghe's population (claim numbers and streams use it). */
  index: number;
  idNumber: string;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  district: string;
  status: 'in-service' | 'retired';
  employerCode: string;
  monthlyWageFen: number;
  contributionYears?: number;
  care?: CarePlan;
  pregnancy?: PregnancyPlan;
}

export interface HongheEmployer {
  creditCode: string;
  name: string;
}

export interface HonghePopulation {
  seed: number;
  employers: HongheEmployer[];
  people: HonghePerson[];
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => iso(Date.parse(`${date}T00:00:00Z`) + n * DAY);
const dayOfYear = (r: Random, from: number, to: number) => iso(Date.UTC(HONGHE_YEAR, 0, 1) + r.int(from, to) * DAY);
const pad = (n: number, w: number) => String(n).padStart(w, '0');

const SURNAMES = '李杨张王刘陈赵普白罗马何段钱孙周吴郑冯朱胡高林陆龙';
const GIVEN = '文华兰英芳秀云丽梅春红玉明建国忠德志强金荣福贵琼艳燕娟平';
const nameOf = (r: Random) => r.pick([...SURNAMES]) + r.pick([...GIVEN]) + (r.chance(0.6) ? r.pick([...GIVEN]) : '');

/** Honghe's members for the demo: about a tenth of Zhoushan's scale, at least 40. */
export const hongheSize = (zhoushanScale: number) => Math.max(40, Math.round(zhoushanScale / 10));

const TRADES = ['锡业', '建材', '烟草', '农产品加工', '物流', '电力'];

export function generateHonghe(seed: number, size: number): HonghePopulation {
  const r = randomStream(seed, 'honghe');
  const idNumberOf = idNumberMaker();
  const employers: HongheEmployer[] = Array.from({ length: Math.max(2, Math.round(size / 40)) }, (_, i) => {
    const first17 = `91${DISTRICTS[i % DISTRICTS.length]}MA${pad(5000 + i, 7)}`;
    return {
      creditCode: first17 + creditCodeCheckCharacter(first17),
      name: `红河示例${TRADES[i % TRADES.length]}有限公司${i >= TRADES.length ? `（${Math.floor(i / TRADES.length) + 1}）` : ''}`,
    };
  });
  const people: HonghePerson[] = [];
  for (let index = 0; index < size; index++) {
    // A third retired, so the disability assessments have someone to assess at a small scale.
    const status = r.chance(0.34) ? 'retired' : 'in-service';
    const sex = r.chance(status === 'retired' ? 0.5 : 0.55) ? 'F' : 'M';
    const age = status === 'retired' ? r.int(60, 92) : sex === 'F' && r.chance(0.5) ? r.int(23, 38) : r.int(22, 58);
    const birthDate = iso(Date.UTC(HONGHE_YEAR - age - 1, 0, 2) + r.int(0, 364) * DAY);
    const district = r.pick([...DISTRICTS]);
    const idNumber = idNumberOf(r, district, birthDate, sex);
    const p: HonghePerson = {
      index,
      idNumber,
      name: nameOf(r),
      sex,
      birthDate,
      district,
      status,
      employerCode: r.pick(employers).creditCode,
      monthlyWageFen: Math.round(r.around(6_500, 2_000, 3_000)) * 100,
      ...(status === 'retired' ? { contributionYears: r.int(sex === 'M' ? 30 : 25, 40) } : {}),
    };
    if (status === 'retired' && age >= 70 && r.chance(age >= 80 ? 0.5 : 0.35)) p.care = carePlan(r);
    if (status === 'in-service' && sex === 'F' && age <= 38 && r.chance(0.3)) p.pregnancy = pregnancyPlan(r);
    people.push(p);
  }
  return { seed, employers, people };
}

/** Full marks, then the items an assessor marks down. */
function scoresOf(adl: Record<string, number>, cognition: Record<string, number> = {}): ItemScores {
  const full = (i: keyof typeof CARE_ITEMS) => Object.fromEntries(Object.entries(CARE_ITEMS[i]).map(([k, s]) => [k, s.max]));
  return { adl: { ...full('adl'), ...adl }, cognition: { ...full('cognition'), ...cognition }, perception: full('perception') };
}
/** ADL 30 (重度受损). */
const ADL_SEVERE = {
  eating: 5,
  bathing: 0,
  grooming: 0,
  dressing: 5,
  bowels: 5,
  bladder: 5,
  toileting: 0,
  transfer: 5,
  walking: 5,
  stairs: 0,
};
/** ADL 10 (重度受损): bedridden. */
const ADL_BEDRIDDEN = {
  eating: 5,
  bathing: 0,
  grooming: 0,
  dressing: 0,
  bowels: 5,
  bladder: 0,
  toileting: 0,
  transfer: 0,
  walking: 0,
  stairs: 0,
};
/** ADL 55 (中度受损). */
const ADL_MODERATE = { ...ADL_SEVERE, eating: 10, dressing: 10, transfer: 15, walking: 10 };
/** Cognition 8 (中度受损) and 2 (重度受损). */
const COG_MODERATE = { timeOrientation: 2, personOrientation: 2, placeOrientation: 2, memory: 2 };
const COG_SEVERE = { timeOrientation: 1, personOrientation: 1, placeOrientation: 0, memory: 0 };

const CARE_REASONS = ['脑梗死后遗症，长期卧床', '阿尔茨海默病，生活不能自理', '帕金森病晚期', '股骨颈骨折术后，行走不能', '脑出血后偏瘫'];

function carePlan(r: Random): CarePlan {
  const level = r.weighted([
    [2, 25],
    [3, 40],
    [4, 22],
    [5, 13],
  ] as const);
  const scores =
    level === 2
      ? scoresOf(ADL_MODERATE)
      : level === 3
        ? scoresOf(ADL_SEVERE)
        : level === 4
          ? scoresOf(ADL_SEVERE, COG_MODERATE)
          : scoresOf(ADL_BEDRIDDEN, COG_SEVERE);
  // Applications through September, concluded within three weeks: care is paid from the conclusion.
  const appliedOn = dayOfYear(r, 5, 260);
  const setting = r.weighted([
    ['institutional', 50],
    ['home-care', 30],
    ['family-carer', 20],
  ] as const);
  return {
    appliedOn,
    concludedOn: addDays(appliedOn, r.int(7, 21)),
    level,
    scores,
    reason: r.pick(CARE_REASONS),
    setting,
    providerCode: setting === 'institutional' ? 'HH5301' : setting === 'family-carer' ? 'HH5302' : r.pick(['HH5301', 'HH5302']),
  };
}

function pregnancyPlan(r: Random): PregnancyPlan {
  // Expected from February to mid-December; registered in the first trimester, about 200 days before.
  const expectedDeliveryDate = dayOfYear(r, 35, 345);
  const deliveryDate = addDays(expectedDeliveryDate, r.int(-10, 5) > 0 ? r.int(0, 5) : -r.int(0, 10));
  const deliveryType = r.weighted([
    ['vaginal', 60],
    ['caesarean', 34],
    ['complicated', 6],
  ] as const);
  const registeredAt = r.weighted([
    ['HH5201', 70],
    ['HH5211', 30],
  ] as const);
  const admissionDate = addDays(deliveryDate, -r.int(0, 1));
  return {
    registeredOn: addDays(expectedDeliveryDate, -r.int(180, 230)),
    expectedDeliveryDate,
    registeredAt,
    antenatalOn: addDays(expectedDeliveryDate, -r.int(30, 90)),
    deliveryDate,
    admissionDate,
    dischargeDate: addDays(deliveryDate, deliveryType === 'vaginal' ? r.int(2, 3) : r.int(4, 6)),
    deliveredAt: r.weighted([
      ['HH5201', 60],
      ['HH5001', 40],
    ] as const),
    deliveryType,
    babies: r.chance(0.02) ? 2 : 1,
  };
}

/** The care a qualifying member is billed for in a month (from the conclusion), or nothing. */
export function careClaimFor(person: HonghePerson, month: string): Record<string, unknown> | undefined {
  const c = person.care;
  if (!c || c.level < 3) return undefined;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = `${month}-01`;
  const last = iso(Date.UTC(y, m, 0));
  if (c.concludedOn > last) return undefined;
  const from = c.concludedOn > first ? c.concludedOn : first;
  const base = { providerCode: c.providerCode, month };
  if (c.setting === 'institutional') return { ...base, institutional: { periods: [{ from, to: last }], dailyChargeFen: 6_500 } };
  if (c.setting === 'family-carer') return { ...base, familyCarer: { periods: [{ from, to: last }] } };
  // Home care: six three-hour visits a month from the first day of care (18 hours, within level 3's 20), at 55.00 an hour.
  const visits: { date: string; units: number }[] = [];
  for (let d = from; d <= last; d = addDays(d, 3)) if (visits.length < 6) visits.push({ date: d, units: 3 });
  return { ...base, homeCare: { visits, unitChargeFen: 5_500 } };
}

/** A member's stays of the year (about one member in ten), from Zhoushan's case mix at Honghe's hospitals. */
export function hongheStays(population: HonghePopulation, catalogue: Catalogue): PlannedClaim[] {
  const out: PlannedClaim[] = [];
  for (const p of population.people) {
    const r = randomStream(population.seed, `honghe-stay-${p.index}`);
    const age = HONGHE_YEAR - Number(p.birthDate.slice(0, 4));
    if (!r.chance(age >= 70 ? 0.25 : 0.08)) continue;
    const providerCode = r.weighted([
      ['HH5001', 35],
      ['HH5202', 45],
      ['HH5211', 20],
    ] as const);
    const admission = dayOfYear(r, 0, 340);
    // Not while she is in the delivery ward.
    if (p.pregnancy && admission >= addDays(p.pregnancy.admissionDate, -20) && admission <= p.pregnancy.dischargeDate) continue;
    const stay = caseMixStay({
      r,
      catalogue,
      member: { index: p.index, sex: p.sex, birthDate: p.birthDate },
      admission,
      providerCode,
      level: hongheLevel(providerCode),
      claimNo: `HZY${HONGHE_YEAR}-${pad(p.index, 6)}-01`,
    });
    if (stay) out.push(stay);
  }
  return out.sort((a, b) => a.settles.localeCompare(b.settles) || a.member - b.member);
}

/** The antenatal and delivery bills of a member's pregnancy (maternity.pregnancyId filled in). */
export function pregnancyBills(person: HonghePerson, catalogue: Catalogue): { antenatal: PlannedClaim; delivery: PlannedClaim } {
  const p = person.pregnancy!;
  const pregnancyId = `P${p.expectedDeliveryDate.replaceAll('-', '')}`;
  return {
    antenatal: maternityBill(catalogue, {
      member: person.index,
      providerCode: p.registeredAt,
      level: hongheLevel(p.registeredAt),
      claimNo: `HCQ${HONGHE_YEAR}-${pad(person.index, 6)}`,
      service: 'antenatal',
      serviceDate: p.antenatalOn,
      pregnancyId,
    }),
    delivery: maternityBill(catalogue, {
      member: person.index,
      providerCode: p.deliveredAt,
      level: hongheLevel(p.deliveredAt),
      claimNo: `HFM${HONGHE_YEAR}-${pad(person.index, 6)}`,
      service: 'delivery',
      serviceDate: p.admissionDate,
      dischargeDate: p.dischargeDate,
      pregnancyId,
      deliveryType: p.deliveryType,
      deliveryDate: p.deliveryDate,
      babies: p.babies,
    }),
  };
}
