/**
 * The demo's year of care, generated: each member's ordinary outpatient visits, chronic-disease
 * refills for approved members, inpatient stays from a small case mix that CHS-DRG 1.1 groups
 * (pneumonia, stroke, PCI, appendectomy, hip replacement …), per-bed-day stays (hospice, home
 * sickbeds, 医养结合) for the elderly, and a handful of bills carrying the fraud patterns the
 * region's rules are there to catch. Pure: bills name their member by population index (the
 * platform gives member ids at enrolment) and their items by the catalogue in force, read through
 * the API. Amounts are integer fen; each line is unit price × quantity exactly.
 */
import type { DemoPerson, DemoPopulation, DiseaseGroup, Level } from './population.ts';
import { ageOn, PROVIDERS, YEAR } from './population.ts';
import { drugIdentity } from '../../../shared/knowledge/codes.ts';
import { randomStream, type Random } from './random.ts';

/** What the generator needs of a catalogue entry (GET /v1/catalogues/{region}/download?format=json). */
export interface CatalogueItem {
  code: string;
  name: string;
  kind: string;
  form?: string;
  class: 'A' | 'B' | 'C';
  priceLimitFen?: number;
  paymentStandardFen?: number;
  scope?: { icd10?: string[]; levels?: string[]; sex?: 'M' | 'F'; chronicOnly?: boolean };
}

/**
 * What a careful doctor's prescribing software knows of the knowledge base (知识库, read through
 * `GET /v1/policies/knowledge-base/000000`): items limited to some diagnoses, contraindicated by
 * others, or to a minimum hospital level. Ordinary bills keep to it, so only the injected fraud and the
 * odd honest coincidence reach the regulators.
 */
export interface PrescribingRules {
  indications: { code: string; on?: string; diagnoses?: string[]; contraindications?: string[] }[];
  levels: { code: string; minLevel: Level }[];
}

export interface DemoLine {
  lineNo: number;
  itemCode: string;
  itemName: string;
  itemClass?: 'A' | 'B' | 'C';
  category: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  serviceDate?: string;
  supplyDays?: number;
  traceCode?: string;
}

export interface DemoBill {
  providerCode: string;
  claimNo: string;
  /** Filled in with the member id the platform gave at enrolment. */
  memberId?: string;
  visit: {
    type: 'outpatient' | 'chronic-outpatient' | 'inpatient' | 'bed-day' | 'antenatal' | 'delivery';
    serviceDate: string;
    admissionDate?: string;
    dischargeDate?: string;
    department?: string;
    disease?: string;
    bedDay?: { programme: string; days: number };
  };
  diagnoses: { principal: string; secondary: string[] };
  procedures: string[];
  lines: DemoLine[];
  /** A maternity claim's pregnancy (and, for a delivery, how it went). */
  maternity?: { pregnancyId: string; deliveryType?: 'vaginal' | 'caesarean' | 'complicated'; babies?: number; deliveryDate?: string };
}

/** A fraud pattern put into the year on purpose, and the rule type that must catch it. */
export type InjectedPattern =
  | 'duplicate-charge'
  | 'price-limit'
  | 'sex-age-restriction'
  | 'excess-quantity'
  | 'trace-code-reuse'
  | 'readmission'
  | 'ghost-bed';

export interface PlannedClaim {
  member: number;
  /** The settlement date (discharge for stays): claims are sent month by month in this order. */
  settles: string;
  bill: DemoBill;
  injected?: InjectedPattern;
}

const DAY = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => iso(day(date) + n * DAY);
const YEAR_START = day(`${YEAR}-01-01`);
const YEAR_DAYS = 365;
const dateInYear = (r: Random, from = 0, to = YEAR_DAYS - 1) => iso(YEAR_START + r.int(from, to) * DAY);

const providerLevel = (code: string): Level => PROVIDERS.find((p) => p.providerCode === code)!.level;

/** Therapies as ATC prefixes of the national drug code (X + ATC level 3/4): what a diagnosis is treated with. */
const THERAPY = {
  respiratory: ['J01C', 'J01D', 'J01F', 'R05C', 'N02B'],
  hypertension: ['C08C', 'C09A', 'C09C', 'C07A'],
  diabetes: ['A10B'],
  copd: ['R03A', 'R03B', 'R05C'],
  tb: ['J01M'],
  gastric: ['A02B', 'A03F', 'A07D'],
  pain: ['M01A', 'N02B'],
  cardiac: ['B01A', 'C10A', 'C07A'],
  stroke: ['B01A', 'C10A', 'N02B'],
  surgical: ['J01D', 'B05B', 'N01B'],
  cancer: ['L01E', 'H02A', 'B05B'],
  renal: ['B03X', 'B05B'],
  eye: ['S01A'],
  allergy: ['R06A', 'D07A'],
  urology: ['G04C'],
} as const;
type Therapy = keyof typeof THERAPY;

/** An illustrative unit price for a drug the catalogue prices by no standard: from its code, so it never changes. */
function unitPriceOf(item: CatalogueItem): number {
  if (item.paymentStandardFen) return item.paymentStandardFen;
  if (item.priceLimitFen) return item.priceLimitFen;
  let h = 7;
  for (const ch of item.code) h = (h * 31 + ch.charCodeAt(0)) % 100_003;
  const injection = item.form?.includes('注射') ?? false;
  const oncology = item.code.startsWith('XL01');
  const base = oncology ? 50_000 + (h % 200_000) : injection ? 800 + (h % 9_000) : 1_000 + (h % 5_000);
  return Math.round(base / 10) * 10;
}

