/**
 * A small Zhoushan 2026 for the console's browser tests and its screenshots, made through the API
 * as a city's systems would (nothing written to a table directly): two hospitals, a budget with the
 * residents' own fund and reserve, residents enrolled with their subsidies booked, stays and outpatient
 * claims over several months settled through POST /v1/claims (grouped by the DRG consumer), and a
 * duplicate charge the fraud rules alert on. The prepayment and the alert's case work are left to the
 * journeys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from './id-numbers.ts';

export const SEED_REGION = '330900';
export const SEED_YEAR = 2026;
export const HOSPITALS = [
  { providerCode: 'ZS0001', region: '330900', level: 'tertiary', name: '舟山医院', kind: 'hospital' },
  { providerCode: 'ZS0201', region: '330902', level: 'secondary', name: '定海区人民医院', kind: 'hospital' },
] as const;

export interface Seeded {
  members: { memberId: string; idNumber: string }[];
  /** provider code → claim numbers settled. */
  claims: Record<string, string[]>;
  /** The outpatient claim with the same blood test twice (重复收费): the fraud rules alert on it. */
  duplicateClaim: { providerCode: string; claimNo: string };
}

const y = (yuan: number) => Math.round(yuan * 100);

async function call(cloud: LocalCloud, token: string, method: string, path: string, body?: unknown): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${cloud.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // 503 CONTENTION: the member's counters moved under the request; the same request again is idempotent.
    if (res.status === 503 && attempt < 5) continue;
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

export async function seedConsoleYear(cloud: LocalCloud, options: { members?: number } = {}): Promise<Seeded> {
  const staff = await cloud.mint({ sub: 'clerk-seed', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  for (const h of HOSPITALS) await call(cloud, staff, 'POST', '/v1/providers', h);
  await call(cloud, staff, 'PUT', `/v1/budgets/${SEED_REGION}/${SEED_YEAR}`, {
    totalFen: y(2_000_000),
    drgBudgetFen: y(60_000),
    providers: [
      { providerCode: 'ZS0001', globalBudgetFen: y(120_000) },
      { providerCode: 'ZS0201', globalBudgetFen: y(12_000) },
    ],
    schemes: { resident: { budgetFen: y(1_200_000), reserve: { balanceFen: y(900_000), asOf: '2025-12-31' } } },
  });

  const nextId = idNumbers(Date.UTC(1958, 0, 1));
  const members: Seeded['members'] = [];
  for (let i = 0; i < (options.members ?? 6); i++) {
    const idNumber = nextId('330902', String(101 + i));
    const enrolled = await call(cloud, staff, 'POST', '/v1/members', {
      idNumber,
      year: SEED_YEAR,
      region: SEED_REGION,
      scheme: 'resident',
      categories: [{ code: 'tekun', validFrom: '2025-01-01' }],
    });
    const memberId = enrolled.member.memberId as string;
    await call(cloud, staff, 'POST', `/v1/members/${memberId}/contributions`, {
      contributionId: `SUB-${SEED_YEAR}-${i}`,
      year: SEED_YEAR,
      amountFen: 0,
      paidOn: `${SEED_YEAR}-01-05`,
      channel: 'subsidy',
    });
    members.push({ memberId, idNumber });
  }

  const tokens = Object.fromEntries(
    await Promise.all(
      HOSPITALS.map(async (h) => [
        h.providerCode,
        await cloud.mint({ sub: `his-${h.providerCode}`, role: 'provider', providerCode: h.providerCode }),
      ]),
    ),
  ) as Record<string, string>;
  const claims: Record<string, string[]> = {};
  const settle = async (providerCode: string, bill: Record<string, unknown>) => {
    await call(cloud, tokens[providerCode]!, 'POST', '/v1/claims', { providerCode, ...bill });
    (claims[providerCode] ??= []).push(bill.claimNo as string);
  };
  // Stays month by month (pneumonia with respiratory failure: ES31 under CHS-DRG 1.1) and outpatient visits.
  for (let m = 1; m <= 6; m++) {
    const month = String(m).padStart(2, '0');
    const member = members[(m - 1) % members.length]!.memberId;
    const providerCode = m % 3 === 0 ? 'ZS0201' : 'ZS0001';
    await settle(providerCode, {
      claimNo: `ZY-${SEED_YEAR}${month}-1`,
      memberId: member,
      visit: {
        type: 'inpatient',
        serviceDate: `${SEED_YEAR}-${month}-02`,
        admissionDate: `${SEED_YEAR}-${month}-02`,
        dischargeDate: `${SEED_YEAR}-${month}-10`,
        department: 'respiratory',
      },
      diagnoses: { principal: 'J18.900', secondary: ['J96.000'] },
      lines: [exampleLine(1, 'A', 'treatment', 9_000 + m * 1_000), exampleLine(2, 'B', 'drug', 1_200)],
    });
    await settle('ZS0001', {
      claimNo: `MZ-${SEED_YEAR}${month}-1`,
      memberId: members[m % members.length]!.memberId,
      visit: { type: 'outpatient', serviceDate: `${SEED_YEAR}-${month}-15` },
      diagnoses: { principal: 'J20.900' },
      lines: [exampleLine(1, 'A', 'drug', 300 + m * 20), exampleLine(2, 'A', 'lab', 80)],
    });
  }
  // The same blood test twice on one day: 重复收费, which the region's rules alert on.
  const duplicateClaim = { providerCode: 'ZS0001', claimNo: `MZ-${SEED_YEAR}05-DUP` };
  await settle('ZS0001', {
    claimNo: duplicateClaim.claimNo,
    memberId: members[0]!.memberId,
    visit: { type: 'outpatient', serviceDate: `${SEED_YEAR}-05-06` },
    diagnoses: { principal: 'J20.900' },
    lines: [
      { ...exampleLine(1, 'A', 'lab', 20, 1, { itemCode: '250101015' }), itemName: '血细胞分析' },
      { ...exampleLine(2, 'A', 'lab', 20, 1, { itemCode: '250101015' }), itemName: '血细胞分析' },
      exampleLine(3, 'A', 'drug', 600),
    ],
  });
  await settled(cloud);
  return { members, claims, duplicateClaim };
}

/** Waits until the queues behind the claims (grouping, scoring, payment facts) are empty three looks in a row. */
export async function settled(cloud: LocalCloud, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < 3; ) {
    const depths = Object.values(await cloud.queueDepths());
    quiet = depths.every((d) => d.visible + d.inFlight === 0) ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error('the queues did not drain');
    await sleep(150);
  }
}
