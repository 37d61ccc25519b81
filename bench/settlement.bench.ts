/**
 * Settlement: the pure engine's throughput on one core (realistic 30-line inpatient and 5-line
 * outpatient bills, seeded so every run settles the same bills). The API's settlement latency on the
 * local cloud is claims-api.bench.ts.
 */
import { settle } from '../shared/settlement/engine.ts';
import { billSchema, type Bill } from '../shared/settlement/bill.ts';
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
 * Settles `bills` round and round for about `ms` on this one thread; claims per second of this
 * process's own CPU time: "one core", and not depressed by whatever else the machine is running.
 */
function throughput(bills: Bill[], policy: BenefitPolicy, member: MemberState, ms: number, parse = false): number {
  const provider = exampleProvider('secondary');
  const raw = parse ? bills.map((b) => JSON.parse(JSON.stringify(b)) as unknown) : [];
  let yearToDate: Record<string, number> = {};
  let sink = 0;
  const run = cpuThroughput(ms, (done) => {
    const bill = parse ? billSchema.parse(raw[done % raw.length]) : bills[done % bills.length]!;
    const s = settle({ bill, member, provider, policy, yearToDate });
    sink += s.totals.fundPaidFen;
    // Carry the year forward now and then, so deductibles, bands and caps see a real year.
    if (done % 50 === 0) yearToDate = done % 1000 === 0 ? {} : s.yearToDate.after;
  });
  if (sink < 0) throw new Error('unreachable');
  return run.perSecond;
}

export default async function settlementBench(report: Report): Promise<void> {
  const random = seededRandom(20231101);
  const inpatient = Array.from({ length: 500 }, (_, i) => generatedInpatientBill(random, `IP-${i}`));
  const outpatient = Array.from({ length: 500 }, (_, i) => generatedOutpatientBill(random, `OP-${i}`));
  const zhoushan = shippedPolicy('zhoushan-resident', 2023);
  const member = exampleMember();
  const poor = exampleMember({ categories: ['dibao'], supplementaryPlans: ['zhouhuibao'] });

  throughput(inpatient, zhoushan, member, 1_000); // warm-up (JIT)
  throughput(outpatient, zhoushan, member, 500);
  const avgLines = (bills: Bill[]) => bills.reduce((a, b) => a + b.lines.length, 0) / bills.length;
  report({
    name: 'engine: 30-line inpatient bills, one core',
    value: throughput(inpatient, zhoushan, member, 3_000),
    unit: 'claims/s',
    note: `per CPU-second; Zhoushan 2023, ${avgLines(inpatient)} lines`,
  });
  report({
    name: 'engine: 30-line inpatient, every layer (低保, 舟惠保)',
    value: throughput(inpatient, zhoushan, poor, 3_000),
    unit: 'claims/s',
    note: 'basic, catastrophic, assistance, tilted, supplementary, family cap',
  });
  report({
    name: 'engine: 5-line outpatient bills, one core',
    value: throughput(outpatient, zhoushan, member, 3_000),
    unit: 'claims/s',
    note: `${avgLines(outpatient)} lines`,
  });
  report({
    name: 'bill validation (zod) + engine: 30-line inpatient',
    value: throughput(inpatient, zhoushan, member, 3_000, true),
    unit: 'claims/s',
  });
  // The API on the local cloud (latency, claims/s, requests and capacity per claim): claims-api.bench.ts.
}
