/** Monthly care claims (长护月度结算) and the month's report: the routes under /v1/ltc/care-claims and /v1/ltc/reports. */
import { CareClaimFlagged, CareClaimReversed, CareClaimSettled } from '../../events/long-term-care.ts';
import { type Principal, requireRole } from '../../shared/auth/principal.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import type { ApiRequest } from '../../shared/http/api.ts';
import { conflict, forbidden, notFound } from '../../shared/http/errors.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import { levelOn } from '../../shared/long-term-care/assessment.ts';
import { daysOf, settleCareClaim, type CareClaimInput, type CareStatement } from '../../shared/long-term-care/care-claim.ts';
import { LEVELS } from '../../shared/long-term-care/grading-standard.ts';
import { CARE_SETTINGS, type LongTermCarePolicy } from '../../shared/long-term-care/policy.ts';
import {
  deathOf,
  fundLedgerOf,
  levelsOf,
  levelsOfRegion,
  readCareClaim,
  occupancyWrite,
  readLedger,
  readOccupancy,
  regionMonth,
  staysOf,
  writeReversal,
  writeSettlement,
  type CareClaimRecord,
} from '../../shared/long-term-care/store/records.ts';
import { longTermCareKind } from '../../shared/policy/long-term-care.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { careClaimSchema, claimParams, fundReportParams, fundReportQuery, reportParams, reversalSchema } from './schemas.ts';
import { csvResponse } from '../../shared/budget/http-text.ts';
import { toCsv } from '../../shared/budget/report.ts';
import { fenToYuan } from '../../shared/money/fen.ts';
import { FUNDING_SOURCES, fundReport, type FundReport } from '../../shared/long-term-care/funding.ts';
import { coverOn, digestOf, institutionOn, monthDays, policyOn } from './service.ts';
import type { RouteTableOf } from '../../shared/http/api.ts';
import { actorOf, logger, now, replay, warn } from './common.ts';

async function claimOr404(providerCode: string, memberId: string, month: string, reader?: Principal): Promise<CareClaimRecord> {
  const c = await readCareClaim(providerCode, memberId, month);
  if (!c || (reader && !claimVisible(reader, c)))
    throw notFound(`no care claim of ${providerCode} for ${memberId} in ${month}`, { field: 'month', rule: 'not_found' });
  return c;
}

/** Staff, the claim's institution, a regulator of its region: anyone else gets exactly the missing claim's 404. */
function claimVisible(p: Principal, c: CareClaimRecord): boolean {
  if (p.role === 'staff') return true;
  if (p.role === 'provider') return p.providerCode === c.providerCode;
  return p.region === c.region;
}

const claimView = (c: CareClaimRecord) => {
  const { request: _r, requestDigest: _d, ...rest } = c;
  return {
    ...rest,
    findings: [...c.statement.findings.map((f) => ({ ...f, when: 'at-settlement' as const })), ...(c.laterFindings ?? [])],
  };
};

function claimEvents(c: CareClaimRecord, correlationId: string): OutboxEntry[] {
  const s = c.statement;
  const ref = { providerCode: c.providerCode, memberId: c.memberId, month: c.month };
  const base = `care-claim/${c.providerCode}/${c.memberId}/${c.month}/${c.settlementNo}`;
  return [
    outboxEntry(
      CareClaimSettled,
      {
        claim: ref,
        region: c.region,
        settlementNo: c.settlementNo,
        ...(s.level !== undefined ? { level: s.level } : {}),
        totals: s.totals,
        bySetting: s.lines.map((l) => ({
          setting: l.setting,
          fundPaidFen: l.fundPaidFen,
          memberPaidFen: l.memberPaidFen,
          refusedFen: l.refusedFen,
        })),
        rulesHit: s.findings.map((f) => f.rule),
        policyVersion: s.policyVersion,
      },
      correlationId,
      `${base}/CareClaimSettled`,
      c.settledAt,
    ),
    ...s.findings.map((f) =>
      outboxEntry(
        CareClaimFlagged,
        {
          claim: ref,
          region: c.region,
          settlementNo: c.settlementNo,
          rule: f.rule,
          action: f.action,
          severity: f.severity,
          when: 'at-settlement',
          ...(f.dates ? { dates: f.dates } : {}),
          message: f.message.slice(0, 500),
        },
        correlationId,
        `${base}/${f.rule}/CareClaimFlagged`,
        c.settledAt,
      ),
    ),
  ];
}

