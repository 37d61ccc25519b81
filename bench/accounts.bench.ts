/**
 * Personal accounts (个人账户) as a settlement payment channel (issue 12.2): the pure engine's
 * throughput on employee bills under the shipped Zhoushan 2025 employee policy, with the channel
 * after every layer (the split of the patient's share and the account's ledger entry), beside the
 * same bills without it; then the API on the local cloud: employees settling with
 * `payment.personalAccount` from 16 concurrent providers (the account's debit in the settling
 * transaction), and 16 family members paying from one account at once (家庭共济: every payment
 * races on that account's version). Seeded bills, so every run settles the same ones.
 * The engine alone on employee bills: bench/settlement-employee.bench.ts.
 */
import { startLocalCloud, type LocalCloud } from '../infra/local/cloud.ts';
import { openAccount, post as postToAccount, splitPatientShare } from '../shared/accounts/ledger.ts';
import { checkCharacter } from '../shared/enrolment/id-number.ts';
import { shippedPolicy } from '../shared/policy/benefits.ts';
import type { Bill } from '../shared/settlement/bill.ts';
import { settle } from '../shared/settlement/engine.ts';
import {
  exampleMember,
  exampleProvider,
  generatedInpatientBill,
  generatedOutpatientBill,
  seededRandom,
} from '../shared/settlement/examples.ts';
import { cpuThroughput, percentile, reportLatencies, runConcurrently, type Report } from './support.ts';

/** Settles round and round for about `ms`, with or without the channel; claims per second of this process's CPU time. */
function throughput(bills: Bill[], ms: number, channel: boolean): { perSecond: number; paidByAccount: number; claims: number } {
  const policy = shippedPolicy('zhoushan-employee', 2025);
  const terms = policy.personalAccount!;
  const member = exampleMember({ enrolment: { region: '330900', scheme: 'employee', year: 2025 } });
  const provider = exampleProvider('secondary', '330902');
  let account = { ...openAccount(member.memberId, '330900', 'in-service', 2025, '2025-01-01T00:00:00.000Z'), balanceFen: 500_000 };
  let yearToDate: Record<string, number> = {};
  let paidByAccount = 0;
  const run = cpuThroughput(ms, (done) => {
    const bill = bills[done % bills.length]!;
    const s = settle({ bill, member, provider, policy, yearToDate });
    if (channel) {
      const split = splitPatientShare({
        patientPaidFen: s.totals.patientPaidFen,
        lines: s.lines,
        payable: terms.settlement.payable,
        balanceFen: account.balanceFen,
      });
      if (split.personalAccountFen > 0) {
        const posted = postToAccount(
          account,
          { kind: 'claim-payment', amountFen: -split.personalAccountFen, reference: `claim/B/${done}/1/payment` },
          { year: 2025, at: '2025-06-01T00:00:00.000Z', by: 'bench' },
        );
        if (!posted.ok) throw new Error(posted.message);
        account = posted.account;
        paidByAccount += split.personalAccountFen;
      }
      // A month's credit now and then, so the account neither runs dry nor grows without end.
      if (done % 20 === 19) account = { ...account, balanceFen: 500_000 };
    }
    yearToDate = done % 40 === 39 ? {} : s.yearToDate.after;
  });
  return { perSecond: run.perSecond, paidByAccount, claims: run.done };
}

