/**
 * Who lives in the demo's Zhoushan (舟山市, 330900) in 2026: its providers at every level, the 岱山县
 * 医共体 (county hospital, township centres, village clinics), employers, and the people, generated
 * from the seed. Pure: no I/O, no clock. Figures are illustrative (made-up people and wages; real
 * district codes and the real shape of ID numbers and credit codes, with their check characters).
 *
 * The mix, per 1,000 members: about 340 employees (in service with an employer, retired, a few
 * flexible workers), the rest residents in households (户) of one to five; 低保, 特困, 低保边缘 and
 * severely disabled members among them by household; about a fifth of the over-45s approved for a
 * chronic disease (门诊慢特病), most elderly and chronic residents signed with a family doctor, and
 * about a third of residents enrolled in 舟惠保.
 */
import { creditCodeCheckCharacter } from '../../../shared/employers/credit-code.ts';
import { checkCharacter } from '../../../shared/enrolment/id-number.ts';
import { randomStream, type Random } from './random.ts';

export const REGION = '330900';
export const YEAR = 2026;

export type Level = 'primary' | 'secondary' | 'tertiary';
export type DiseaseGroup = 'hypertension' | 'diabetes' | 'copd' | 'tb';

export interface DemoProvider {
  providerCode: string;
  name: string;
  region: string;
  level: Level;
  kind: 'hospital' | 'township-centre' | 'community-centre' | 'village-clinic' | 'pharmacy';
  /** Its tier in the 岱山 医共体, if it belongs to it. */
  tier?: 'county' | 'township' | 'village';
  /** Chronic-disease groups the agency certifies it to approve (门诊慢特病认定机构). */
  certifies?: DiseaseGroup[];
}

/** Districts of the city (定海区, 普陀区, 岱山县, 嵊泗县) with their share of the population. */
export const DISTRICTS = [
  { code: '330902', name: '定海区', share: 35 },
  { code: '330903', name: '普陀区', share: 30 },
  { code: '330921', name: '岱山县', share: 25 },
  { code: '330922', name: '嵊泗县', share: 10 },
] as const;
export type District = (typeof DISTRICTS)[number]['code'];

const CHRONIC: DiseaseGroup[] = ['hypertension', 'diabetes', 'copd'];

/** Every level and kind: a tertiary city hospital, district and county hospitals, primary care, a pharmacy. */
export const PROVIDERS: readonly DemoProvider[] = [
  { providerCode: 'ZS0001', name: '舟山医院', region: '330900', level: 'tertiary', kind: 'hospital' },
  { providerCode: 'ZS0201', name: '定海区人民医院', region: '330902', level: 'secondary', kind: 'hospital', certifies: ['tb'] },
  {
    providerCode: 'ZS0211',
    name: '定海区昌国街道社区卫生服务中心',
    region: '330902',
    level: 'primary',
    kind: 'community-centre',
    certifies: CHRONIC,
  },
  { providerCode: 'ZS0301', name: '普陀区人民医院', region: '330903', level: 'secondary', kind: 'hospital' },
  {
    providerCode: 'ZS0311',
    name: '普陀区沈家门街道社区卫生服务中心',
    region: '330903',
    level: 'primary',
    kind: 'community-centre',
    certifies: CHRONIC,
  },
  { providerCode: 'ZS0401', name: '岱山县第一人民医院', region: '330921', level: 'secondary', kind: 'hospital', tier: 'county' },
  {
    providerCode: 'ZS0411',
    name: '岱山县东沙镇卫生院',
    region: '330921',
    level: 'primary',
    kind: 'township-centre',
    tier: 'township',
    certifies: CHRONIC,
  },
  {
    providerCode: 'ZS0412',
    name: '岱山县衢山镇中心卫生院',
    region: '330921',
    level: 'primary',
    kind: 'township-centre',
    tier: 'township',
    certifies: CHRONIC,
  },
  { providerCode: 'ZS0421', name: '岱山县岱东镇北峰村卫生室', region: '330921', level: 'primary', kind: 'village-clinic', tier: 'village' },
  { providerCode: 'ZS0422', name: '岱山县秀山乡秀东村卫生室', region: '330921', level: 'primary', kind: 'village-clinic', tier: 'village' },
  { providerCode: 'ZS0501', name: '嵊泗县人民医院', region: '330922', level: 'secondary', kind: 'hospital' },
  {
    providerCode: 'ZS0511',
    name: '嵊泗县菜园镇社区卫生服务中心',
    region: '330922',
    level: 'primary',
    kind: 'community-centre',
    certifies: CHRONIC,
  },
  { providerCode: 'ZS0601', name: '舟山市海天大药房', region: '330902', level: 'primary', kind: 'pharmacy' },
];

export const COMMUNITY = { communityId: 'ZS-DS-HC1', name: '岱山县紧密型县域医共体' } as const;