/** Every day the claim bills, in order. */
function claimDays(input: CareClaimInput): string[] {
  const days = new Set<string>([
    ...(input.institutional?.periods.flatMap(daysOf) ?? []),
    ...(input.homeCare?.visits.map((v) => v.date) ?? []),
    ...(input.familyCarer?.periods.flatMap(daysOf) ?? []),
  ]);
  return [...days].sort();
}

async function settleClaim(request: ApiRequest, principal: Principal) {
  // The role first: a caller who may not submit at all learns that, not what its body lacks.
  if (principal.role === 'regulator') throw forbidden('regulators read care claims; institutions and staff submit them');
  const body = request.body(careClaimSchema);
  if (principal.role === 'provider' && principal.providerCode !== body.providerCode)
    throw forbidden(`The caller may not act for provider ${body.providerCode}`, { field: 'body.providerCode' });
  const { providerCode, memberId, month } = body;
  const input: CareClaimInput = body;
  const digest = digestOf(input);
  const previous = await readCareClaim(providerCode, memberId, month);
  if (previous?.state === 'settled') {
    if (previous.requestDigest === digest) {
      await deliverWaiting(
        claimEvents(previous, request.correlationId).map((e) => e.key),
        warn,
      );
      return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', claim: claimView(previous) } };
    }
    throw fieldRefusal(409, [
      {
        field: 'body.month',
        rule: 'already_settled',
        message: `${providerCode}'s ${month} for ${memberId} is settled (settlement ${previous.settlementNo}) with other content: reverse it first`,
      },
    ]);
  }
  const firstDay = `${month}-01`;
  const institution = await institutionOn(providerCode, firstDay);
  if (!institution)
    throw fieldRefusal(409, [
      { field: 'body.providerCode', rule: 'not_certified', message: `${providerCode} is not a certified care institution in ${month}` },
    ]);
  const billed = CARE_SETTINGS.filter((s) =>
    s === 'institutional' ? input.institutional : s === 'home-care' ? input.homeCare : input.familyCarer,
  );
  const uncertified = billed.filter((s) => !institution.settings.includes(s));
  if (uncertified.length)
    throw fieldRefusal(
      409,
      uncertified.map((s) => ({
        field: `body.${s === 'home-care' ? 'homeCare' : s === 'family-carer' ? 'familyCarer' : s}`,
        rule: 'setting_not_certified',
        message: `${providerCode} is not certified for ${s}`,
      })),
    );
  const policyCache = new Map<string, Promise<LongTermCarePolicy | undefined>>();
  const policyFor = (region: string, date: string) => {
    const key = `${region}#${date.slice(0, 4)}`;
    if (!policyCache.has(key))
      policyCache.set(key, policies.inForce(longTermCareKind, { region, year: Number(date.slice(0, 4)) }, firstDay));
    return policyCache.get(key)!;
  };
  const days = claimDays(input);
  const cover = await coverOn(memberId, days, policyFor);
  if (!cover.exists)
    throw notFound(`no member ${memberId} in the register`, {
      problems: [{ field: 'body.memberId', rule: 'not_found', message: 'no such member' }],
    });
  const region = cover.region ?? institution.region;
  const policy = await policyOn(region, firstDay, 'body.month');
  const [levels, stays, deathDate] = await Promise.all([levelsOf(memberId), staysOf(memberId), deathOf(memberId)]);
  // The beds rule reads the institution's month and writes it back in the settling transaction,
  // conditional on the version read: of claims settled at the same moment, one commits and the
  // others are judged again on the count it left (issue 15: the count is exact under concurrency).
  for (let attempt = 1; ; attempt++) {
    const occupancy = input.institutional ? await readOccupancy(providerCode, month) : undefined;
    const statement: CareStatement = settleCareClaim(input, {
      policy,
      levels,
      coveredDays: cover.covered,
      stays,
      deathDate,
      institution,
      otherInstitutionalMembers: occupancy ? occupancy.members.filter((m) => m !== memberId).length : 0,
    });
    const at = now();
    const record: CareClaimRecord = {
      providerCode,
      memberId,
      month,
      region,
      state: 'settled',
      settlementNo: (previous?.settlementNo ?? 0) + 1,
      request: input,
      requestDigest: digest,
      statement,
      institutional: input.institutional !== undefined && statement.lines.some((l) => l.setting === 'institutional' && l.paidQuantity > 0),
      settledAt: at,
      settledBy: actorOf(principal).id,
    };
    const events = claimEvents(record, request.correlationId);
    const written = await writeSettlement(record, previous, events, occupancy && occupancyWrite(occupancy, memberId, record.institutional));
    if (written.ok) {
      await deliverAfterCommit(events, warn);
      logger.info('Care claim settled', {
        providerCode,
        memberId,
        month,
        settlementNo: record.settlementNo,
        fundPaidFen: statement.totals.fundPaidFen,
        rulesHit: statement.findings.map((f) => f.rule),
        ...(attempt > 1 ? { attempts: attempt } : {}),
      });
      return { statusCode: 201, body: { outcome: 'settled', claim: claimView(record) } };
    }
    if (occupancy && countMoved(written.reasons) && attempt < OCCUPANCY_ATTEMPTS) {
      await pause(attempt);
      continue;
    }
    const now2 = await readCareClaim(providerCode, memberId, month);
    if (now2?.state === 'settled' && now2.requestDigest === digest)
      return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', claim: claimView(now2) } };
    throw fieldRefusal(409, [
      { field: 'body.month', rule: 'changed', message: 'the claim was settled or reversed meanwhile: read it and send again' },
    ]);
  }
}

