/**
 * Households (家庭): staff with `registers:write` register a household with its head, add and remove
 * members with dates, change the head, and import a household file; staff and the region's
 * regulators read a household with its history. Writes answer 201 when they changed something and
 * 200 when the same change was already made.
 */
import * as z from 'zod';
import { requireRole } from '../../../shared/auth/principal.ts';
import { badRequest } from '../../../shared/http/errors.ts';
import type { ApiRequest, RouteHandler } from '../../../shared/http/api.ts';
import { MAX_ROWS_PER_REQUEST } from '../../../shared/enrolment/bulk.ts';
import { refuse } from '../../../shared/enrolment/problems.ts';
import {
  addMemberSchema,
  changeHeadSchema,
  createHouseholdSchema,
  householdIdSchema,
  removeMemberSchema,
} from '../../../shared/households/household.ts';
import { membershipsOf, type Actor } from '../../../shared/households/household.ts';
import { readHousehold } from '../../../shared/households/store/register.ts';
import { readMemberItems } from '../../../shared/enrolment/store/members.ts';
import { requireRegionVisible } from '../access.ts';
import { memberIdSchema, memberParams } from '../schemas.ts';
import { clockNow, isRefusal, memberNotFound, toHttpError, type OperationContext } from '../services/common.ts';
import { runHouseholdBulk } from '../services/household-bulk.ts';
import {
  addHouseholdMember,
  changeHouseholdHead,
  createHousehold,
  householdView,
  removeHouseholdMember,
  type HouseholdDone,
} from '../services/households.ts';

export const householdParams = z.object({ householdId: householdIdSchema });
export const householdMemberParams = z.object({ householdId: householdIdSchema, memberId: memberIdSchema });
export const householdBulkSchema = z
  .strictObject({
    format: z.enum(['csv', 'jsonl']),
    content: z.string().min(1).max(5_000_000).meta({ description: 'A whole CSV or JSON-lines household file (up to 1,000 rows)' }),
  })
  .meta({ id: 'HouseholdBulkRequest' });

/** Rows are started only within this budget; the rest come back `deferred` (send them again). */
const TIME_BUDGET_MS = 12_000;

function writer(request: ApiRequest): { by: Actor; ctx: OperationContext } {
  const principal = request.principal();
  requireRole(principal, 'staff');
  return {
    by: { role: 'staff', sub: principal.sub },
    ctx: { clock: clockNow(), correlationId: request.correlationId, logger: request.logger },
  };
}

function answer(result: HouseholdDone | ReturnType<typeof refuse>, request: ApiRequest) {
  if (isRefusal(result)) throw toHttpError(result);
  request.logger.info('Household', {
    householdId: result.household.householdId,
    outcome: result.outcome,
    version: result.household.version,
  });
  return {
    statusCode: result.outcome === 'unchanged' ? 200 : 201,
    body: { outcome: result.outcome, household: householdView(result.household) },
  };
}

export const createHouseholdRoute: RouteHandler = async (request) => {
  const { by, ctx } = writer(request);
  return answer(await createHousehold(request.body(createHouseholdSchema), by, ctx), request);
};

export const addHouseholdMemberRoute: RouteHandler = async (request) => {
  const { by, ctx } = writer(request);
  const { householdId } = request.params(householdParams);
  return answer(await addHouseholdMember(householdId, request.body(addMemberSchema), by, ctx), request);
};

export const removeHouseholdMemberRoute: RouteHandler = async (request) => {
  const { by, ctx } = writer(request);
  const { householdId, memberId } = request.params(householdMemberParams);
  return answer(await removeHouseholdMember(householdId, memberId, request.body(removeMemberSchema), by, ctx), request);
};

export const changeHouseholdHeadRoute: RouteHandler = async (request) => {
  const { by, ctx } = writer(request);
  const { householdId } = request.params(householdParams);
  return answer(await changeHouseholdHead(householdId, request.body(changeHeadSchema), by, ctx), request);
};

/**
 * GET /v1/households/{householdId}: the household, every membership and the append-only history of
 * its memberships (the member register `households`: who changed what, when, and the entry after it).
 */
export const getHouseholdRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const { householdId } = request.params(householdParams);
  const { household, history } = await readHousehold(householdId);
  const missing = () =>
    toHttpError(refuse(404, [{ field: 'path.householdId', rule: 'not_found', message: `no household ${householdId}` }]));
  if (!household) throw missing();
  requireRegionVisible(principal, [household.region], missing);
  return {
    statusCode: 200,
    body: {
      household: householdView(household),
      history: history.map((h) => ({
        memberId: h.memberId,
        entryId: h.entryId,
        version: h.version,
        change: h.change,
        at: h.at,
        by: { role: h.by.role, sub: h.by.sub },
        ...(h.reason ? { reason: h.reason } : {}),
        after: h.after,
      })),
    },
  };
};

/** GET /v1/members/{memberId}/households: the households a member has belonged to, dated (staff). */
export const memberHouseholdsRoute: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff');
  const { memberId } = request.params(memberParams);
  const items = await readMemberItems(memberId);
  if (!items.member) throw toHttpError(memberNotFound(memberId));
  return { statusCode: 200, body: { memberId, memberships: membershipsOf(items.registers) } };
};

/** POST /v1/households/bulk: a household file, applied row by row, with a row-by-row report. */
export const importHouseholdsRoute: RouteHandler = async (request) => {
  const { by, ctx } = writer(request);
  const body = request.body(householdBulkSchema);
  const lines = body.content.split('\n').filter((l) => l.trim() !== '').length - (body.format === 'csv' ? 1 : 0);
  if (lines > MAX_ROWS_PER_REQUEST) {
    const message = `at most ${MAX_ROWS_PER_REQUEST} rows per request; send a larger file in chunks`;
    throw badRequest(`body.content: ${message}`, { problems: [{ field: 'body.content', rule: 'too_many_rows', message }] });
  }
  const report = await runHouseholdBulk(body.content, body.format, by, ctx, Date.now() + TIME_BUDGET_MS);
  request.logger.info('Household bulk', {
    received: report.received,
    written: report.written,
    unchanged: report.unchanged,
    rejected: report.rejected,
  });
  return { statusCode: 200, body: report };
};