export default async function accountsBench(report: Report): Promise<void> {
  const random = seededRandom(20250601);
  const outpatient = Array.from({ length: 500 }, (_, i) => generatedOutpatientBill(random, `AOP-${i}`, 5, 2025));
  const inpatient = Array.from({ length: 500 }, (_, i) => generatedInpatientBill(random, `AIP-${i}`, 30, 2025));
  throughput(inpatient, 1_000, true); // warm-up (JIT)
  for (const [name, bills] of [
    ['5-line outpatient (门诊共济)', outpatient],
    ['30-line inpatient', inpatient],
  ] as const) {
    // Alternated, best of two each: the machine is shared, so one run alone can catch a busy second.
    const runs = [
      throughput(bills, 1_000, false),
      throughput(bills, 1_000, true),
      throughput(bills, 1_000, false),
      throughput(bills, 1_000, true),
    ];
    const best = (xs: typeof runs) => xs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const without = best([runs[0]!, runs[2]!]);
    const withChannel = best([runs[1]!, runs[3]!]);
    report({ name: `engine, employees: ${name}`, value: without.perSecond, unit: 'claims/s', note: 'Zhoushan 2025 employee, no channel' });
    report({
      name: `engine + personal-account channel: ${name}`,
      value: withChannel.perSecond,
      unit: 'claims/s',
      note: `the split and the ledger entry after every layer (balance topped up to 5,000 yuan every 20 claims); account paid ${Math.round(withChannel.paidByAccount / withChannel.claims)} fen a claim on average`,
    });
  }
  await apiBench(report);
}

// ---------------------------------------------------------------------------------------------
// The API on the local cloud
// ---------------------------------------------------------------------------------------------

const PROVIDERS = 16;
const EMPLOYEES = 32;
const FAMILY = 16;

