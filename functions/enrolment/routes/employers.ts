/**
 * The employee scheme's collection side: the employer register, a member's employment status, and
 * monthly contributions one by one or from a file. Changes need staff with `contributions:write`;
 * reads are for staff and a regulator (its own region). Each change answers 201 when it wrote
 * something and 200 when the same was already recorded.
 */
import { requireRole } from '../../../shared/auth/principal.ts';
import type { ApiRequest, RouteHandler } from '../../../shared/http/api.ts';
import { badRequest, notFound } from '../../../shared/http/errors.ts';
import { readBulkText, type RejectedRow } from '../../../shared/enrolment/bulk.ts';
import { zodProblems, type Refused } from '../../../shared/enrolment/problems.ts';
import { readMemberItems } from '../../../shared/enrolment/store/members.ts';
import { contributionRowInput, contributionRowSchema, MAX_CONTRIBUTION_ROWS } from '../../../shared/employers/bulk.ts';
import type { EmployerItem, EmploymentItem, MonthlyContributionItem } from '../../../shared/employers/items.ts';
import { listEmployers, readEmployerHistory } from '../../../shared/employers/store/records.ts';
import { coverageTermsOf, employeeYear } from '../../../shared/employers/year.ts';
import { enrolmentKind } from '../../../shared/policy/enrolment.ts';
import { policies } from '../../../shared/policy/store/registry.ts';
import { requireRegionVisible } from '../access.ts';
import {
  contributionBulkRequestSchema,
  employeeContributionsQuery,
  employerChangeSchema,
  employerListQuery,
  employerParams,
  employerRequestSchema,
  employmentRequestSchema,
  monthlyContributionRequestSchema,
} from '../employer-schemas.ts';
import { memberParams } from '../schemas.ts';
import { clockNow, isRefusal, memberNotFound, toHttpError } from '../services/common.ts';
import {
  changeEmployer,
  memberOfRow,
  recordEmployeeContribution,
  recordEmployment,
  registerEmployer,
  type RecordingContext,
} from '../services/employers.ts';
import { pageCursor } from '../../../shared/http/cursor.ts';

function recorder(request: ApiRequest): RecordingContext {
  const principal = request.principal();
  requireRole(principal, 'staff');
  return { clock: clockNow(), correlationId: request.correlationId, logger: request.logger, by: principal.sub };
}

const employerView = (e: EmployerItem) => ({
  creditCode: e.creditCode,
  name: e.name,
  region: e.region,
  status: e.status,
  validFrom: e.validFrom,
  revision: e.revision,
  registeredAt: e.registeredAt,
  updatedAt: e.updatedAt,
});

const employmentView = ({ pk: _pk, sk: _sk, kind: _kind, memberId: _m, recordedBy: _by, ...rest }: EmploymentItem) => rest;
export const monthlyContributionView = ({
  pk: _pk,
  sk: _sk,
  kind: _kind,
  memberId: _m,
  recordedBy: _by,
  ...rest
}: MonthlyContributionItem) => rest;

/** POST /v1/employers: register an employer (统一社会信用代码 checked by GB 32100). */
export const registerEmployerRoute: RouteHandler = async (request) => {
  const ctx = recorder(request);
  const result = await registerEmployer(request.body(employerRequestSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'registered' ? 201 : 200,
    body: { outcome: result.outcome, employer: employerView(result.employer) },
  };
};

/** PUT /v1/employers/{creditCode}: a change (name, region, status), appended to the employer's history. */
export const changeEmployerRoute: RouteHandler = async (request) => {
  const ctx = recorder(request);
  const { creditCode } = request.params(employerParams);
  const result = await changeEmployer(creditCode, request.body(employerChangeSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'changed' ? 201 : 200,
    body: { outcome: result.outcome, employer: employerView(result.employer) },
  };
};

/** GET /v1/employers/{creditCode}: the employer and its whole history. */
export const getEmployerRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const { creditCode } = request.params(employerParams);
  const { employer, revisions } = await readEmployerHistory(creditCode);
  const missing = () =>
    notFound(`No employer ${creditCode} is registered`, {
      problems: [{ field: 'path.creditCode', rule: 'not_found', message: `no employer ${creditCode}` }],
    });
  if (!employer) throw missing();
  requireRegionVisible(principal, [employer.region, ...revisions.map((r) => r.region)], missing);
  return {
    statusCode: 200,
    body: {
      employer: employerView(employer),
      history: revisions.map(({ revision, change, name, region, status, validFrom, reason, recordedAt, recordedBy }) => ({
        revision,
        change,
        name,
        region,
        status,
        validFrom,
        ...(reason ? { reason } : {}),
        recordedAt,
        recordedBy,
      })),
    },
  };
};

/** A region's employers' page cursor (index byRegionYear, gsi2pk = EMPLOYERS#<region>). */
const employersCursor = pageCursor(['pk', 'sk', 'gsi2pk', 'gsi2sk']);
const encodeCursor = employersCursor.encode;
const decodeCursor = (cursor: string, region: string) => employersCursor.decode(cursor, { gsi2pk: `EMPLOYERS#${region}` });

/** GET /v1/employers?region=: a region's employers, paged. */
export const listEmployersRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const query = request.query(employerListQuery);
  requireRegionVisible(principal, [query.region]);
  const page = await listEmployers(query.region, query.limit, query.cursor ? decodeCursor(query.cursor, query.region) : undefined);
  return {
    statusCode: 200,
    body: { region: query.region, employers: page.items.map(employerView), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) },
  };
};