const LEVEL_RANK: Record<Level, number> = { primary: 0, secondary: 1, tertiary: 2 };
const matches = (pattern: string, code: string) => (pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern);
const anyDiagnosis = (prefixes: readonly string[], diagnoses: readonly string[]) =>
  diagnoses.some((d) => prefixes.some((p) => d.startsWith(p)));

export class Catalogue {
  private readonly byAtc = new Map<string, CatalogueItem[]>();
  readonly byCode = new Map<string, CatalogueItem>();
  constructor(
    items: readonly CatalogueItem[],
    private readonly rules: PrescribingRules = { indications: [], levels: [] },
  ) {
    for (const item of items) {
      this.byCode.set(item.code, item);
      if (item.kind !== 'western' || item.class === 'C') continue;
      const atc = item.code.slice(1, 5);
      this.byAtc.set(atc, [...(this.byAtc.get(atc) ?? []), item]);
    }
  }
  /** May this item be given for these diagnoses at this level, by the catalogue's scope and the knowledge base? */
  allowed(item: CatalogueItem, diagnoses: readonly string[], level: Level, chronic = false): boolean {
    const scope = item.scope;
    if (scope?.icd10?.length && !anyDiagnosis(scope.icd10, diagnoses)) return false;
    if (scope?.levels?.length && !scope.levels.includes(level)) return false;
    if (scope?.chronicOnly && !chronic) return false;
    for (const rule of this.rules.indications) {
      if (rule.on && rule.on !== 'item') continue;
      if (!matches(rule.code, item.code)) continue;
      if (rule.diagnoses?.length && !anyDiagnosis(rule.diagnoses, diagnoses)) return false;
      if (rule.contraindications?.length && anyDiagnosis(rule.contraindications, diagnoses)) return false;
    }
    return !this.rules.levels.some((l) => matches(l.code, item.code) && LEVEL_RANK[level] < LEVEL_RANK[l.minLevel]);
  }
  /** Drugs for a therapy the rules allow here; `injections` picks the forms a ward gives, else what a patient takes home. */
  drugs(therapy: Therapy, injections: boolean, diagnoses: readonly string[], level: Level, chronic = false): CatalogueItem[] {
    const all = THERAPY[therapy].flatMap((atc) => this.byAtc.get(atc) ?? []).filter((d) => this.allowed(d, diagnoses, level, chronic));
    const wanted = all.filter((d) => (d.form?.includes('注射') ?? false) === injections);
    return wanted.length > 0 ? wanted : all;
  }
  item(code: string): CatalogueItem {
    const item = this.byCode.get(code);
    if (!item) throw new Error(`The catalogue in force has no item ${code}: publish catalogues/000000/v1.csv first`);
    return item;
  }
}

/** Up to `n` drugs of distinct generics (one drug's days add up across its makers' codes). */
function distinctDrugs(r: Random, drugs: readonly CatalogueItem[], n: number): CatalogueItem[] {
  const out: CatalogueItem[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < n && tries < n * 6 && drugs.length > 0; tries++) {
    const d = r.pick(drugs);
    if (seen.has(drugIdentity(d.code)) || seen.has(d.name)) continue;
    seen.add(drugIdentity(d.code));
    seen.add(d.name);
    out.push(d);
  }
  return out;
}

/** Service and consumable codes of the starter national list the bills use. */
const ITEMS = {
  consultation: '001101000010000',
  seniorConsultation: '001102000020000',
  bed: '001105000050000',
  nursing2: '001201000090000',
  nursing1: '001108000080000',
  infusion: '001202000100000',
  bloodRoutine: '001204000120000',
  urine: '001205000130000',
  liver: '001206000140000',
  kidney: '001207000150000',
  lipids: '001208000160000',
  hba1c: '001301000170000',
  ecg: '001303000190000',
  xray: '001305000210000',
  headCt: '001306000220000',
  chestCt: '001307000230000',
  ultrasound: '001401000250000',
  gastroscopy: '001402000260000',
  acupuncture: '001405000290000',
  rehabAssessment: '001408000320000',
  appendectomy: '001501000330000',
  cholecystectomy: '001502000340000',
  pci: '001503000350000',
  hip: '001504000360000',
  cataract: '001506000380000',
  caesarean: '001505000370000',
  syringe: 'C01010101000100010000010000',
  infusionSet: 'C02020201100200020000010001',
  catheter: 'C05050201400100050000010004',
} as const;

const CATEGORY_OF: Record<string, string> = {
  [ITEMS.bed]: 'bed',
  [ITEMS.nursing1]: 'nursing',
  [ITEMS.nursing2]: 'nursing',
  [ITEMS.infusion]: 'treatment',
  [ITEMS.acupuncture]: 'tcm-service',
  [ITEMS.rehabAssessment]: 'treatment',
  [ITEMS.consultation]: 'treatment',
  [ITEMS.seniorConsultation]: 'treatment',
  [ITEMS.bloodRoutine]: 'lab',
  [ITEMS.urine]: 'lab',
  [ITEMS.liver]: 'lab',
  [ITEMS.kidney]: 'lab',
  [ITEMS.lipids]: 'lab',
  [ITEMS.hba1c]: 'lab',
};

interface Case {
  id: string;
  principal: string;
  secondary?: string[];
  procedures?: string[];
  department: string;
  therapy: Therapy;
  /** Cost at a secondary hospital, yuan; stay in days. */
  costYuan: number;
  los: [number, number];
  surgery?: keyof typeof ITEMS;
  exams: (keyof typeof ITEMS)[];
  levels: [number, number, number];
  who: (age: number, sex: 'M' | 'F') => number;
}

