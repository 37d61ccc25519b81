/**
 * The demo year (issue 16, point 2): Zhoushan (舟山市, 330900) 2026 done the agency's way, through the
 * real API only — HTTP against the local cloud's API port with minted tokens, never a write straight to
 * a table or the bus. In order:
 *
 *  1. the region's 2026 policies in force are read back (enrolment, benefits per scheme, DRG, year-end,
 *     fraud rules, knowledge base), and the starter catalogues (national list + Zhoushan's own) are
 *     imported and published as a clerk would (`npm run catalogue`'s client);
 *  2. providers at every level are registered, the 岱山县 医共体 formed, the primary-care centres
 *     certified to approve chronic diseases, employers registered;
 *  3. members enrolled in bulk (employees with their employers, retirees, flexible workers; residents in
 *     households, poor members with their categories), employment recorded, residents' contributions
 *     paid (the platform says what each owes), households, chronic-disease approvals, family-doctor
 *     contracts and 舟惠保 enrolments imported into the registers;
 *  4. the year's budget set (global budgets per provider sized from the year's expected spending, the
 *     DRG pool, each scheme's fund and reserve; capitated members counted from the approvals register);
 *  5. month by month: the employers' contributions for the month, the month's prepayment fired as the
 *     schedule fires it (02:00 on the 1st, Asia/Shanghai), then the month's claims settled by the HIS of
 *     each provider (one member's claims in order, members in parallel lanes);
 *  6. once the consumers have caught up (DRG grouping, fraud scoring, payment facts), a regulator works
 *     the alerts of the injected fraud (confirms duplicate charges with an amount to recover, dismisses
 *     one review item with a note), then the year-end is fired for 1 April 2027.
 *
 * Everything is idempotent (natural keys all the way), so running it again on a persisted local cloud
 * changes nothing and gives the same figures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { Principal } from '../../../shared/auth/principal.ts';
import { STAFF_PERMISSIONS } from '../../../shared/auth/principal.ts';
import { importCatalogueFile } from '../../../tools/catalogue.ts';
import { Catalogue, generateClaims, type CatalogueItem, type InjectedPattern, type PlannedClaim, type PrescribingRules } from './claims.ts';
import { demoClient, DemoCallFailed, inLanes, type DemoClient } from './client.ts';
import { HONGHE_REGION, hongheSize, type HonghePopulation } from './honghe.ts';
import { COMMUNITY, generatePopulation, PROVIDERS, REGION, YEAR, type DemoPerson } from './population.ts';
import { emptyProgrammeFigures, HongheYear, honghePolicyChecks } from './programmes.ts';
import { emptyFigures, PHASE_LABELS, type DemoFigures, type DemoPhase, type DemoProgress } from './progress.ts';

/**
 * Members at the default scale (Zhoushan's; a tenth as many in Honghe): the issue's "thousands", which a
 * persisted local cloud on a quiet 2-core machine fills in about seven minutes, month by month, while
 * the console is already up (README, "The demo year", has the figures).
 */
export const DEFAULT_SCALE = 2_000;
export const DEFAULT_SEED = 330_900;

export interface DemoYearOptions {
  /** The API's base URL (the local cloud's front: `cloud.apiUrl`). */
  baseUrl: string;
  /** Mints a token for a principal (`cloud.mint`). */
  mint: (principal: Principal) => Promise<string>;
  /** Members to enrol (at least 20); claims follow, about 3.5 a member. */
  scale?: number;
  seed?: number;
  /** Members whose claims are sent at the same time. */
  lanes?: number;
  /**
   * Honghe's employees for the programmes Zhoushan has no policy for (long-term care, maternity, DIP;
   * infra/local/demo/honghe.ts): default a tenth of the scale, at least 40; 0 leaves them out.
   */
  programmes?: number;
  /** When the console was first usable (ms after the platform's start), kept in the figures. */
  consoleReadyMs?: number;
  onProgress?: (progress: DemoProgress) => void;
}

export interface InjectedOutcome {
  pattern: InjectedPattern;
  providerCode: string;
  claimNo: string;
  /** The alert (or review item) raised on the claim, with the rule types it names. */
  alertId?: string;
  tier?: string;
  ruleTypes: string[];
  caught: boolean;
}