/** POST /v1/members/{memberId}/employment: in service with an employer, flexible, or retired, from a date. */
export const recordEmploymentRoute: RouteHandler = async (request) => {
  const ctx = recorder(request);
  const { memberId } = request.params(memberParams);
  const result = await recordEmployment(memberId, request.body(employmentRequestSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'recorded' ? 201 : 200,
    body: {
      outcome: result.outcome,
      employment: employmentView(result.employment),
      ...(result.outcome === 'recorded' && result.ended ? { ended: employmentView(result.ended.item) } : {}),
    },
  };
};

/** POST /v1/members/{memberId}/employee-contributions: one month's contribution. */
export const recordEmployeeContributionRoute: RouteHandler = async (request) => {
  const ctx = recorder(request);
  const { memberId } = request.params(memberParams);
  const result = await recordEmployeeContribution(memberId, request.body(monthlyContributionRequestSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'recorded' ? 201 : 200,
    body: { outcome: result.outcome, contribution: monthlyContributionView(result.contribution) },
  };
};

/** GET /v1/members/{memberId}/employee-contributions?year=: the year month by month, with coverage. */
export const getEmployeeContributionsRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const { memberId } = request.params(memberParams);
  const { year } = request.query(employeeContributionsQuery);
  const items = await readMemberItems(memberId);
  if (!items.member) throw toHttpError(memberNotFound(memberId));
  const enrolments = items.enrolments.filter((e) => e.year === year);
  requireRegionVisible(
    principal,
    enrolments.map((e) => e.region),
    () => toHttpError(memberNotFound(memberId)),
  );
  const employeeEnrolment = enrolments.filter((e) => e.scheme === 'employee').at(-1);
  const today = clockNow().today;
  const monthly = employeeEnrolment
    ? (await policies.forYear(enrolmentKind, employeeEnrolment.region, year, today))?.employee.monthly
    : undefined;
  const view = employeeYear(items, year, monthly ? coverageTermsOf(monthly) : undefined, today);
  return {
    statusCode: 200,
    body: {
      memberId,
      year,
      months: view.months.map((m) => ({ ...m, ...(m.contribution ? { contribution: monthlyContributionView(m.contribution) } : {}) })),
      totals: view.totals,
      arrearsMonths: view.arrearsMonths,
    },
  };
};

type RowReport =
  | { rowNumber: number; outcome: 'recorded' | 'unchanged' | 'valid'; memberId: string; month: string; contributionKind: string }
  | { rowNumber: number; outcome: 'rejected'; status: number; problems: Refused['problems'] };

const ROW_CONCURRENCY = 8;

/**
 * POST /v1/employee-contributions/bulk: a monthly contribution file (CSV or JSON-lines) from an
 * employer or the tax bureau. Each row is checked and written as a single request would be, in its
 * own transaction (whole or not at all); a rejected row names its row, column and rule; a row
 * already recorded is `unchanged`, so importing the file again changes nothing.
 */
export const importEmployeeContributionsRoute: RouteHandler = async (request) => {
  const base = recorder(request);
  const body = request.body(contributionBulkRequestSchema);
  const ctx: RecordingContext = { ...base, dryRun: body.dryRun };
  const { rows, unreadable } = readBulkText(body.content, body.format);
  if (rows.length + unreadable.length > MAX_CONTRIBUTION_ROWS) {
    const message = `at most ${MAX_CONTRIBUTION_ROWS} rows per request; send a larger file in parts`;
    throw badRequest(`body.content: ${message}`, { problems: [{ field: 'body.content', rule: 'too_many_rows', message }] });
  }
  const reports: RowReport[] = unreadable.map((r: RejectedRow) => ({
    rowNumber: r.rowNumber,
    outcome: 'rejected',
    status: 400,
    problems: r.problems,
  }));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      const parsed = contributionRowSchema.safeParse(contributionRowInput(row.record));
      if (!parsed.success) {
        reports.push({ rowNumber: row.rowNumber, outcome: 'rejected', status: 400, problems: zodProblems(parsed.error.issues) });
        continue;
      }
      const { idNumber, memberId: givenId, ...contribution } = parsed.data;
      const memberId = await memberOfRow({ idNumber, memberId: givenId }, ctx.clock.today);
      const result = typeof memberId === 'string' ? await recordEmployeeContribution(memberId, contribution, ctx) : memberId;
      if (isRefusal(result))
        reports.push({ rowNumber: row.rowNumber, outcome: 'rejected', status: result.status, problems: result.problems });
      else
        reports.push({
          rowNumber: row.rowNumber,
          outcome: result.outcome,
          memberId: memberId as string,
          month: result.contribution.month,
          contributionKind: result.contribution.contributionKind,
        });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ROW_CONCURRENCY, rows.length) }, worker));
  reports.sort((a, b) => a.rowNumber - b.rowNumber);
  const count = (outcome: RowReport['outcome']) => reports.filter((r) => r.outcome === outcome).length;
  const report = {
    dryRun: body.dryRun,
    received: rows.length + unreadable.length,
    recorded: count('recorded'),
    unchanged: count('unchanged'),
    valid: count('valid'),
    rejected: count('rejected'),
    rows: reports,
  };
  request.logger.info('Employee contribution file', { ...report, rows: undefined });
  return { statusCode: 200, body: report };
};

export const employerRoutes = {
  registerEmployer: registerEmployerRoute,
  listEmployers: listEmployersRoute,
  getEmployer: getEmployerRoute,
  changeEmployer: changeEmployerRoute,
  recordEmployment: recordEmploymentRoute,
  recordEmployeeContribution: recordEmployeeContributionRoute,
  getEmployeeContributions: getEmployeeContributionsRoute,
  importEmployeeContributions: importEmployeeContributionsRoute,
};