/** A case mix CHS-DRG 1.1 groups (each checked against the grouper): weights by age and sex. */
const CASES: readonly Case[] = [
  {
    id: 'pneumonia',
    principal: 'J18.900',
    department: '呼吸内科',
    therapy: 'respiratory',
    costYuan: 7_000,
    los: [6, 10],
    exams: ['chestCt', 'bloodRoutine', 'liver'],
    levels: [2, 5, 3],
    who: (a) => (a >= 65 ? 10 : a < 14 ? 6 : 3),
  },
  {
    id: 'pneumonia-mcc',
    principal: 'J18.900',
    secondary: ['J96.000'],
    department: '呼吸内科',
    therapy: 'respiratory',
    costYuan: 14_000,
    los: [9, 14],
    exams: ['chestCt', 'bloodRoutine', 'liver', 'kidney'],
    levels: [0, 4, 6],
    who: (a) => (a >= 70 ? 3 : 0.3),
  },
  {
    id: 'bronchitis',
    principal: 'J20.900',
    department: '儿科',
    therapy: 'respiratory',
    costYuan: 3_000,
    los: [4, 6],
    exams: ['xray', 'bloodRoutine'],
    levels: [3, 6, 1],
    who: (a) => (a < 14 ? 8 : 0.5),
  },
  {
    id: 'copd',
    principal: 'J44.100',
    department: '呼吸内科',
    therapy: 'copd',
    costYuan: 8_000,
    los: [8, 12],
    exams: ['chestCt', 'bloodRoutine'],
    levels: [2, 5, 3],
    who: (a) => (a >= 60 ? 5 : 0.2),
  },
  {
    id: 'stroke',
    principal: 'I63.900',
    secondary: ['I10.x00x002'],
    department: '神经内科',
    therapy: 'stroke',
    costYuan: 15_000,
    los: [10, 14],
    exams: ['headCt', 'bloodRoutine', 'lipids', 'ecg'],
    levels: [0, 5, 5],
    who: (a) => (a >= 60 ? 6 : a >= 45 ? 1.5 : 0),
  },
  {
    id: 'angina-pci',
    principal: 'I20.000',
    procedures: ['36.0602'],
    department: '心内科',
    therapy: 'cardiac',
    costYuan: 42_000,
    los: [4, 7],
    surgery: 'pci',
    exams: ['ecg', 'bloodRoutine', 'lipids'],
    levels: [0, 2, 8],
    who: (a, s) => (a >= 50 ? (s === 'M' ? 4 : 2) : 0),
  },
  {
    id: 'heart-failure',
    principal: 'I50.900',
    department: '心内科',
    therapy: 'cardiac',
    costYuan: 11_000,
    los: [8, 12],
    exams: ['ecg', 'ultrasound', 'bloodRoutine', 'kidney'],
    levels: [1, 5, 4],
    who: (a) => (a >= 70 ? 4 : 0),
  },
  {
    id: 'atrial-fibrillation',
    principal: 'I48.000',
    department: '心内科',
    therapy: 'cardiac',
    costYuan: 8_000,
    los: [5, 8],
    exams: ['ecg', 'ultrasound'],
    levels: [0, 6, 4],
    who: (a) => (a >= 60 ? 2 : 0),
  },
  {
    id: 'diabetes',
    principal: 'E11.900',
    department: '内分泌科',
    therapy: 'diabetes',
    costYuan: 6_000,
    los: [6, 9],
    exams: ['hba1c', 'kidney', 'lipids'],
    levels: [2, 6, 2],
    who: (a) => (a >= 50 ? 2.5 : 0.3),
  },
  {
    id: 'appendicitis',
    principal: 'K35.200',
    procedures: ['47.0901'],
    department: '普外科',
    therapy: 'surgical',
    costYuan: 9_000,
    los: [4, 6],
    surgery: 'appendectomy',
    exams: ['bloodRoutine', 'ultrasound'],
    levels: [1, 6, 3],
    who: (a) => (a >= 10 && a < 60 ? 3 : 0.5),
  },
  {
    id: 'cholecystectomy',
    principal: 'K80.100x001',
    procedures: ['51.2301'],
    department: '肝胆外科',
    therapy: 'surgical',
    costYuan: 16_000,
    los: [4, 7],
    surgery: 'cholecystectomy',
    exams: ['ultrasound', 'liver', 'bloodRoutine'],
    levels: [0, 5, 5],
    who: (a) => (a >= 35 ? 2.5 : 0),
  },
  {
    id: 'hernia',
    principal: 'K40.001',
    procedures: ['53.0001'],
    department: '普外科',
    therapy: 'surgical',
    costYuan: 8_000,
    los: [3, 5],
    exams: ['bloodRoutine'],
    levels: [1, 7, 2],
    who: (a, s) => (a >= 40 && s === 'M' ? 2 : 0.2),
  },
  {
    id: 'cataract',
    principal: 'H25.900',
    procedures: ['13.4100x001'],
    department: '眼科',
    therapy: 'eye',
    costYuan: 7_000,
    los: [2, 3],
    surgery: 'cataract',
    exams: ['bloodRoutine'],
    levels: [0, 6, 4],
    who: (a) => (a >= 60 ? 5 : 0),
  },
  {
    id: 'hip-replacement',
    principal: 'S72.000',
    procedures: ['81.5100'],
    department: '骨科',
    therapy: 'surgical',
    costYuan: 52_000,
    los: [10, 16],
    surgery: 'hip',
    exams: ['xray', 'bloodRoutine', 'kidney'],
    levels: [0, 4, 6],
    who: (a) => (a >= 70 ? 2.5 : 0.1),
  },
  {
    id: 'gastritis',
    principal: 'K29.700',
    department: '消化内科',
    therapy: 'gastric',
    costYuan: 4_000,
    los: [4, 6],
    exams: ['gastroscopy', 'bloodRoutine'],
    levels: [3, 5, 2],
    who: () => 1.5,
  },
  {
    id: 'lung-cancer',
    principal: 'C34.000',
    department: '肿瘤科',
    therapy: 'cancer',
    costYuan: 20_000,
    los: [10, 14],
    exams: ['chestCt', 'bloodRoutine', 'liver'],
    levels: [0, 3, 7],
    who: (a) => (a >= 55 ? 1.5 : 0),
  },
  {
    id: 'kidney-stone',
    principal: 'N20.000',
    department: '泌尿外科',
    therapy: 'renal',
    costYuan: 5_000,
    los: [3, 5],
    exams: ['ultrasound', 'urine'],
    levels: [1, 6, 3],
    who: (a) => (a >= 25 ? 1 : 0),
  },
  {
    id: 'bph',
    principal: 'N40.x00',
    procedures: ['60.2901'],
    department: '泌尿外科',
    therapy: 'urology',
    costYuan: 15_000,
    los: [6, 9],
    exams: ['ultrasound', 'urine'],
    levels: [0, 5, 5],
    who: (a, s) => (s === 'M' && a >= 60 ? 2 : 0),
  },
  {
    id: 'disc',
    principal: 'M51.202',
    department: '康复医学科',
    therapy: 'pain',
    costYuan: 6_000,
    los: [7, 10],
    exams: ['rehabAssessment', 'acupuncture'],
    levels: [3, 5, 2],
    who: (a) => (a >= 35 ? 1 : 0),
  },
];

