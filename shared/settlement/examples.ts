/**
 * Example members, providers and bills, for tests, benchmarks and the README: literal and
 * readable for the worked examples, generated (seeded, so reproducible) for the realistic 30-line
 * inpatient and 5-line outpatient bills the benchmarks settle. Not used by any handler.
 */
import { billSchema, type Bill, type BillInput } from './bill.ts';
import type { MemberState, ProviderProfile } from './member.ts';
import type { HospitalLevel, ItemClass, LineCategory } from './policy.ts';
import { lineAmount } from './quantity.ts';
import { seededRandom } from '../runtime/seeded-random.ts';

export function exampleMember(overrides: Partial<MemberState> = {}): MemberState {
  return {
    memberId: 'M0001',
    sex: 'M',
    birthDate: '1970-05-01',
    enrolment: { region: '330900', scheme: 'resident', year: 2023 },
    categories: [],
    groups: [],
    outOfAreaRegions: [],
    familyDoctorContract: false,
    supplementaryPlans: [],
    ...overrides,
  };
}

export const exampleProvider = (level: HospitalLevel, region = '330902', code = 'H33090200001'): ProviderProfile => ({
  code,
  level,
  region,
});

type LineInput = BillInput['lines'][number];

/** A line of `yuan` (unit price × quantity), class and category as given. */
export function exampleLine(
  lineNo: number,
  itemClass: ItemClass,
  category: LineCategory,
  unitYuan: number,
  quantity = 1,
  extra: Partial<LineInput> = {},
): LineInput {
  const unitPriceFen = Math.round(unitYuan * 100);
  return {
    lineNo,
    itemCode: extra.itemCode ?? `X${itemClass}${String(lineNo).padStart(4, '0')}`,
    itemClass,
    category,
    quantity,
    unitPriceFen,
    amountFen: lineAmount(unitPriceFen, quantity),
    ...extra,
  };
}

/** A validated bill; `visit` defaults to an outpatient visit on 2023-11-01. */
export function exampleBill(lines: LineInput[], overrides: Partial<BillInput> & { visit?: Partial<BillInput['visit']> } = {}): Bill {
  const { visit, ...rest } = overrides;
  return billSchema.parse({
    providerCode: 'H33090200001',
    claimNo: 'C-0001',
    memberId: 'M0001',
    diagnoses: { principal: 'K35.800', secondary: [] },
    procedures: [],
    lines,
    ...rest,
    visit: { type: 'outpatient', serviceDate: '2023-11-01', ...visit },
  });
}

// ---------------------------------------------------------------------------------------------
// Realistic generated bills
// ---------------------------------------------------------------------------------------------

export { seededRandom };

/** What an inpatient bill is made of: category, usual class mix, unit price range (yuan), quantity range. */
const INPATIENT_MIX: { category: LineCategory; classes: ItemClass[]; price: [number, number]; qty: [number, number] }[] = [
  { category: 'drug', classes: ['A', 'A', 'B', 'B', 'C'], price: [2, 380], qty: [1, 20] },
  { category: 'drug', classes: ['A', 'B'], price: [0.35, 45], qty: [6, 60] },
  { category: 'tcm-patent', classes: ['B', 'C'], price: [12, 90], qty: [1, 6] },
  { category: 'material', classes: ['B', 'B', 'C'], price: [3, 2_800], qty: [1, 4] },
  { category: 'exam', classes: ['A', 'B'], price: [30, 680], qty: [1, 2] },
  { category: 'lab', classes: ['A'], price: [5, 120], qty: [1, 8] },
  { category: 'treatment', classes: ['A', 'B'], price: [8, 260], qty: [1, 10] },
  { category: 'surgery', classes: ['A', 'B'], price: [600, 6_500], qty: [1, 1] },
  { category: 'bed', classes: ['A'], price: [45, 120], qty: [3, 14] },
  { category: 'nursing', classes: ['A'], price: [12, 60], qty: [3, 14] },
];

function generatedLines(random: () => number, count: number, mix: typeof INPATIENT_MIX): LineInput[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const kind = mix[i % mix.length]!;
    const unitYuan = Math.round((kind.price[0] + random() * (kind.price[1] - kind.price[0])) * 100) / 100;
    const quantity = Math.max(kind.qty[0], Math.round(kind.qty[0] + random() * (kind.qty[1] - kind.qty[0])));
    return exampleLine(i + 1, pick(kind.classes), kind.category, unitYuan, quantity, {
      itemCode: `${kind.category.slice(0, 2).toUpperCase()}${String(i + 1).padStart(6, '0')}`,
    });
  });
}

export function generatedInpatientBill(random: () => number, claimNo: string, lineCount = 30, year = 2023): Bill {
  const day = 1 + Math.floor(random() * 20);
  const stay = 3 + Math.floor(random() * 8);
  const admission = `${year}-11-${String(day).padStart(2, '0')}`;
  const discharge = `${year}-11-${String(day + stay).padStart(2, '0')}`;
  return exampleBill(generatedLines(random, lineCount, INPATIENT_MIX), {
    claimNo,
    visit: { type: 'inpatient', serviceDate: admission, admissionDate: admission, dischargeDate: discharge },
    diagnoses: { principal: 'K35.800', secondary: ['I10.x00'] },
    procedures: ['47.0901'],
  });
}

const OUTPATIENT_MIX = INPATIENT_MIX.filter((k) => ['drug', 'tcm-patent', 'exam', 'lab', 'treatment'].includes(k.category));

export function generatedOutpatientBill(random: () => number, claimNo: string, lineCount = 5, year = 2023): Bill {
  return exampleBill(generatedLines(random, lineCount, OUTPATIENT_MIX), {
    claimNo,
    visit: { type: 'outpatient', serviceDate: `${year}-11-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}` },
    diagnoses: { principal: 'J06.900', secondary: [] },
  });
}