/** Where a district's people go: primary care (the first is their family-doctor provider), their district hospital. */
export const CARE_BY_DISTRICT: Record<District, { primary: string[]; secondary: string }> = {
  '330902': { primary: ['ZS0211'], secondary: 'ZS0201' },
  '330903': { primary: ['ZS0311'], secondary: 'ZS0301' },
  '330921': { primary: ['ZS0411', 'ZS0412', 'ZS0421', 'ZS0422'], secondary: 'ZS0401' },
  '330922': { primary: ['ZS0511'], secondary: 'ZS0501' },
};

export interface DemoEmployer {
  creditCode: string;
  name: string;
  /** Registered with the pooling region (employers are kept by the city's agency). */
  region: string;
  /** Where it is (its credit code's division): its employees live around it. */
  district: District;
}

export interface DemoPerson {
  /** Position in the generated population: the key every later step uses. */
  index: number;
  idNumber: string;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  district: District;
  scheme: 'employee' | 'resident';
  employment?: { status: 'in-service' | 'retired' | 'flexible'; employerCode?: string; monthlyWageFen: number; contributionYears?: number };
  /** Assistance category (低保 etc.) from 1 January: residents only, by household. */
  category?: 'dibao' | 'tekun' | 'dibao-edge' | 'severely-disabled';
  household?: { householdId: string; relation: 'head' | 'spouse' | 'child' | 'parent' };
  chronic?: { group: DiseaseGroup; certifyingProvider: string };
  familyDoctor?: { providerCode: string; teamCode: string };
  zhouhuibao?: boolean;
  /** The primary provider the person uses, and the district hospital. */
  primary: string;
  secondary: string;
}