/** Outpatient complaints: ICD-10 医保版 codes with the therapy a doctor prescribes. */
const COMPLAINTS: readonly { dx: string; therapy: Therapy; weight: (age: number) => number; lab?: keyof typeof ITEMS }[] = [
  { dx: 'J06.900', therapy: 'respiratory', weight: (a) => (a < 14 ? 10 : 5), lab: 'bloodRoutine' },
  { dx: 'J20.900', therapy: 'respiratory', weight: () => 3, lab: 'bloodRoutine' },
  { dx: 'K29.700', therapy: 'gastric', weight: (a) => (a >= 18 ? 3 : 0.5) },
  { dx: 'M54.500', therapy: 'pain', weight: (a) => (a >= 30 ? 3 : 0.2) },
  { dx: 'L30.900', therapy: 'allergy', weight: () => 1 },
  { dx: 'R51.x00', therapy: 'pain', weight: () => 1 },
];

/** Chronic groups of the benefit policy: their principal diagnosis and drugs. */
const CHRONIC: Record<DiseaseGroup, { dx: string; therapy: Therapy; lab?: keyof typeof ITEMS }> = {
  hypertension: { dx: 'I10.x00x002', therapy: 'hypertension' },
  diabetes: { dx: 'E11.900', therapy: 'diabetes', lab: 'hba1c' },
  copd: { dx: 'J44.900', therapy: 'copd' },
  tb: { dx: 'A15.000x001', therapy: 'tb', lab: 'liver' },
};

class BillBuilder {
  readonly lines: DemoLine[] = [];
  constructor(private readonly catalogue: Catalogue) {}
  add(item: CatalogueItem, quantity: number, extra: Partial<DemoLine> = {}, unitPriceFen = unitPriceOf(item)): DemoLine {
    const line: DemoLine = {
      lineNo: this.lines.length + 1,
      itemCode: item.code,
      itemName: item.name,
      itemClass: item.class,
      category:
        item.kind === 'consumable' ? 'material' : item.kind === 'service' ? (CATEGORY_OF[item.code] ?? 'exam') : drugCategory(item.kind),
      quantity,
      unitPriceFen,
      amountFen: unitPriceFen * quantity,
      ...extra,
    };
    this.lines.push(line);
    return line;
  }
  service(key: keyof typeof ITEMS, quantity = 1, extra: Partial<DemoLine> = {}): DemoLine {
    return this.add(this.catalogue.item(ITEMS[key]), quantity, extra);
  }
  get totalFen(): number {
    return this.lines.reduce((s, l) => s + l.amountFen, 0);
  }
}

const drugCategory = (kind: string) => (kind === 'patent' ? 'tcm-patent' : kind === 'herbal' ? 'tcm-herbal' : 'drug');

interface Ctx {
  r: Random;
  catalogue: Catalogue;
  person: DemoPerson;
  out: PlannedClaim[];
  seq: () => number;
}

/** What a stay needs of its ctx: the member's index only (another region's demo makes stays too). */
type StayCtx = Omit<Ctx, 'person'> & { person: Pick<DemoPerson, 'index'> };

const claimNo = (prefix: string, person: Pick<DemoPerson, 'index'>, n: number) =>
  `${prefix}${YEAR}-${String(person.index).padStart(6, '0')}-${String(n).padStart(2, '0')}`;