export interface DemoYearResult {
  progress: DemoProgress;
  figures: DemoFigures;
  injected: InjectedOutcome[];
  /** Member ids by population index (for callers that want to look around). */
  memberIds: string[];
  /** Answers 500 the demo sent again (none on a machine with room to breathe). */
  serverErrors: number;
  /** Claims the platform refused (none in a healthy run), with the reason. */
  refused: { claimNo: string; status: number; message: string }[];
  /** Every settled claim, as its provider and claim number. */
  settled: { providerCode: string; claimNo: string; memberId: string; visitType: string; fundPaidFen: number }[];
  /** The settled claims' payments by layer of cover (statement totals.byLayer, summed). */
  paidByLayerFen: Record<string, number>;
  /** Where the time went: milliseconds per phase, and per month of the year. */
  timings: {
    phases: Partial<Record<DemoPhase, number>>;
    months: {
      period: string;
      claims: number;
      prepaymentMs: number;
      claimsMs: number /** waiting for the month's contributions after the claims */;
      contributionsMs: number;
    }[];
  };
  /** What the year-end run answered (GET /v1/runs/year-end/330900/2026). */
  yearEnd: YearEndRun;
  /** Honghe's part (long-term care, maternity, DIP): its people and their member ids, by index. */
  programmes?: { population: HonghePopulation; memberIds: string[] };
}

/** The parts of GET /v1/runs/year-end/{region}/{year} the demo reads. */
export interface YearEndRun {
  run: {
    version: number;
    summary: {
      pointValue?: { yuanPerPoint: string | null; totalCentipoints: number; drgBudgetFen: number };
      totals?: { stays?: number; staysByPoints?: number; staysByItems?: number } & Record<string, unknown>;
    } & Record<string, unknown>;
  } & Record<string, unknown>;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const monthsOfYear = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
/** 02:00 on the 1st in Asia/Shanghai, as the monthlyPrepayment schedule fires. */
const firstOfMonthAt2 = (period: string) => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1, 2 - 8)).toISOString();
};