async function call(
  cloud: LocalCloud,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cloud.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

function must(res: { status: number; body: any }, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res;
}

let serial = 0;
const idNumber = () => {
  serial++;
  const birth = new Date(Date.UTC(1950, 0, 1) + serial * 97 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `330902${birth}${String(100 + (serial % 900)).slice(-3)}`;
  return first17 + checkCharacter(first17);
};

/** A covered Zhoushan 2025 employee with an account credited `fen`. */
async function employee(cloud: LocalCloud, staff: string, fen: number): Promise<string> {
  const enrolled = must(
    await call(cloud, 'POST', '/v1/members', staff, {
      idNumber: idNumber(),
      year: 2025,
      region: '330900',
      scheme: 'employee',
      employeeKind: 'employer',
      employerCode: '91330900MA2A',
      monthlyBaseFen: 600_000,
    }),
    201,
    'enrolment',
  );
  const memberId = enrolled.body.member.memberId as string;
  must(
    await call(cloud, 'POST', `/v1/members/${memberId}/contributions`, staff, {
      contributionId: `B-${memberId}`,
      year: 2025,
      amountFen: enrolled.body.enrolment.contribution.activationThresholdFen,
      paidOn: '2025-01-15',
      channel: 'employer',
    }),
    201,
    'contribution',
  );
  must(await call(cloud, 'PUT', `/v1/accounts/${memberId}`, staff, { region: '330900', status: 'in-service' }), 201, 'account');
  must(
    await call(cloud, 'POST', `/v1/accounts/${memberId}/adjustments`, staff, {
      reference: 'bench',
      amountFen: fen,
      reason: 'bench credit',
    }),
    201,
    'credit',
  );
  return memberId;
}

/** A fully subsidised (低保) Zhoushan 2025 resident. */
async function resident(cloud: LocalCloud, staff: string): Promise<string> {
  const res = must(
    await call(cloud, 'POST', '/v1/members', staff, {
      idNumber: idNumber(),
      year: 2025,
      region: '330900',
      scheme: 'resident',
      categories: [{ code: 'dibao', validFrom: '2024-01-01' }],
    }),
    201,
    'resident',
  );
  return res.body.member.memberId as string;
}

async function apiBench(report: Report): Promise<void> {
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  try {
    const staff = await cloud.mint({
      sub: 'bench-clerk',
      role: 'staff',
      permissions: ['accounts:write', 'members:write', 'providers:write'],
    });
    const providers = Array.from({ length: PROVIDERS }, (_, i) => ({
      code: `H3309A${String(i).padStart(6, '0')}`,
      level: i % 2 ? 'primary' : 'secondary',
    }));
    for (const p of providers) {
      must(
        await call(cloud, 'POST', '/v1/providers', staff, {
          providerCode: p.code,
          name: `舟山定点医疗机构 ${p.code}`,
          level: p.level,
          region: '330902',
          kind: p.level === 'primary' ? 'township-centre' : 'hospital',
        }),
        201,
        'provider',
      );
    }
    const tokens = await Promise.all(providers.map((p) => cloud.mint({ sub: `his-${p.code}`, role: 'provider', providerCode: p.code })));
    const employees: string[] = [];
    for (let i = 0; i < EMPLOYEES; i += 8)
      employees.push(...(await Promise.all(Array.from({ length: 8 }, () => employee(cloud, staff, 1_000_000)))));
    const random = seededRandom(2025);
    let claims = 0;
    const billFor = (provider: number, memberId: string, holderMemberId?: string): Bill => {
      const p = providers[provider]!;
      const claimNo = `ACC-${claims++}`;
      const bill =
        p.level === 'primary' ? generatedOutpatientBill(random, claimNo, 5, 2025) : generatedInpatientBill(random, claimNo, 30, 2025);
      return { ...bill, providerCode: p.code, memberId, payment: { personalAccount: holderMemberId ? { holderMemberId } : {} } };
    };
    let paid = 0;
    const settleOne = (memberOf: (i: number) => string, holderOf?: (i: number) => string) => async (i: number) => {
      const provider = i % PROVIDERS;
      for (let attempt = 0; ; attempt++) {
        const res = await call(cloud, 'POST', '/v1/claims', tokens[provider]!, billFor(provider, memberOf(i), holderOf?.(i)));
        if (res.status === 503 && attempt < 5) continue;
        must(res, 201, 'settle');
        paid += res.body.statement.payment.personalAccountFen as number;
        return;
      }
    };
    await runConcurrently(
      32,
      PROVIDERS,
      settleOne((i) => employees[i % EMPLOYEES]!),
    ); // warm-up
    paid = 0;
    const spread = await runConcurrently(
      400,
      PROVIDERS,
      settleOne(() => employees[Math.floor(random() * EMPLOYEES) % EMPLOYEES]!),
    );
    reportLatencies(
      report,
      `POST /v1/claims + account, ${PROVIDERS} providers, ${EMPLOYEES} employees (${spread.latenciesMs.length})`,
      spread,
      'claims/s',
    );
    report({
      name: 'POST /v1/claims + account: p90 latency',
      value: percentile(spread.latenciesMs, 90),
      unit: 'ms',
      note: `account paid ${paid} fen in all`,
    });

    // One account, 16 family members paying from it at once: every payment races on its version.
    const holder = await employee(cloud, staff, 300_000);
    const family: string[] = [];
    for (let i = 0; i < FAMILY; i += 8) family.push(...(await Promise.all(Array.from({ length: 8 }, () => resident(cloud, staff)))));
    for (const member of family) {
      must(
        await call(cloud, 'PUT', `/v1/accounts/${holder}/family/${member}`, staff, {
          relation: 'child',
          validFrom: '2025-01-01',
          evidence: 'bench',
        }),
        201,
        'binding',
      );
    }
    paid = 0;
    const hot = await runConcurrently(
      160,
      FAMILY,
      settleOne(
        (i) => family[i % FAMILY]!,
        () => holder,
      ),
    );
    const after = must(await call(cloud, 'GET', `/v1/accounts/${holder}`, staff), 200, 'account').body.account.balanceFen as number;
    reportLatencies(
      report,
      `POST /v1/claims, ${FAMILY} family members paying from one account (${hot.latenciesMs.length})`,
      hot,
      'claims/s',
    );
    report({
      name: 'one account under concurrent payments: balance after',
      value: after,
      unit: 'fen',
      note: `3,000 yuan credited, ${paid} fen paid by the account: ${after + paid === 300_000 && after >= 0 ? 'exact, never negative' : 'MISMATCH'}`,
    });
  } finally {
    await cloud.stop();
  }
}