export interface DemoPopulation {
  seed: number;
  employers: DemoEmployer[];
  people: DemoPerson[];
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹熊白孟秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅海波燕晨宇浩然欣怡子涵雨轩志强丹凤春晓东林雪琴';

function nameOf(r: Random): string {
  const given = r.chance(0.6) ? r.pick([...GIVEN]) + r.pick([...GIVEN]) : r.pick([...GIVEN]);
  return r.pick([...SURNAMES]) + given;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A birth date for someone aged `age` on 1 January of the year. */
function birthDateAt(r: Random, age: number): string {
  const born = new Date(Date.UTC(YEAR - age - 1, 0, 2) + r.int(0, 364) * 86_400_000);
  return isoDay(born);
}

/** ID numbers (GB 11643) that never repeat: district + birth date + serial (odd male, even female) + check. */
export function idNumberMaker() {
  const used = new Set<string>();
  return (r: Random, district: string, birthDate: string, sex: 'M' | 'F') => {
    for (;;) {
      let serial = r.int(1, 999);
      if ((serial % 2 === 1) !== (sex === 'M')) serial = serial === 999 ? 998 : serial + 1;
      const first17 = `${district}${birthDate.replaceAll('-', '')}${pad(serial, 3)}`;
      if (used.has(first17)) continue;
      used.add(first17);
      return first17 + checkCharacter(first17);
    }
  };
}

export function creditCodeFor(district: string, serial: number): string {
  const first17 = `91${district}MA${pad(serial, 7)}`;
  return first17 + creditCodeCheckCharacter(first17);
}

const EMPLOYER_TRADES = ['海洋渔业', '船舶修造', '水产加工', '港口物流', '石化储运', '旅游开发', '建筑工程', '商贸', '海运', '食品'];

function districtOf(r: Random): District {
  return r.weighted(DISTRICTS.map((d) => [d.code, d.share] as const));
}

/**
 * The population for `members` people (at least 20), from `seed`. Employees first, then households of
 * residents until the count is reached.
 */
export function generatePopulation(seed: number, members: number): DemoPopulation {
  const total = Math.max(20, Math.round(members));
  const r = randomStream(seed, 'population');
  const idNumber = idNumberMaker();
  const employers: DemoEmployer[] = Array.from({ length: Math.max(3, Math.round(total / 60)) }, (_, i) => {
    const district = DISTRICTS[i % DISTRICTS.length]!.code;
    return {
      creditCode: creditCodeFor(district, 1000 + i),
      name: `舟山市示例${EMPLOYER_TRADES[i % EMPLOYER_TRADES.length]}有限公司${i >= EMPLOYER_TRADES.length ? `（${Math.floor(i / EMPLOYER_TRADES.length) + 1}）` : ''}`,
      region: REGION,
      district,
    };
  });
  const people: DemoPerson[] = [];
  const care = (district: District) => {
    const c = CARE_BY_DISTRICT[district];
    return { primary: r.pick(c.primary), secondary: c.secondary };
  };
  const chronicFor = (age: number, district: District, primary: string): DemoPerson['chronic'] => {
    if (age >= 18 && r.chance(0.004)) return { group: 'tb', certifyingProvider: 'ZS0201' };
    if (age < 45) return undefined;
    const group = r.weighted<DiseaseGroup | undefined>([
      ['hypertension', age >= 65 ? 24 : 14],
      ['diabetes', age >= 65 ? 9 : 6],
      ['copd', age >= 65 ? 4 : 1],
      [undefined, 66],
    ]);
    if (!group) return undefined;
    // Certified by the primary provider the member uses; a village clinic's patients by their township centre.
    const certifier = PROVIDERS.find((p) => p.providerCode === primary)?.certifies
      ? primary
      : (CARE_BY_DISTRICT[district].primary.find((c) => PROVIDERS.find((p) => p.providerCode === c)?.certifies) ?? primary);
    return { group, certifyingProvider: certifier };
  };
  const person = (
    scheme: DemoPerson['scheme'],
    age: number,
    sex: 'M' | 'F',
    district: District,
    extra: Partial<DemoPerson> = {},
  ): DemoPerson => {
    const birthDate = birthDateAt(r, age);
    const where = care(district);
    const p: DemoPerson = {
      index: people.length,
      idNumber: idNumber(r, district, birthDate, sex),
      name: nameOf(r),
      sex,
      birthDate,
      district,
      scheme,
      ...where,
      ...extra,
    };
    const chronic = chronicFor(age, district, where.primary);
    if (chronic) p.chronic = chronic;
    if (scheme === 'resident' && (age >= 65 || chronic) && r.chance(0.7)) {
      const fd = CARE_BY_DISTRICT[district].primary[0]!;
      p.familyDoctor = { providerCode: fd, teamCode: `${fd}-T${r.int(1, 3)}` };
    }
    if (scheme === 'resident' && r.chance(0.33)) p.zhouhuibao = true;
    people.push(p);
    return p;
  };

  const employeeCount = Math.round(total * 0.34);
  for (let i = 0; i < employeeCount; i++) {
    const status = r.weighted([
      ['in-service', 78],
      ['retired', 18],
      ['flexible', 4],
    ] as const);
    const sex = r.chance(0.52) ? 'M' : 'F';
    const age = status === 'retired' ? r.int(61, 85) : r.int(22, 58);
    const employer = r.pick(employers);
    const district = status === 'flexible' ? districtOf(r) : employer.district;
    const monthlyWageFen = Math.round(r.around(8_000, 3_000, 3_500)) * 100;
    person('employee', age, sex, district, {
      employment: {
        status,
        monthlyWageFen,
        // A retiree is enrolled through the employer it retired from; a flexible worker through none.
        ...(status !== 'flexible' ? { employerCode: employer.creditCode } : {}),
        ...(status === 'retired' ? { contributionYears: r.int(sex === 'M' ? 30 : 25, 40) } : {}),
      },
    });
  }

  let householdNo = 0;
  while (people.length < total) {
    const district = districtOf(r);
    householdNo++;
    const householdId = `HH-${district}-${pad(householdNo, 6)}`;
    const category = r.weighted<DemoPerson['category'] | undefined>([
      ['dibao', 4],
      ['tekun', 1],
      ['dibao-edge', 3],
      ['severely-disabled', 1],
      [undefined, 91],
    ]);
    const shape = r.weighted([
      ['single-elder', 14],
      ['couple-elder', 16],
      ['family', 50],
      ['three-generations', 20],
    ] as const);
    const headAge = shape === 'single-elder' || shape === 'couple-elder' ? r.int(62, 90) : r.int(28, 55);
    const headSex = r.chance(0.6) ? 'M' : 'F';
    const other = headSex === 'M' ? 'F' : 'M';
    const withCategory = (relation: 'head' | 'spouse' | 'child' | 'parent') => ({
      household: { householdId, relation },
      ...(category && (category !== 'severely-disabled' || relation === 'head') ? { category } : {}),
    });
    person('resident', headAge, headSex, district, withCategory('head'));
    if (shape !== 'single-elder' && people.length < total)
      person('resident', Math.max(20, headAge + r.int(-4, 3)), other, district, withCategory('spouse'));
    if (shape === 'family' || shape === 'three-generations') {
      const children = r.weighted([
        [1, 60],
        [2, 35],
        [3, 5],
      ] as const);
      for (let c = 0; c < children && people.length < total; c++)
        person('resident', Math.max(0, Math.min(headAge - 22, r.int(0, 17))), r.chance(0.5) ? 'M' : 'F', district, withCategory('child'));
    }
    if (shape === 'three-generations' && people.length < total)
      person('resident', Math.min(95, headAge + r.int(24, 32)), r.chance(0.5) ? 'M' : 'F', district, withCategory('parent'));
  }
  return { seed, employers, people };
}

/** Age in whole years on a date. */
export function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** What a resident owes for 2026 (Zhoushan's enrolment policy: 400 yuan; 低保 and 特困 fully subsidised, 低保边缘 half, severely disabled 200 yuan off). */
export function residentIndividualFen(p: DemoPerson): number {
  switch (p.category) {
    case 'dibao':
    case 'tekun':
      return 0;
    case 'dibao-edge':
      return 20_000;
    case 'severely-disabled':
      return 20_000;
    default:
      return 40_000;
  }
}