/** Simultaneous claims of one institution's month each commit within this many rounds (one commits per round). */
const OCCUPANCY_ATTEMPTS = 12;

/** Whether a cancelled settlement lost only the race for the institution's count (its claim item itself held). */
const countMoved = (reasons: string[]): boolean =>
  reasons[0] !== 'ConditionalCheckFailed' && (reasons.at(-1) === 'ConditionalCheckFailed' || reasons.includes('TransactionConflict'));

/** A short, spread wait before judging again, so the losers of a round do not collide again at once. */
const pause = (attempt: number) => new Promise((done) => setTimeout(done, 5 + Math.floor(Math.random() * 20 * attempt)));
export const claimRoutes: Pick<
  RouteTableOf<'longTermCare'>,
  'submitCareClaim' | 'getCareClaim' | 'reverseCareClaim' | 'getCareReport' | 'getCareFundReport'
> = {
  submitCareClaim: async (request) => settleClaim(request, request.principal()),

  getCareClaim: async (request) => {
    const principal = request.principal();
    const { providerCode, memberId, month } = request.params(claimParams);
    const c = await claimOr404(providerCode, memberId, month, principal);
    return { statusCode: 200, body: { claim: claimView(c), ledger: await readLedger(providerCode, memberId, month) } };
  },

  reverseCareClaim: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { providerCode, memberId, month } = request.params(claimParams);
    const body = request.body(reversalSchema);
    const c = await claimOr404(providerCode, memberId, month);
    if (c.state === 'reversed') return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', claim: claimView(c) } };
    const at = now();
    const reversed: CareClaimRecord = { ...c, state: 'reversed', reversal: { at, by: principal.sub, reason: body.reason } };
    const event = outboxEntry(
      CareClaimReversed,
      {
        claim: { providerCode, memberId, month },
        region: c.region,
        settlementNo: c.settlementNo,
        reason: body.reason,
        totals: c.statement.totals,
      },
      request.correlationId,
      `care-claim/${providerCode}/${memberId}/${month}/${c.settlementNo}/CareClaimReversed`,
      at,
    );
    // A member billed for institutional care leaves the institution's count, conditional on the version read.
    for (let attempt = 1; ; attempt++) {
      const occupancy = c.institutional ? await readOccupancy(providerCode, month) : undefined;
      const written = await writeReversal(reversed, [event], occupancy && occupancyWrite(occupancy, memberId, false));
      if (written.ok) break;
      if (occupancy && countMoved(written.reasons) && attempt < OCCUPANCY_ATTEMPTS) {
        await pause(attempt);
        continue;
      }
      throw conflict('the claim changed meanwhile: read it and send again', { field: 'month', rule: 'changed' });
    }
    await deliverAfterCommit([event], warn);
    logger.info('Care claim reversed', { providerCode, memberId, month, settlementNo: c.settlementNo });
    return { statusCode: 200, body: { outcome: 'reversed', claim: claimView(reversed) } };
  },

  getCareFundReport: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'regulator');
    const { region, year } = request.params(fundReportParams);
    const { format } = request.query(fundReportQuery);
    if (principal.role === 'regulator' && principal.region !== region)
      throw forbidden(`the caller regulates region ${principal.region}`, { field: 'region' });
    const report = fundReport(await fundLedgerOf(region, year));
    if (format === 'csv')
      return csvResponse(
        toCsv(fundReportColumns, [
          ...report.months,
          {
            month: 'total',
            incomeFen: report.income.totalFen,
            spendingFen: report.spending.totalFen,
            bySource: report.income.bySource,
            bySetting: report.spending.bySetting,
          },
        ]),
        `ltc-fund-${region}-${year}.csv`,
      );
    return { statusCode: 200, body: { region, year, ...report } };
  },

  getCareReport: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'regulator');
    const { region, month } = request.params(reportParams);
    if (principal.role === 'regulator' && principal.region !== region)
      throw forbidden(`the caller regulates region ${principal.region}`, { field: 'region' });
    const lastDay = monthDays(month).at(-1)!;
    const [{ claims, funding }, results] = await Promise.all([regionMonth(region, month), levelsOfRegion(region)]);
    // Members by level: each member's level in force on the month's last day.
    const byMember = new Map<string, typeof results>();
    for (const r of results) byMember.set(r.memberId, [...(byMember.get(r.memberId) ?? []), r]);
    const membersByLevel = Object.fromEntries(LEVELS.map((l) => [String(l), 0]));
    for (const records of byMember.values()) {
      const l = levelOn(records, lastDay);
      if (l) membersByLevel[String(l.level)]! += 1;
    }
    const settled = claims.filter((c) => c.state === 'settled');
    const spending = Object.fromEntries(
      CARE_SETTINGS.map((s) => [s, { claims: 0, billedFen: 0, fundPaidFen: 0, memberPaidFen: 0, refusedFen: 0 }]),
    );
    const findings: Record<string, number> = {};
    for (const c of settled) {
      for (const l of c.statement.lines) {
        const t = spending[l.setting]!;
        t.claims += 1;
        t.billedFen += l.billedFen;
        t.fundPaidFen += l.fundPaidFen;
        t.memberPaidFen += l.memberPaidFen;
        t.refusedFen += l.refusedFen;
      }
      for (const f of [...c.statement.findings, ...(c.laterFindings ?? [])]) findings[f.rule] = (findings[f.rule] ?? 0) + 1;
    }
    const sum = (k: 'employerFen' | 'individualFen' | 'basicFundTransferFen' | 'governmentSubsidyFen') =>
      funding.reduce((s, f) => s + f[k], 0);
    const income = {
      members: funding.length,
      employerFen: sum('employerFen'),
      individualFen: sum('individualFen'),
      basicFundTransferFen: sum('basicFundTransferFen'),
      governmentSubsidyFen: sum('governmentSubsidyFen'),
    };
    return {
      statusCode: 200,
      body: {
        region,
        month,
        membersByLevel: { onDate: lastDay, ...membersByLevel },
        spendingBySetting: spending,
        fund: {
          income: {
            ...income,
            totalFen: income.employerFen + income.individualFen + income.basicFundTransferFen + income.governmentSubsidyFen,
          },
          paidFen: settled.reduce((s, c) => s + c.statement.totals.fundPaidFen, 0),
        },
        claims: { settled: settled.length, reversed: claims.length - settled.length },
        findingsByRule: findings,
      },
    };
  },
};

type FundRow = FundReport['months'][number];

/** The fund report as CSV: a row per month and a total row, in yuan (income by source, spending by setting). */
const fundReportColumns: readonly (readonly [string, (r: FundRow) => string | number | null])[] = [
  ['month', (r) => r.month],
  ...FUNDING_SOURCES.map((s) => [`income_${s.replaceAll('-', '_')}_yuan`, (r: FundRow) => fenToYuan(r.bySource[s])] as const),
  ['income_yuan', (r) => fenToYuan(r.incomeFen)],
  ...CARE_SETTINGS.map((s) => [`spending_${s.replaceAll('-', '_')}_yuan`, (r: FundRow) => fenToYuan(r.bySetting[s])] as const),
  ['spending_yuan', (r) => fenToYuan(r.spendingFen)],
  ['balance_yuan', (r) => fenToYuan(r.incomeFen - r.spendingFen)],
];