function outpatient(ctx: Ctx, date: string, providerCode: string, injected?: InjectedPattern): PlannedClaim {
  const { r, catalogue, person } = ctx;
  const age = ageOn(person.birthDate, date);
  const complaint = r.weighted(COMPLAINTS.map((c) => [c, c.weight(age)] as const));
  const b = new BillBuilder(catalogue);
  const pharmacy = PROVIDERS.find((p) => p.providerCode === providerCode)?.kind === 'pharmacy';
  if (!pharmacy) b.service(providerLevel(providerCode) === 'tertiary' ? 'seniorConsultation' : 'consultation');
  const drugs = catalogue.drugs(complaint.therapy, false, [complaint.dx], providerLevel(providerCode));
  for (const drug of distinctDrugs(r, drugs, r.int(1, 2))) b.add(drug, r.int(1, 2), { supplyDays: r.int(3, 7) });
  if (complaint.lab && !pharmacy && r.chance(0.35)) b.service(complaint.lab);
  return {
    member: person.index,
    settles: date,
    bill: {
      providerCode,
      claimNo: claimNo(pharmacy ? 'YD' : 'MZ', person, ctx.seq()),
      visit: { type: 'outpatient', serviceDate: date, department: pharmacy ? '药房' : '门诊' },
      diagnoses: { principal: complaint.dx, secondary: [] },
      procedures: [],
      lines: b.lines,
    },
    ...(injected ? { injected } : {}),
  };
}

function chronicVisit(ctx: Ctx, date: string): PlannedClaim {
  const { r, catalogue, person } = ctx;
  const chronic = person.chronic!;
  const spec = CHRONIC[chronic.group];
  const b = new BillBuilder(catalogue);
  b.service('consultation');
  // The same one or two drugs every month (a stable regimen, drawn from the member's own stream), four weeks' supply each.
  const drugs = catalogue.drugs(spec.therapy, false, [spec.dx], providerLevel(chronic.certifyingProvider), true);
  const regimen = distinctDrugs(randomStream(person.index, `regimen-${chronic.group}`), drugs, person.index % 3 === 0 ? 2 : 1);
  for (const drug of regimen) b.add(drug, 2, { supplyDays: 28 });
  if (spec.lab && r.chance(0.25)) b.service(spec.lab);
  return {
    member: person.index,
    settles: date,
    bill: {
      providerCode: chronic.certifyingProvider,
      claimNo: claimNo('MT', person, ctx.seq()),
      visit: { type: 'chronic-outpatient', serviceDate: date, department: '慢病门诊', disease: chronic.group },
      diagnoses: { principal: spec.dx, secondary: [] },
      procedures: [],
      lines: b.lines,
    },
  };
}

const LEVEL_FACTOR: Record<Level, number> = { primary: 0.7, secondary: 1, tertiary: 1.35 };

function stay(
  ctx: StayCtx,
  c: Case,
  admission: string,
  providerCode: string,
  injected?: InjectedPattern,
  los?: number,
  level: Level = providerLevel(providerCode),
): PlannedClaim {
  const { r, catalogue, person } = ctx;
  const days = los ?? r.int(c.los[0], c.los[1]);
  const discharge = addDays(admission, days);
  const target = Math.round(r.around(c.costYuan * LEVEL_FACTOR[level], c.costYuan * 0.25, c.costYuan * 0.4) * 100);
  const diagnoses = [c.principal, ...(c.secondary ?? [])];
  const b = new BillBuilder(catalogue);
  // The daily charges day by day, as a ward's HIS posts them (a bed and a nursing level a day).
  for (let d = 0; d < days; d++) {
    const serviceDate = addDays(admission, d);
    b.service('bed', 1, { serviceDate });
    b.service('nursing2', 1, { serviceDate });
    if (d < days - 1) b.service('infusion', 1, { serviceDate });
  }
  for (const exam of c.exams) {
    // A primary-care ward images by X-ray: enhanced CT is for secondary hospitals and above.
    const key = level === 'primary' && (exam === 'chestCt' || exam === 'headCt') ? 'xray' : exam;
    b.service(key, 1, { serviceDate: admission });
    if (key === 'bloodRoutine') b.service(key, 1, { serviceDate: addDays(admission, Math.max(1, days - 2)) });
  }
  if (c.surgery) b.service(c.surgery, 1, { serviceDate: addDays(admission, 1) });
  b.add(catalogue.item(ITEMS.syringe), days * 2);
  b.add(catalogue.item(ITEMS.infusionSet), days);
  if (c.surgery && (c.id === 'hip-replacement' || c.id === 'angina-pci')) b.add(catalogue.item(ITEMS.catheter), 1);
  // Drugs make up the rest of the cost: ward injections, and the medicine taken home (a week at most).
  const ward = catalogue.drugs(c.therapy, true, diagnoses, level);
  const home = catalogue.drugs(c.therapy, false, diagnoses, level);
  let rest = target - b.totalFen;
  const chosen = distinctDrugs(r, [...ward, ...home], r.int(3, 5));
  chosen.forEach((drug, i) => {
    if (rest <= 0) return;
    const share = i === chosen.length - 1 ? rest : Math.round(rest * r.around(0.45, 0.15, 0.15));
    const price = unitPriceOf(drug);
    const injection = drug.form?.includes('注射') ?? false;
    const quantity = Math.max(1, Math.min(injection ? days * 3 : 3, Math.round(share / price)));
    b.add(drug, quantity, injection ? {} : { supplyDays: 7, serviceDate: discharge });
    rest -= price * quantity;
  });
  return {
    member: person.index,
    settles: discharge,
    bill: {
      providerCode,
      claimNo: claimNo('ZY', person, ctx.seq()),
      visit: { type: 'inpatient', serviceDate: admission, admissionDate: admission, dischargeDate: discharge, department: c.department },
      diagnoses: { principal: c.principal, secondary: [...(c.secondary ?? [])] },
      procedures: [...(c.procedures ?? [])],
      lines: b.lines,
    },
    ...(injected ? { injected } : {}),
  };
}

