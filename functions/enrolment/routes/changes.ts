/**
 * Staff changes to a member: contributions, categories, transfers, out-of-area registrations.
 * Each answers 201 when it changed something and 200 when the same change was already made.
 */
import { requireRole } from '../../../shared/auth/principal.ts';
import type { ApiRequest, RouteHandler } from '../../../shared/http/api.ts';
import {
  categoryRequestSchema,
  contributionRequestSchema,
  memberParams,
  outOfAreaRequestSchema,
  transferRequestSchema,
} from '../schemas.ts';
import { clockNow, isRefusal, toHttpError, type OperationContext } from '../services/common.ts';
import { recordContribution, registerOutOfArea, setCategory, transferMember } from '../services/changes.ts';
import { categoryView, contributionView, enrolmentView, outOfAreaView } from '../views.ts';

function staffChange(request: ApiRequest): { memberId: string; ctx: OperationContext } {
  requireRole(request.principal(), 'staff');
  const { memberId } = request.params(memberParams);
  return { memberId, ctx: { clock: clockNow(), correlationId: request.correlationId, logger: request.logger } };
}

export const contributionRoute: RouteHandler = async (request) => {
  const { memberId, ctx } = staffChange(request);
  const result = await recordContribution(memberId, request.body(contributionRequestSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'recorded' ? 201 : 200,
    body: { outcome: result.outcome, contribution: contributionView(result.contribution), enrolment: enrolmentView(result.enrolment) },
  };
};

export const categoryRoute: RouteHandler = async (request) => {
  const { memberId, ctx } = staffChange(request);
  const result = await setCategory(memberId, request.body(categoryRequestSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'unchanged' ? 200 : 201,
    body: {
      outcome: result.outcome,
      category: categoryView(result.category),
      recomputedEnrolments: result.outcome === 'unchanged' ? [] : result.recomputed.map((r) => enrolmentView(r.enrolment)),
    },
  };
};

export const transferRoute: RouteHandler = async (request) => {
  const { memberId, ctx } = staffChange(request);
  const result = await transferMember(memberId, request.body(transferRequestSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'transferred' ? 201 : 200,
    body: { outcome: result.outcome, from: enrolmentView(result.from), to: enrolmentView(result.to) },
  };
};

export const outOfAreaRoute: RouteHandler = async (request) => {
  const { memberId, ctx } = staffChange(request);
  const result = await registerOutOfArea(memberId, request.body(outOfAreaRequestSchema), ctx);
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'unchanged' ? 200 : 201,
    body: { outcome: result.outcome, registration: outOfAreaView(result.registration) },
  };
};