export async function runDemoYear(options: DemoYearOptions): Promise<DemoYearResult> {
  const scale = Math.max(20, Math.round(options.scale ?? DEFAULT_SCALE));
  const seed = options.seed ?? DEFAULT_SEED;
  const lanes = options.lanes ?? 12;
  const api = demoClient(options.baseUrl);
  const started = Date.now();
  const figures = emptyFigures();
  if (options.consoleReadyMs !== undefined) figures.timeToConsoleMs = options.consoleReadyMs;
  figures.claimsByMonth = {};
  const progress: DemoProgress = {
    phase: 'starting',
    label: PHASE_LABELS.starting,
    done: 0,
    total: 1,
    startedAt: new Date(started).toISOString(),
    scale,
    seed,
    region: REGION,
    year: YEAR,
    figures,
  };
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < 250) return;
    lastReport = now;
    options.onProgress?.(structuredClone(progress));
  };
  const timings: DemoYearResult['timings'] = { phases: {}, months: [] };
  let phaseStarted = performance.now();
  const phase = (p: DemoPhase) => {
    const now = performance.now();
    timings.phases[progress.phase] = Math.round(now - phaseStarted);
    phaseStarted = now;
    progress.phase = p;
    progress.label = PHASE_LABELS[p];
    report(true);
  };
  const step = (n = 1) => {
    progress.done += n;
    report();
  };
  report(true);

  try {
    const clerk = await options.mint({ sub: 'demo-clerk', role: 'staff', permissions: Object.keys(STAFF_PERMISSIONS) as never });
    const regulator = await options.mint({ sub: 'demo-inspector', role: 'regulator', region: REGION });
    const providerTokens = new Map<string, string>();
    const his = async (providerCode: string) => {
      let token = providerTokens.get(providerCode);
      if (!token) {
        token = await options.mint({ sub: `his-${providerCode}`, role: 'provider', providerCode });
        providerTokens.set(providerCode, token);
      }
      return token;
    };

    const population = generatePopulation(seed, scale);
    const people = population.people;
    const refused: DemoYearResult['refused'] = [];
    const programmeSize = options.programmes ?? hongheSize(scale);
    const honghe =
      programmeSize > 0
        ? new HongheYear(
            {
              api,
              clerk,
              his,
              mint: options.mint,
              figures: (figures.programmes = emptyProgrammeFigures()),
              step: (n) => step(n),
              lanes,
              bulk: (path, rows, size, body, each) => bulk(api, clerk, path, rows, size, body as never, each ?? (() => undefined)),
              queuesIdle: (names) => queuesIdle(api, names),
              refused,
            },
            seed,
            programmeSize,
          )
        : undefined;
    const hongheUnits = honghe?.units ?? 0;
    // A first estimate of the work, refined once the claims are generated (they need the catalogue).
    progress.total = 1 + 2 + PROVIDERS.length + 2 + people.length + 4 + 1 + Math.round(people.length * 3.5) + 12 + 2 + hongheUnits;

    // 1. Policies and catalogues ------------------------------------------------------------------
    phase('policies');
    for (const [kind, query] of [
      ['enrolment', `year=${YEAR}`],
      ['benefits', `year=${YEAR}&scheme=resident`],
      ['benefits', `year=${YEAR}&scheme=employee`],
      ['drg', `year=${YEAR}`],
      ['year-end', `year=${YEAR}`],
      ['fraud-rules', `on=${YEAR}-06-30`],
    ] as const) {
      const res = await api.call('GET', `/v1/policies/${kind}/${REGION}?${query}`, clerk);
      if (!(res.body.versions as unknown[]).length)
        throw new Error(`Zhoushan has no ${kind} policy for ${YEAR} (${query}): the demo year needs policies/${kind}/${REGION}/`);
    }
    if (honghe)
      for (const [kind, query] of honghePolicyChecks) {
        const res = await api.call('GET', `/v1/policies/${kind}/${HONGHE_REGION}?${query}`, clerk);
        if (!(res.body.versions as unknown[]).length)
          throw new Error(`Honghe has no ${kind} policy (${query}): the demo's programmes need policies/${kind}/${HONGHE_REGION}/`);
      }
    step();

    phase('catalogues');
    for (const region of ['000000', REGION]) {
      const header = JSON.parse(readFileSync(`${ROOT}catalogues/${region}/v1.json`, 'utf8'));
      const imported = await importCatalogueFile({
        file: `${ROOT}catalogues/${region}/v1.csv`,
        header,
        apiUrl: options.baseUrl,
        token: clerk,
        publish: true,
      });
      if (!['published', 'unchanged'].includes(imported.status) && !imported.sameAs)
        throw new Error(`Catalogue ${region} v1 was not published: ${imported.status}, ${imported.problems.length} rejected row(s)`);
      step();
    }
    const catalogueOf = async (region: string, on: string) => {
      const items: CatalogueItem[] = [];
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await api.call(
          'GET',
          `/v1/catalogues/${region}/download?format=json&on=${on}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          clerk,
        );
        items.push(...(page.body.entries as CatalogueItem[]));
        cursor = page.body.nextCursor;
      }
      return items;
    };
    const items = await catalogueOf(REGION, `${YEAR}-06-30`);
    // The knowledge base in force, as a prescribing system keeps to it (national layer; Zhoushan ships none of its own).
    const kb = await api.call('GET', `/v1/policies/knowledge-base/000000?on=${YEAR}-06-30`, clerk);
    const knowledge = (kb.body.inForce?.document ?? {}) as Partial<PrescribingRules>;
    const catalogue = new Catalogue(items, { indications: knowledge.indications ?? [], levels: knowledge.levels ?? [] });
    const claims = generateClaims(population, catalogue);
    await honghe?.readCatalogue(catalogueOf, { indications: knowledge.indications ?? [], levels: knowledge.levels ?? [] });
    progress.total =
      progress.done + PROVIDERS.length + 2 + people.length + 4 + 1 + claims.length + 12 + 2 + hongheUnits + (honghe?.plannedClaims ?? 0);

    // 2. Providers, the 医共体, certifications, employers -------------------------------------------
    phase('providers');
    for (const p of PROVIDERS) {
      const { tier: _tier, certifies: _certifies, ...profile } = p;
      await api.call('POST', '/v1/providers', clerk, profile);
      step();
    }
    figures.providers = PROVIDERS.length;
    await api.call('POST', '/v1/health-communities', clerk, {
      communityId: COMMUNITY.communityId,
      region: REGION,
      name: COMMUNITY.name,
      weightBy: 'family-doctor-contracts',
      members: PROVIDERS.filter((p) => p.tier).map((p) => ({ providerCode: p.providerCode, tier: p.tier })),
    });
    for (const p of PROVIDERS.filter((x) => x.certifies)) {
      await api.call('PUT', `/v1/registers/chronic-approvals/certified-providers/${p.providerCode}`, clerk, {
        region: REGION,
        diseaseGroups: p.certifies,
        validFrom: `${YEAR - 1}-01-01`,
        validTo: `${YEAR + 1}-12-31`,
        reason: '舟山市医保局 2026 年门诊慢特病认定机构名单（演示）',
      });
    }
    await honghe?.registerProviders();
    for (const e of population.employers)
      await api.call('POST', '/v1/employers', clerk, {
        creditCode: e.creditCode,
        name: e.name,
        region: e.region,
        validFrom: `${YEAR}-01-01`,
      });
    step();

    // 3. Members --------------------------------------------------------------------------------------
    phase('members');
    // Honghe's employees are enrolled beside Zhoushan's members and registers (awaited before the first month).
    const hongheEnrolled = honghe ? settledLater(honghe.enrol()) : undefined;
    const memberIds: string[] = new Array(people.length);
    const enrolRows = people.map((p) => ({
      idNumber: p.idNumber,
      name: p.name,
      year: YEAR,
      region: REGION,
      scheme: p.scheme,
      ...(p.employment
        ? {
            employeeKind: p.employment.status === 'flexible' ? 'flexible' : 'employer',
            ...(p.employment.employerCode ? { employerCode: p.employment.employerCode } : {}),
            monthlyBaseFen: p.employment.monthlyWageFen,
          }
        : {}),
      ...(p.category ? { categories: [{ code: p.category, validFrom: `${YEAR}-01-01`, reference: '民政部门认定名单（演示）' }] } : {}),
    }));
    await bulk(
      api,
      clerk,
      '/v1/members/bulk',
      enrolRows,
      // 200 rows a request: each stays well inside a handler's time even on a machine loaded far past its cores.
      200,
      (rows) => ({ kind: 'enrolment', rows }),
      (index, outcome) => {
        memberIds[index] = outcome.memberId!;
        step();
      },
    );
    figures.members = people.length;
    figures.employees = people.filter((p) => p.scheme === 'employee').length;
    figures.residents = figures.members - figures.employees;
    figures.poorMembers = people.filter((p) => p.category).length;
    report(true);

    // Employment status: in service with the employer, retired (with years), flexible.
    const employees = people.filter((p) => p.employment);
    // Recorded while the residents' contributions are read and paid (other members, other records).
    const employed = settledLater(
      inLanes(employees, lanes, async (p) => {
        const e = p.employment!;
        await api.call('POST', `/v1/members/${memberIds[p.index]}/employment`, clerk, {
          status: e.status,
          validFrom: `${YEAR}-01-01`,
          ...(e.status === 'in-service' ? { employerCode: e.employerCode } : {}),
          ...(e.contributionYears
            ? { contributionYears: e.contributionYears, reference: `舟人社退〔${YEAR - 1}〕${p.index}号（演示）` }
            : {}),
        });
      }),
    );
    // Residents pay what the platform says they owe (the policy's amount less any subsidy); a fully
    // subsidised member's public share is booked as a 0 contribution through the subsidy channel.
    const residentsOwing = new Map<string, number>();
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await api.call(
        'GET',
        `/v1/members?region=${REGION}&year=${YEAR}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        clerk,
      );
      for (const e of page.body.enrolments as { memberId: string; scheme: string; contribution: { due: { individualFen: number } } }[])
        if (e.scheme === 'resident') residentsOwing.set(e.memberId, e.contribution.due.individualFen);
      cursor = page.body.nextCursor;
    }
    const contributionRows = people
      .filter((p) => p.scheme === 'resident')
      .map((p) => {
        const owed = residentsOwing.get(memberIds[p.index]!) ?? 0;
        return {
          idNumber: p.idNumber,
          year: YEAR,
          contributionId: `ZS-${YEAR}-${String(p.index).padStart(6, '0')}`,
          amountFen: owed,
          paidOn: `${YEAR - 1}-12-${String(10 + (p.index % 18)).padStart(2, '0')}`,
          channel: owed === 0 ? 'subsidy' : 'tax',
        };
      });
    await bulk(
      api,
      clerk,
      '/v1/members/bulk',
      contributionRows,
      200,
      (rows) => ({ kind: 'contribution', rows }),
      () => undefined,
    );
    await employed();

    // 4. Registers ------------------------------------------------------------------------------------
    phase('registers');
    const inHouseholds = people.filter((p) => p.household);
    const householdRows = [
      ...inHouseholds.filter((p) => p.household!.relation === 'head'),
      ...inHouseholds.filter((p) => p.household!.relation !== 'head'),
    ].map((p) => ({
      householdId: p.household!.householdId,
      region: REGION,
      memberId: memberIds[p.index],
      relation: p.household!.relation,
      from: `${YEAR}-01-01`,
      reference: `户口簿 ${p.household!.householdId.slice(-6)}`,
    }));
    // Heads first: a household exists before its other members join it. One register after another:
    // approvals and contracts both change a member's capitated population, and imported together the
    // payment-facts consumer finds it changed meanwhile and waits out a redelivery (measured: minutes).
    const heads = householdRows.filter((r) => r.relation === 'head');
    await bulkFile(api, clerk, '/v1/households/bulk', heads, 1_000, {}, 1);
    await bulkFile(
      api,
      clerk,
      '/v1/households/bulk',
      householdRows.filter((r) => r.relation !== 'head'),
      1_000,
      {},
      1,
    );
    figures.households = heads.length;
    step();
    const approvals = people.filter((p) => p.chronic);
    await bulkFile(
      api,
      clerk,
      '/v1/registers/chronic-approvals/bulk',
      approvals.map((p) => ({
        memberId: memberIds[p.index],
        diseaseGroup: p.chronic!.group,
        validFrom: `${YEAR}-01-01`,
        validTo: `${YEAR}-12-31`,
        certifyingProvider: p.chronic!.certifyingProvider,
        certifyingDoctor: { code: `D${p.chronic!.certifyingProvider}01`, name: '陈医生' },
        evidence: [{ kind: 'diagnosis-certificate', reference: `ZD-${YEAR}-${String(p.index).padStart(6, '0')}` }],
      })),
      1_000,
      { action: 'create' },
    );
    const contracted = people.filter((p) => p.familyDoctor);
    await bulkFile(
      api,
      clerk,
      '/v1/registers/family-doctor-contracts/bulk',
      contracted.map((p) => ({
        memberId: memberIds[p.index],
        providerCode: p.familyDoctor!.providerCode,
        teamCode: p.familyDoctor!.teamCode,
        reference: `QY-${YEAR}-${String(p.index).padStart(6, '0')}`,
        validFrom: `${YEAR}-01-01`,
        validTo: `${YEAR}-12-31`,
      })),
      1_000,
      { action: 'create' },
    );
    await bulkFile(
      api,
      clerk,
      '/v1/registers/supplementary-plans/bulk',
      people
        .filter((p) => p.zhouhuibao)
        .map((p) => ({
          idNumber: p.idNumber,
          planCode: 'zhouhuibao',
          year: YEAR,
          policyNumber: `ZHB${YEAR}${String(p.index).padStart(7, '0')}`,
        })),
      1_000,
      { action: 'create' },
    );
    figures.chronicApprovals = approvals.length;
    figures.familyDoctorContracts = contracted.length;
    step(3);

    // 5. The budget, sized from what the year will cost ------------------------------------------------
    phase('budget');
    const billedBy = new Map<string, number>();
    let staysBilled = 0;
    for (const c of claims) {
      const billed = c.bill.lines.reduce((s, l) => s + l.amountFen, 0);
      billedBy.set(c.bill.providerCode, (billedBy.get(c.bill.providerCode) ?? 0) + billed);
      if (c.bill.visit.type === 'inpatient' || c.bill.visit.type === 'bed-day') staysBilled += billed;
    }
    const expectedFund = (billed: number) => Math.round((billed * 0.7) / 100) * 100;
    const totalBilled = [...billedBy.values()].reduce((a, b) => a + b, 0);
    const providerBudgets = PROVIDERS.map((p) => ({
      providerCode: p.providerCode,
      globalBudgetFen: Math.max(10_000_00, expectedFund((billedBy.get(p.providerCode) ?? 0) * 1.05)),
      // The city hospital is advanced on last month's points (Zhoushan's second agreement).
      ...(p.providerCode === 'ZS0001' ? { agreement: 'last-month-points' } : {}),
    }));
    // The capitation fund (2,500 yuan a capitated member, Zhoushan 2026) sits inside the total too.
    const community = new Set(PROVIDERS.filter((p) => p.tier).map((p) => p.providerCode));
    const capitated = approvals.filter((p) => community.has(p.chronic!.certifyingProvider)).length;
    const providersTotal = providerBudgets.reduce((s, p) => s + p.globalBudgetFen, 0);
    await api.call('PUT', `/v1/budgets/${REGION}/${YEAR}`, clerk, {
      totalFen: Math.round(((providersTotal + capitated * 2_500_00) * 1.1 + totalBilled * 0.1) / 100) * 100,
      drgBudgetFen: expectedFund(staysBilled),
      providers: providerBudgets,
      healthCommunities: [{ communityId: COMMUNITY.communityId }],
      schemes: {
        employee: {
          budgetFen: expectedFund(totalBilled * 0.55),
          reserve: { balanceFen: expectedFund(totalBilled * 0.55 * 1.4), asOf: `${YEAR - 1}-12-31` },
        },
        resident: {
          budgetFen: expectedFund(totalBilled * 0.6),
          reserve: { balanceFen: expectedFund(totalBilled * 0.6 * 0.8), asOf: `${YEAR - 1}-12-31` },
        },
      },
    });
    step();

    // 6. The year, month by month ----------------------------------------------------------------------
    await hongheEnrolled?.();
    phase('claims');
    const settled: DemoYearResult['settled'] = [];
    const paidByLayerFen: Record<string, number> = {};
    const contributing = people.filter((p) => p.employment && p.employment.status !== 'retired');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    let claimMs = 0;
    const payMonth = (period: string) =>
      bulk(
        api,
        clerk,
        '/v1/employee-contributions/bulk',
        contributing.map((p) => ({
          memberId: memberIds[p.index],
          month: period,
          ...(p.employment!.employerCode ? { employerCode: p.employment!.employerCode } : {}),
          declaredWageFen: p.employment!.monthlyWageFen,
          // Paid on the 5th; a month not yet reached is paid in advance today (the platform refuses a future payment).
          paidOn: `${period}-05` < today ? `${period}-05` : today,
          channel: p.employment!.status === 'flexible' ? 'tax' : 'employer',
          reference: `ZS-TAX-${period}`,
        })),
        100,
        (rows) => ({ format: 'jsonl', content: rows.map(({ rowNumber: _n, ...r }) => JSON.stringify(r)).join('\n') }),
        () => undefined,
      );
    // January is paid before any claim: an employee's cover starts with the first month paid.
    await payMonth(monthsOfYear[0]!);
    for (const period of monthsOfYear) {
      const m1 = performance.now();
      // The month's advance, as the schedule fires it: last month's facts projected first.
      // Waited for a minute at most: a fact the projection retries (a claim changed while being projected)
      // comes back only after its queue's visibility timeout (paymentFacts: 30 minutes), and the schedule would not
      // wait for it either; the advance is on the facts as they stand, the year-end waits for them all.
      await queuesIdle(api, ['paymentFacts', 'drgGrouping'], 60_000).catch(() => undefined);
      await api.call('POST', `/_local/schedules/monthlyPrepayment?at=${encodeURIComponent(firstOfMonthAt2(period))}`, clerk);
      const run = await until(async () => {
        const res = await api.call('GET', `/v1/runs/prepayment/${REGION}/${period}?version=1`, clerk, undefined, [200, 404]);
        return res.status === 200 && res.body.run.status === 'complete' ? res.body : undefined;
      }, `the ${period} prepayment run`);
      figures.prepaymentMonths++;
      figures.prepaidFen += (run.lines as { amountFen: number }[]).reduce((s, l) => s + l.amountFen, 0);
      step();

      const month = claims.filter((c) => c.settles.startsWith(period));
      const byMember = new Map<number, PlannedClaim[]>();
      for (const c of month) byMember.set(c.member, [...(byMember.get(c.member) ?? []), c]);
      const t0 = performance.now();
      // The employers pay this month's contributions while the hospitals settle (cover runs on the grace months).
      const paying = settledLater(period === monthsOfYear[0] ? Promise.resolve() : payMonth(period));
      // Honghe's month (2025) beside Zhoushan's: other providers, other members.
      const hongheMonth = honghe ? settledLater(honghe.month(monthsOfYear.indexOf(period))) : undefined;
      await inLanes([...byMember.values()], lanes, async (own) => {
        for (const c of own) {
          const memberId = memberIds[c.member]!;
          const bill = { ...c.bill, memberId };
          const res = await api.call('POST', '/v1/claims', await his(c.bill.providerCode), bill, [200, 201, 400, 409]);
          if (res.status >= 400) {
            refused.push({ claimNo: c.bill.claimNo, status: res.status, message: res.body?.error?.message ?? JSON.stringify(res.body) });
          } else {
            const totals = res.body.statement.totals;
            settled.push({
              providerCode: c.bill.providerCode,
              claimNo: c.bill.claimNo,
              memberId,
              visitType: c.bill.visit.type,
              fundPaidFen: totals.fundPaidFen,
            });
            figures.claims++;
            figures.claimsByType[c.bill.visit.type] = (figures.claimsByType[c.bill.visit.type] ?? 0) + 1;
            figures.claimsByMonth![period] = (figures.claimsByMonth![period] ?? 0) + 1;
            figures.billedFen += totals.billedFen;
            figures.fundPaidFen += totals.fundPaidFen;
            for (const [layer, fen] of Object.entries(totals.byLayer as Record<string, number>))
              paidByLayerFen[layer] = (paidByLayerFen[layer] ?? 0) + fen;
          }
          step();
        }
      });
      const t1 = performance.now();
      await paying();
      await hongheMonth?.();
      claimMs += t1 - t0;
      timings.months.push({
        period,
        claims: month.length,
        prepaymentMs: Math.round(t0 - m1),
        claimsMs: Math.round(t1 - t0),
        contributionsMs: Math.round(performance.now() - t1),
      });
      figures.claimsPerSecond = Math.round((figures.claims / (claimMs / 1000)) * 10) / 10;
    }

    // 7. Fraud review: the regulator works the injected patterns' alerts ---------------------------------
    phase('fraud-review');
    await honghe?.finish();
    await queuesIdle(api, ['drgGrouping', 'fraudScoring', 'paymentFacts', 'alertDelivery']);
    const alerts = await listAlerts(api, regulator);
    figures.alerts = alerts.length;
    figures.alertsByTier = {};
    for (const a of alerts) {
      figures.alertsByTier[a.tier ?? 'alert'] = (figures.alertsByTier[a.tier ?? 'alert'] ?? 0) + 1;
      for (const type of new Set((a.rules ?? []).map((r) => r.type)))
        figures.alertsByRuleType[type] = (figures.alertsByRuleType[type] ?? 0) + 1;
    }
    const byClaim = new Map<string, (typeof alerts)[number]>();
    for (const a of alerts) if (a.claim?.claimNo) byClaim.set(`${a.claim.providerCode}/${a.claim.claimNo}`, a);
    const injected: InjectedOutcome[] = claims
      .filter((c) => c.injected)
      .map((c) => {
        const alert = byClaim.get(`${c.bill.providerCode}/${c.bill.claimNo}`);
        const ruleTypes = (alert?.rules ?? []).map((r) => r.type);
        return {
          pattern: c.injected!,
          providerCode: c.bill.providerCode,
          claimNo: c.bill.claimNo,
          ...(alert ? { alertId: alert.alertId, tier: alert.tier } : {}),
          ruleTypes,
          caught: ruleTypes.includes(c.injected!),
        };
      });
    figures.injected = injected.length;
    figures.injectedCaught = injected.filter((i) => i.caught).length;
    // Confirm the duplicate charges with the duplicated test to recover; dismiss one split stay with a note.
    for (const i of injected.filter((x) => x.caught && x.pattern === 'duplicate-charge')) {
      const current = await api.call('GET', `/v1/alerts/${i.alertId}`, regulator);
      if (current.body.status !== 'open') continue;
      await api.call('POST', `/v1/alerts/${i.alertId}/transitions`, regulator, { to: 'investigating', note: '调取病历与检验记录' });
      await api.call('POST', `/v1/alerts/${i.alertId}/transitions`, regulator, {
        to: 'confirmed',
        recoveryFen: 2_000,
        note: '同日重复收取血常规检验费，属实，追回',
      });
    }
    const splitStay = injected.find((x) => x.caught && x.pattern === 'readmission');
    if (splitStay) {
      const current = await api.call('GET', `/v1/alerts/${splitStay.alertId}`, regulator);
      if (current.body.status === 'open') {
        await api.call('POST', `/v1/alerts/${splitStay.alertId}/transitions`, regulator, { to: 'investigating', note: '调阅两次住院病历' });
        await api.call('POST', `/v1/alerts/${splitStay.alertId}/transitions`, regulator, {
          to: 'dismissed',
          note: '经核查病历，患者出院后病情反复，再次住院理由充分',
        });
      }
    }
    step();

    // 8. The year-end, as the schedule fires it on 1 April ---------------------------------------------
    phase('year-end');
    await queuesIdle(api, ['paymentFacts', 'drgGrouping']);
    await api.call('POST', `/_local/schedules/yearEndSettlement?at=${encodeURIComponent(`${YEAR + 1}-03-31T19:00:00Z`)}`, clerk);
    const yearEnd = await until(async () => {
      const res = await api.call('GET', `/v1/runs/year-end/${REGION}/${YEAR}`, clerk, undefined, [200, 404]);
      return res.status === 200 && res.body.run?.summary ? res.body : undefined;
    }, 'the year-end run');
    const summary = yearEnd.run.summary;
    if (summary.pointValue?.yuanPerPoint) figures.pointValue = summary.pointValue.yuanPerPoint;
    figures.staysByPoints = summary.totals?.staysByPoints;
    figures.staysByItems = summary.totals?.staysByItems;
    step();

    progress.done = progress.total;
    figures.timeToReadyMs = Date.now() - started;
    progress.readyAt = new Date().toISOString();
    phase('ready');
    return {
      progress: structuredClone(progress),
      figures,
      injected,
      memberIds,
      refused,
      settled,
      paidByLayerFen,
      timings,
      yearEnd,
      serverErrors: api.serverErrors,
      ...(honghe ? { programmes: { population: honghe.population, memberIds: honghe.memberIds } } : {}),
    };
  } catch (error) {
    progress.error = error instanceof Error ? error.message : String(error);
    phase('failed');
    throw error;
  }
}

