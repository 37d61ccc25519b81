/**
 * Settlement of employee bills (issue 12): the pure engine's throughput on one core under the
 * shipped employee policies (Zhoushan and Honghe 2025): 门诊共济 outpatient bills, 30-line inpatient
 * bills for in-service and retired members, a civil servant past the basic cap (basic, 大额医疗费用补助
 * and 公务员医疗补助 all paying), and bills with items at their own fund ratio. Seeded bills, so every
 * run settles the same ones. (The personal-account payment channel is added after the pooled layers
 * by the accounts engineer's part.)
 */
import { settle, type SettlementInput } from '../shared/settlement/engine.ts';
import type { Bill } from '../shared/settlement/bill.ts';
import {
  exampleMember,
  exampleProvider,
  generatedInpatientBill,
  generatedOutpatientBill,
  seededRandom,
} from '../shared/settlement/examples.ts';
import type { MemberState } from '../shared/settlement/member.ts';
import type { BenefitPolicy } from '../shared/settlement/policy.ts';
import { shippedPolicy } from '../shared/policy/benefits.ts';
import { cpuThroughput, type Report } from './support.ts';

/**
 * Settles `bills` round and round for about `ms`, each on the year the claims before it left (reset
 * to `start` every 40 claims, so deductibles, bands and caps see a real year); claims per second of
 * this process's own CPU time.
 */
function throughput(
  bills: Bill[],
  policy: BenefitPolicy,
  member: MemberState,
  ms: number,
  extra: { start?: Record<string, number>; itemFundRatios?: SettlementInput['itemFundRatios'] } = {},
): { perSecond: number; layers: Set<string> } {
  const provider = exampleProvider('tertiary', `${policy.region.slice(0, 4)}02`);
  const start = extra.start ?? {};
  let yearToDate: Record<string, number> = start;
  const layers = new Set<string>();
  const run = cpuThroughput(ms, (done) => {
    const bill = bills[done % bills.length]!;
    const s = settle({ bill, member, provider, policy, yearToDate, itemFundRatios: extra.itemFundRatios });
    for (const [layer, paid] of Object.entries(s.totals.byLayer)) if (paid > 0) layers.add(layer);
    yearToDate = done % 40 === 39 ? start : s.yearToDate.after;
  });
  return { perSecond: run.perSecond, layers };
}

export default async function employeeSettlementBench(report: Report): Promise<void> {
  const random = seededRandom(20250101);
  const inpatient = Array.from({ length: 500 }, (_, i) => generatedInpatientBill(random, `EIP-${i}`, 30, 2025));
  const outpatient = Array.from({ length: 500 }, (_, i) => generatedOutpatientBill(random, `EOP-${i}`, 5, 2025));
  const zhoushan = shippedPolicy('zhoushan-employee', 2025);
  const honghe = shippedPolicy('honghe-employee', 2025);
  const member = (region: string, groups: string[] = []) =>
    exampleMember({ enrolment: { region, scheme: 'employee', year: 2025 }, groups });
  // Item codes of the generated bills' first drugs, paid at their own ratio as the catalogue register would feed them.
  const drugCodes = [...new Set(inpatient.flatMap((b) => b.lines.filter((l) => l.category === 'drug').map((l) => l.itemCode)))].slice(0, 3);
  const itemFundRatios = Object.fromEntries(drugCodes.map((code) => [code, 7_000]));

  throughput(inpatient, zhoushan, member('330900'), 1_000); // warm-up (JIT)
  const figure = (name: string, run: { perSecond: number; layers: Set<string> }, note: string) =>
    report({ name, value: run.perSecond, unit: 'claims/s', note: `${note}; layers paying: ${[...run.layers].join(', ')}` });

  figure(
    'engine, employees: 5-line outpatient (门诊共济)',
    throughput(outpatient, zhoushan, member('330900'), 2_000),
    'Zhoushan 2025 employee, in service',
  );
  figure(
    'engine, employees: 30-line inpatient, in service',
    throughput(inpatient, zhoushan, member('330900'), 2_000),
    'Zhoushan 2025 employee',
  );
  figure(
    'engine, employees: 30-line inpatient, retired',
    throughput(inpatient, zhoushan, member('330900', ['retired']), 2_000),
    'retiree ratios',
  );
  figure(
    'engine, employees: civil servant past the basic cap',
    throughput(inpatient, zhoushan, member('330900', ['civil-servant']), 2_000, { start: { 'basic.cap.annual': 14_900_000 } }),
    'basic, 大额 on the cost beyond the cap, 公务员医疗补助 on two axes',
  );
  figure(
    'engine, employees: 30-line inpatient, 3 items at own ratio',
    throughput(inpatient, zhoushan, member('330900'), 2_000, { itemFundRatios }),
    'per-item fund ratios fed as the catalogue register does',
  );
  figure(
    'engine, employees: 30-line inpatient, Honghe',
    throughput(inpatient, honghe, member('532500'), 2_000),
    'Honghe 2025 employee: gross year bands',
  );
}
