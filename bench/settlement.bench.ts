/**
 * Settlement: the pure engine's throughput on one core (realistic 30-line inpatient and 5-line
 * outpatient bills, seeded so every run settles the same bills), and the API's settlement latency
 * on the local cloud with 32 concurrent providers (authorizer, handler, policy and member reads,
 * the one-transaction commit, the event).
 */
import { startLocalCloud, type LocalCloud } from '../infra/local/cloud.ts';
import { checkCharacter } from '../shared/enrolment/id-number.ts';
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
import { cpuThroughput, percentile, reportLatencies, type Report } from './support.ts';

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

  await apiBench(report);
}

// ---------------------------------------------------------------------------------------------
// The API on the local cloud
// ---------------------------------------------------------------------------------------------

const PROVIDERS = 32;
const MEMBERS = 128;
const LEVELS = ['tertiary', 'secondary', 'primary', 'primary'] as const;
const DISTRICTS = ['330902', '330903', '330921', '330922'];

async function post(cloud: LocalCloud, path: string, token: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cloud.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Zhoushan 2024 residents, enrolled through enrolment's API: most pay their share, one in four is 低保. */
async function enrolMembers(cloud: LocalCloud, staff: string): Promise<string[]> {
  const members: string[] = [];
  for (let i = 0; i < MEMBERS; i += 8) {
    members.push(
      ...(await Promise.all(
        Array.from({ length: 8 }, async (_, j) => {
          const n = i + j;
          const birth = new Date(Date.UTC(1940, 0, 1) + n * 97 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
          const first17 = `330902${birth}${String(100 + n).slice(-3)}`;
          const categories = n % 4 === 3 ? [{ code: 'dibao', validFrom: '2024-01-01' }] : [];
          const enrolled = await post(cloud, '/v1/members', staff, {
            idNumber: first17 + checkCharacter(first17),
            year: 2024,
            region: '330900',
            scheme: 'resident',
            categories,
          });
          if (enrolled.status !== 201) throw new Error(`enrolment ${enrolled.status}: ${JSON.stringify(enrolled.body)}`);
          const memberId = enrolled.body.member.memberId as string;
          if (enrolled.body.enrolment.status !== 'active') {
            const paid = await post(cloud, `/v1/members/${memberId}/contributions`, staff, {
              contributionId: `BENCH-${n}`,
              year: 2024,
              amountFen: enrolled.body.enrolment.contribution.activationThresholdFen,
              paidOn: '2024-01-02',
            });
            if (paid.status >= 300) throw new Error(`contribution ${paid.status}: ${JSON.stringify(paid.body)}`);
          }
          return memberId;
        }),
      )),
    );
  }
  return members;
}

/** `perCaller` requests by each of PROVIDERS callers at once, each caller one provider; latencies and wall time. */
async function asProviders(perCaller: number, task: (provider: number, n: number) => Promise<void>) {
  const latenciesMs: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PROVIDERS }, async (_, provider) => {
      for (let n = 0; n < perCaller; n++) {
        const t0 = performance.now();
        await task(provider, n);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { latenciesMs: latenciesMs.sort((a, b) => a - b), wallMs: performance.now() - started };
}

async function apiBench(report: Report): Promise<void> {
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  try {
    const staff = await cloud.mint({ sub: 'bench-clerk', role: 'staff', permissions: [] });
    const providers = Array.from({ length: PROVIDERS }, (_, i) => ({
      code: `H3309${String(i).padStart(7, '0')}`,
      level: LEVELS[i % 4]!,
      region: DISTRICTS[i % 4]!,
    }));
    for (const p of providers) {
      const res = await post(cloud, '/v1/providers', staff, {
        providerCode: p.code,
        name: `舟山定点医疗机构 ${p.code}`,
        level: p.level,
        region: p.region,
        kind: p.level === 'primary' ? 'township-centre' : 'hospital',
      });
      if (res.status !== 201) throw new Error(`provider ${res.status}: ${JSON.stringify(res.body)}`);
    }
    const members = await enrolMembers(cloud, staff);
    const tokens = await Promise.all(providers.map((p) => cloud.mint({ sub: `his-${p.code}`, role: 'provider', providerCode: p.code })));
    const random = seededRandom(2024);
    let claims = 0;
    const billFor = (provider: number, claimNo: string): Bill => {
      const p = providers[provider]!;
      const bill =
        p.level === 'primary' ? generatedOutpatientBill(random, claimNo, 5, 2024) : generatedInpatientBill(random, claimNo, 30, 2024);
      return { ...bill, providerCode: p.code, memberId: members[Math.floor(random() * members.length)]! };
    };
    const call = (path: string, expected: number) => async (provider: number) => {
      const res = await post(cloud, path, tokens[provider]!, billFor(provider, `BENCH-${claims++}`));
      if (res.status !== expected) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    };

    await asProviders(3, call('/v1/claims', 201)); // warm-up: handlers loaded, policies cached
    // One request at a time: what a claim costs without queueing behind 31 others.
    const alone: number[] = [];
    for (let n = 0; n < 100; n++) {
      const t0 = performance.now();
      await call('/v1/claims', 201)(n % PROVIDERS);
      alone.push(performance.now() - t0);
    }
    alone.sort((a, b) => a - b);
    const presettle = await asProviders(10, call('/v1/claims/pre-settle', 200));
    const settled = await asProviders(25, call('/v1/claims', 201));
    const note = `${PROVIDERS} providers (1 in 4 tertiary, 1 in 4 secondary: 30-line inpatient bills; the rest primary: 5-line outpatient), ${MEMBERS} members, Zhoushan 2024`;
    report({ name: 'POST /v1/claims, one caller at a time: p50 latency', value: percentile(alone, 50), unit: 'ms', note: '100 claims' });
    report({ name: 'POST /v1/claims, one caller at a time: p99 latency', value: percentile(alone, 99), unit: 'ms' });
    reportLatencies(
      report,
      `POST /v1/claims/pre-settle, ${PROVIDERS} concurrent providers (${presettle.latenciesMs.length})`,
      presettle,
      'claims/s',
    );
    reportLatencies(report, `POST /v1/claims, ${PROVIDERS} concurrent providers (${settled.latenciesMs.length})`, settled, 'claims/s');
    report({ name: 'POST /v1/claims: p90 latency', value: percentile(settled.latenciesMs, 90), unit: 'ms', note });
  } finally {
    await cloud.stop();
  }
}