/**
 * Chunks of one bulk import in flight at once. One: DynamoDB Local commits transactions one at a time,
 * so a second chunk only makes both slower (measured: 200-row enrolment chunks three at a time ran past
 * the handler's time and were sent again).
 */
const BULK_IN_FLIGHT = 1;

/**
 * Sends `rows` to a bulk route `size` at a time (rows with their row numbers), a few chunks at once
 * (every row stands alone: none of the demo's imports depends on another row of the same import),
 * resending deferred rows.
 */
async function bulk<T extends object>(
  api: DemoClient,
  token: string,
  path: string,
  rows: readonly T[],
  size: number,
  body: (rows: (T & { rowNumber: number })[]) => unknown,
  each: (index: number, outcome: { memberId?: string }) => void,
  inFlight = BULK_IN_FLIGHT,
): Promise<void> {
  const starts = Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => i * size);
  await inLanes(starts, inFlight, async (start) => {
    let pending = rows.slice(start, start + size).map((row, i) => ({ index: start + i, row }));
    while (pending.length > 0) {
      const numbered = pending.map((p, i) => ({ ...p.row, rowNumber: i + 1 }));
      const res = await api.call('POST', path, token, body(numbered));
      const outcomes = res.body.rows as { rowNumber: number; outcome: string; memberId?: string; problems?: unknown[] }[];
      const deferred: typeof pending = [];
      for (const o of outcomes) {
        const p = pending[o.rowNumber - 1]!;
        if (o.outcome === 'deferred') deferred.push(p);
        else if (o.outcome === 'rejected')
          throw new DemoCallFailed(`${path}: row ${p.index + 1} rejected: ${JSON.stringify(o.problems)}`, 400, o);
        else each(p.index, o);
      }
      pending = deferred;
    }
  });
}