function providerFor(r: Random, person: DemoPerson, levels: [number, number, number]): string {
  const level = r.weighted<Level>([
    ['primary', levels[0]],
    ['secondary', levels[1]],
    ['tertiary', levels[2]],
  ]);
  if (level === 'tertiary') return 'ZS0001';
  if (level === 'secondary') return person.secondary;
  // Only township centres and community centres admit; village clinics do not.
  return PROVIDERS.find((p) => p.providerCode === person.primary)?.kind === 'village-clinic' ? 'ZS0411' : person.primary;
}

const BED_DAY = [
  { programme: 'home-sickbed', name: '家庭病床', days: [20, 60], where: 'primary', dx: 'I69.300', weight: 4 },
  { programme: 'hospice', name: '安宁疗护', days: [10, 30], where: 'secondary', dx: 'C34.000', weight: 1.5 },
  { programme: 'elderly-care', name: '医养结合', days: [30, 90], where: 'primary', dx: 'I69.300', weight: 1 },
] as const;

function bedDayStay(ctx: Ctx, kind: (typeof BED_DAY)[number]): PlannedClaim | undefined {
  const { r, catalogue, person } = ctx;
  const days = r.int(kind.days[0], kind.days[1]);
  const admission = dateInYear(r, 0, YEAR_DAYS - days - 2);
  const discharge = addDays(admission, days);
  const providerCode =
    kind.where === 'secondary' ? person.secondary : person.primary === 'ZS0421' || person.primary === 'ZS0422' ? 'ZS0411' : person.primary;
  const b = new BillBuilder(catalogue);
  for (let d = 0; d < days; d++) {
    const serviceDate = addDays(admission, d);
    b.service('bed', 1, { serviceDate });
    b.service(kind.programme === 'hospice' ? 'nursing1' : 'nursing2', 1, { serviceDate });
  }
  const level = providerLevel(providerCode);
  const drugs = catalogue.drugs(kind.programme === 'hospice' ? 'cancer' : 'stroke', false, [kind.dx], level);
  // A week's medicine at a time, on the days it is dispensed.
  for (const drug of distinctDrugs(r, drugs, 2))
    for (let d = 0; d < days; d += 7) b.add(drug, 1, { supplyDays: Math.min(7, days - d), serviceDate: addDays(admission, d) });
  return {
    member: person.index,
    settles: discharge,
    bill: {
      providerCode,
      claimNo: claimNo('CR', person, ctx.seq()),
      visit: {
        type: 'bed-day',
        serviceDate: admission,
        admissionDate: admission,
        dischargeDate: discharge,
        department: kind.programme === 'hospice' ? '安宁疗护科' : kind.name,
        bedDay: { programme: kind.programme, days },
      },
      diagnoses: { principal: kind.dx, secondary: [] },
      procedures: [],
      lines: b.lines,
    },
  };
}

/** One member's ordinary year of care: stays first, then the visits that fall outside them. */
function yearOf(ctx: Ctx): void {
  const { r, person, out } = ctx;
  const age = ageOn(person.birthDate, `${YEAR}-07-01`);
  const stays: PlannedClaim[] = [];
  const stayChance = age >= 75 ? 0.3 : age >= 65 ? 0.22 : age >= 45 ? 0.12 : age < 6 ? 0.1 : 0.06;
  if (r.chance(stayChance)) {
    const c = r.weighted(CASES.map((x) => [x, x.who(age, person.sex)] as const));
    if (c.who(age, person.sex) > 0) stays.push(stay(ctx, c, dateInYear(r, 0, YEAR_DAYS - 20), providerFor(r, person, c.levels)));
  }
  // Per-bed-day stays are a residents' benefit here: Zhoushan's employee policy covers no bed-day visits
  // (a stay planned for an employee was refused 400, naming the policy). The draw is made first, so
  // every member's random stream stays as it was.
  if (age >= 75 && r.chance(0.06) && person.scheme === 'resident') {
    const planned = bedDayStay(ctx, r.weighted(BED_DAY.map((k) => [k, k.weight] as const)));
    if (planned && !stays.some((s) => overlaps(s, planned.bill.visit.serviceDate, planned.settles))) stays.push(planned);
  }
  out.push(...stays);
  // No outpatient visit while the member is in a ward (同一时间多地就医 is the fraud rules' business).
  const free = (date: string) => !stays.some((s) => overlaps(s, date, date));
  const visits = Math.round(r.around(age < 6 ? 2.5 : age >= 65 ? 2.2 : 1.2, 1.2));
  for (let i = 0; i < visits; i++) {
    const provider = r.weighted<string>([
      [person.primary, 70],
      [person.secondary, 18],
      ['ZS0001', 8],
      ...(person.district === '330902' ? ([['ZS0601', 4]] as const) : []),
    ]);
    const date = dateInYear(r);
    if (free(date)) out.push(outpatient(ctx, date, provider));
  }
  if (person.chronic) {
    // Monthly refills of four weeks from early in the year; a month missed now and then.
    let date = dateInYear(r, 0, 40);
    while (date.startsWith(String(YEAR))) {
      if (!r.chance(0.12) && free(date)) out.push(chronicVisit(ctx, date));
      date = addDays(date, r.int(28, 34));
    }
  }
}