/** A JSON-lines file to a bulk route, `size` rows at a time, resending deferred rows. */
async function bulkFile(
  api: DemoClient,
  token: string,
  path: string,
  rows: readonly object[],
  size: number,
  extra: object,
  inFlight = BULK_IN_FLIGHT,
): Promise<void> {
  await bulk(
    api,
    token,
    path,
    rows,
    size,
    (numbered) => ({
      ...extra,
      format: 'jsonl',
      content: numbered.map(({ rowNumber: _n, ...r }) => JSON.stringify(r)).join('\n'),
    }),
    () => undefined,
    inFlight,
  );
}

/**
 * Starts work now and hands back a function that waits for it: a failure surfaces where it is awaited
 * (never as an unhandled rejection while other work goes on).
 */
function settledLater(work: Promise<void>): () => Promise<void> {
  const outcome = work.then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  return async () => {
    const o = await outcome;
    if (o) throw o.error;
  };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Waits until the named queues are empty three polls in a row (a message between the bus and a queue
 * is counted by neither), through the local cloud's own status page.
 */
async function queuesIdle(api: DemoClient, names: readonly string[], timeoutMs = 600_000): Promise<void> {
  let quiet = 0;
  await until(
    async () => {
      const res = await fetch(`${api.baseUrl}/_local/queues`);
      const depths = (await res.json()) as Record<string, { visible: number; inFlight: number }>;
      const busy = names.some((n) => (depths[n]?.visible ?? 0) + (depths[n]?.inFlight ?? 0) > 0);
      quiet = busy ? 0 : quiet + 1;
      return quiet >= 3 ? true : undefined;
    },
    `the queues ${names.join(', ')} to drain`,
    timeoutMs,
  );
}

interface AlertSummary {
  alertId: string;
  tier?: string;
  status: string;
  claim?: { providerCode: string; claimNo: string };
  rules?: { type: string }[];
}

async function listAlerts(api: DemoClient, regulator: string): Promise<AlertSummary[]> {
  const all: AlertSummary[] = [];
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await api.call('GET', `/v1/alerts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, regulator);
    all.push(...(page.body.items as AlertSummary[]));
    cursor = page.body.nextCursor;
  }
  return all;
}

export type { DemoPerson };