/**
 * One stay of the case mix for a member of another region's demo (Honghe's), at a provider whose
 * level the caller knows, with the claim number it gives; none when the case mix has nothing for the
 * member's age and sex.
 */
export function caseMixStay(o: {
  r: Random;
  catalogue: Catalogue;
  member: { index: number; sex: 'M' | 'F'; birthDate: string };
  admission: string;
  providerCode: string;
  level: Level;
  claimNo: string;
}): PlannedClaim | undefined {
  const age = ageOn(o.member.birthDate, o.admission);
  const c = o.r.weighted(CASES.map((x) => [x, x.who(age, o.member.sex)] as const));
  if (c.who(age, o.member.sex) <= 0) return undefined;
  const ctx: StayCtx = { r: o.r, catalogue: o.catalogue, person: { index: o.member.index }, out: [], seq: () => 1 };
  const planned = stay(ctx, c, o.admission, o.providerCode, undefined, undefined, o.level);
  planned.bill.claimNo = o.claimNo;
  return planned;
}

/**
 * A maternity bill (生育医疗费用): antenatal care (exams, tests, ultrasound) at the provider holding the
 * pregnancy, or a delivery (bed and nursing a day, tests, the caesarean section where it was one,
 * antibiotics on the ward), each line from the catalogue in force.
 */
export function maternityBill(
  catalogue: Catalogue,
  o: {
    member: number;
    providerCode: string;
    level: Level;
    claimNo: string;
    service: 'antenatal' | 'delivery';
    serviceDate: string;
    pregnancyId: string;
    dischargeDate?: string;
    deliveryType?: 'vaginal' | 'caesarean' | 'complicated';
    deliveryDate?: string;
    babies?: number;
  },
): PlannedClaim {
  const b = new BillBuilder(catalogue);
  if (o.service === 'antenatal') {
    b.service(o.level === 'tertiary' ? 'seniorConsultation' : 'consultation', 4);
    b.service('bloodRoutine', 2);
    b.service('urine', 2);
    b.service('liver');
    b.service('ultrasound', 3);
    return {
      member: o.member,
      settles: o.serviceDate,
      bill: {
        providerCode: o.providerCode,
        claimNo: o.claimNo,
        visit: { type: 'antenatal', serviceDate: o.serviceDate, department: '产科' },
        diagnoses: { principal: 'Z34.900', secondary: [] },
        procedures: [],
        lines: b.lines,
        maternity: { pregnancyId: o.pregnancyId },
      },
    };
  }
  const discharge = o.dischargeDate!;
  const days = Math.max(1, Math.round((day(discharge) - day(o.serviceDate)) / DAY));
  for (let d = 0; d < days; d++) {
    const serviceDate = addDays(o.serviceDate, d);
    b.service('bed', 1, { serviceDate });
    b.service(o.deliveryType === 'vaginal' ? 'nursing2' : 'nursing1', 1, { serviceDate });
  }
  b.service('bloodRoutine', 2, { serviceDate: o.serviceDate });
  b.service('ultrasound', 1, { serviceDate: o.serviceDate });
  if (o.deliveryType !== 'vaginal') {
    b.service('caesarean', 1, { serviceDate: o.deliveryDate! });
    b.add(catalogue.item(ITEMS.infusionSet), days);
    b.service('infusion', days - 1 || 1, { serviceDate: o.deliveryDate! });
    const antibiotic = catalogue.drugs('surgical', true, ['O82.000'], o.level)[0];
    if (antibiotic) b.add(antibiotic, 3, { serviceDate: o.deliveryDate! });
  }
  const principal = o.deliveryType === 'vaginal' ? 'O80.000' : o.deliveryType === 'caesarean' ? 'O82.000' : 'O72.100';
  return {
    member: o.member,
    settles: discharge,
    bill: {
      providerCode: o.providerCode,
      claimNo: o.claimNo,
      visit: { type: 'delivery', serviceDate: o.serviceDate, dischargeDate: discharge, department: '产科' },
      diagnoses: { principal, secondary: [] },
      procedures: o.deliveryType === 'vaginal' ? [] : ['74.1x00'],
      lines: b.lines,
      maternity: {
        pregnancyId: o.pregnancyId,
        deliveryType: o.deliveryType!,
        babies: o.babies ?? 1,
        deliveryDate: o.deliveryDate!,
      },
    },
  };
}

/** Does a planned stay cover any day of [from, to]? */
const overlaps = (s: PlannedClaim, from: string, to: string) => s.bill.visit.serviceDate <= to && s.settles >= from;

/**
 * The injected fraud (a fixed handful, whatever the scale), each on a member drawn from the seed:
 * what a regulator's inbox should show after the year.
 */
function injectFraud(seed: number, population: DemoPopulation, catalogue: Catalogue, seqs: Map<number, number>, out: PlannedClaim[]) {
  const r = randomStream(seed, 'fraud');
  const adults = population.people.filter((p) => ageOn(p.birthDate, `${YEAR}-01-01`) >= 25);
  const ctxFor = (person: DemoPerson): Ctx => ({
    r,
    catalogue,
    person,
    out,
    seq: () => {
      const n = (seqs.get(person.index) ?? 0) + 1;
      seqs.set(person.index, n);
      return 50 + n;
    },
  });
  const pickAdult = (sex?: 'M' | 'F') => {
    const pool = sex ? adults.filter((p) => p.sex === sex) : adults;
    return r.pick(pool.length > 0 ? pool : population.people);
  };
  // 重复收费: the same blood test twice on one outpatient bill.
  for (let i = 0; i < 3; i++) {
    const person = pickAdult();
    const claim = outpatient(ctxFor(person), dateInYear(r, 30, 300), person.secondary, 'duplicate-charge');
    const b = new BillBuilder(catalogue);
    b.lines.push(...claim.bill.lines);
    b.service('bloodRoutine');
    b.service('bloodRoutine');
    claim.bill.lines = b.lines;
    out.push(claim);
  }
  // 超标准收费: a blood analysis (血细胞分析, 250101015) charged at 35 yuan against the 20-yuan limit.
  for (let i = 0; i < 2; i++) {
    const person = pickAdult();
    const claim = outpatient(ctxFor(person), dateInYear(r, 30, 300), person.secondary, 'price-limit');
    const n = claim.bill.lines.length + 1;
    claim.bill.lines.push({
      lineNo: n,
      itemCode: '250101015',
      itemName: '血细胞分析',
      itemClass: 'A',
      category: 'lab',
      quantity: 1,
      unitPriceFen: 3_500,
      amountFen: 3_500,
    });
    out.push(claim);
  }
  // 性别限定: benign prostatic hyperplasia (N40, men only) billed for a woman.
  for (let i = 0; i < 2; i++) {
    const person = pickAdult('F');
    const claim = outpatient(ctxFor(person), dateInYear(r, 30, 300), person.secondary, 'sex-age-restriction');
    claim.bill.diagnoses = { principal: 'N40.x00', secondary: [] };
    out.push(claim);
  }
  // 超量开药: a month of antibiotics on an ordinary outpatient visit (7 days at most).
  for (let i = 0; i < 3; i++) {
    const person = pickAdult();
    const claim = outpatient(
      ctxFor(person),
      dateInYear(r, 30, 300),
      person.primary === 'ZS0421' || person.primary === 'ZS0422' ? 'ZS0411' : person.primary,
      'excess-quantity',
    );
    const antibiotic = catalogue.drugs('respiratory', false, ['J06.900'], 'primary').find((d) => d.code.startsWith('XJ01C'))!;
    claim.bill.diagnoses = { principal: 'J06.900', secondary: [] };
    claim.bill.lines = [claim.bill.lines[0]!].filter((l) => l.category !== 'drug');
    const b = new BillBuilder(catalogue);
    b.lines.push(...claim.bill.lines);
    b.add(antibiotic, 10, { supplyDays: 30 });
    claim.bill.lines = b.lines;
    out.push(claim);
  }
  // 串换 (追溯码重复): one box's drug trace code sold by the pharmacy to two members.
  for (let i = 0; i < 2; i++) {
    const traceCode = `83${String(seed).padStart(6, '0')}${String(i).padStart(4, '0')}20260`;
    const date = dateInYear(r, 60, 250);
    for (const [k, person] of [pickAdult(), pickAdult()].entries()) {
      // The second sale a month later: months are settled in order, so the first is on record when it comes.
      const claim = outpatient(ctxFor(person), addDays(date, k * 35), 'ZS0601', k === 1 ? 'trace-code-reuse' : undefined);
      claim.bill.lines = claim.bill.lines.slice(0, 1).map((l) => ({ ...l, lineNo: 1, traceCode }));
      out.push(claim);
    }
  }
  // 分解住院: a pneumonia patient discharged and admitted again four days later for the same disease.
  for (let i = 0; i < 2; i++) {
    const person = pickAdult();
    const pneumonia = CASES.find((c) => c.id === 'pneumonia')!;
    const first = stay(ctxFor(person), pneumonia, dateInYear(r, 30, 280), person.secondary, undefined, 7);
    out.push(first);
    out.push(stay(ctxFor(person), pneumonia, addDays(first.bill.visit.dischargeDate!, 4), person.secondary, 'readmission', 6));
  }
  // 挂床住院: eight days billed almost only for the bed and nursing, care on the first day alone.
  for (let i = 0; i < 2; i++) {
    const person = pickAdult();
    const admission = dateInYear(r, 30, 300);
    const b = new BillBuilder(catalogue);
    for (let d = 0; d < 8; d++) {
      b.service('bed', 1, { serviceDate: addDays(admission, d) });
      b.service('nursing2', 1, { serviceDate: addDays(admission, d) });
    }
    b.service('bloodRoutine', 1, { serviceDate: admission });
    out.push({
      member: person.index,
      settles: addDays(admission, 8),
      injected: 'ghost-bed',
      bill: {
        providerCode: person.secondary,
        claimNo: claimNo('ZY', person, ctxFor(person).seq()),
        visit: {
          type: 'inpatient',
          serviceDate: admission,
          admissionDate: admission,
          dischargeDate: addDays(admission, 8),
          department: '内科',
        },
        diagnoses: { principal: 'M51.202', secondary: [] },
        procedures: [],
        lines: b.lines,
      },
    });
  }
}

/**
 * The whole year's claims, each member's from its own stream, plus the injected fraud, ordered by
 * settlement date (then member, then claim number) so month-by-month sending is deterministic too.
 */
export function generateClaims(population: DemoPopulation, catalogue: Catalogue): PlannedClaim[] {
  const out: PlannedClaim[] = [];
  const seqs = new Map<number, number>();
  for (const person of population.people) {
    let n = 0;
    yearOf({ r: randomStream(population.seed, `care-${person.index}`), catalogue, person, out, seq: () => ++n });
  }
  injectFraud(population.seed, population, catalogue, seqs, out);
  return out.sort((a, b) => a.settles.localeCompare(b.settles) || a.member - b.member || a.bill.claimNo.localeCompare(b.bill.claimNo));
}
