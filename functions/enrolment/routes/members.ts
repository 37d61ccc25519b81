/**
 * Enrol, read, list by region, and find by ID number.
 */
import { requireRole } from '../../../shared/auth/principal.ts';
import { randomUUID } from 'node:crypto';
import { MemberLookedUp } from '../../../events/enrolment.ts';
import { deliverAfterCommit, outboxEntry } from '../../../shared/events/outbox.ts';
import { lookupWindow, PROVIDER_LOOKUPS_PER_MINUTE, secondsToNextWindow } from '../../../shared/enrolment/lookup-limit.ts';
import { recordLookup } from '../../../shared/enrolment/store/lookups.ts';
import { badRequest, notFound, tooManyRequests } from '../../../shared/http/errors.ts';
import type { RouteHandler } from '../../../shared/http/api.ts';
import { checkIdNumber } from '../../../shared/enrolment/id-number.ts';
import { idHash } from '../../../shared/enrolment/identity.ts';
import { idHashSecret } from '../../../shared/enrolment/secret.ts';
import { findMemberIdByIdHash, listRegionYear, readMemberItems } from '../../../shared/enrolment/store/members.ts';
import { requireRegionVisible } from '../access.ts';
import { enrolmentRequestSchema, listQuery, lookupRequestSchema, memberParams } from '../schemas.ts';
import { clockNow, isRefusal, memberNotFound, toHttpError } from '../services/common.ts';
import { enrolMember } from '../services/enrol.ts';
import { categoryView, contributionView, enrolmentView, memberView, outOfAreaView } from '../views.ts';
import { pageCursor } from '../../../shared/http/cursor.ts';

/** POST /v1/members: staff enrol a person for a year. 201 when enrolled, 200 when it was already done. */
export const enrolRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const body = request.body(enrolmentRequestSchema);
  const result = await enrolMember(body, { clock: clockNow(), correlationId: request.correlationId, logger: request.logger });
  if (isRefusal(result)) throw toHttpError(result);
  request.logger.info('Enrolment', {
    outcome: result.outcome,
    memberId: result.member.memberId,
    enrolmentId: result.enrolment.enrolmentId,
  });
  return {
    statusCode: result.outcome === 'enrolled' ? 201 : 200,
    body: { outcome: result.outcome, member: memberView(result.member, principal), enrolment: enrolmentView(result.enrolment) },
  };
};

/** GET /v1/members/{memberId}: the member's whole record (staff; a regulator for members enrolled in its region). */
export const memberRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const { memberId } = request.params(memberParams);
  const items = await readMemberItems(memberId);
  if (!items.member) throw toHttpError(memberNotFound(memberId));
  requireRegionVisible(
    principal,
    items.enrolments.map((e) => e.region),
    () => toHttpError(memberNotFound(memberId)),
  );
  return {
    statusCode: 200,
    body: {
      member: memberView(items.member, principal),
      enrolments: items.enrolments.map(enrolmentView),
      categories: items.categories.map(categoryView),
      contributions: items.contributions.map(contributionView),
      outOfArea: items.outOfArea.map(outOfAreaView),
    },
  };
};

/** The region-year list's page cursor (index byRegionYear): a cursor only continues the list it came from. */
const listCursor = pageCursor(['pk', 'sk', 'gsi2pk', 'gsi2sk']);
const encodeCursor = listCursor.encode;
const decodeCursor = (cursor: string, region: string, year: number) =>
  listCursor.decode(cursor, { gsi2pk: `REGION#${region}#YEAR#${year}` });

/** GET /v1/members?region=&year=: a region's enrolments in a year, paged (staff; a regulator for its own region). */
export const listRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const query = request.query(listQuery);
  requireRegionVisible(principal, [query.region]);
  const page = await listRegionYear(
    query.region,
    query.year,
    query.limit,
    query.cursor ? decodeCursor(query.cursor, query.region, query.year) : undefined,
  );
  return {
    statusCode: 200,
    body: {
      region: query.region,
      year: query.year,
      enrolments: page.items.map((e) => ({ ...enrolmentView(e), maskedId: e.maskedId })),
      ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}),
    },
  };
};

/**
 * POST /v1/members/lookup: the member id for an ID number (staff, and providers at admission).
 * A POST so the number travels in the body, never in a URL that access logs keep. Every look-up is
 * recorded in the audit trail (MemberLookedUp: who, the masked number, found or not) in the same
 * write that counts a provider's look-ups of the minute; past the limit the answer is 429, whatever
 * the number, so testing numbers against the register is slow and on record.
 */
export const lookupRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'provider');
  const providerCode = principal.role === 'provider' ? principal.providerCode : undefined;
  const { idNumber } = request.body(lookupRequestSchema);
  const id = checkIdNumber(idNumber, clockNow().today);
  if (!id.ok)
    throw badRequest(`body.idNumber: ${id.message}`, { problems: [{ field: 'body.idNumber', rule: id.rule, message: id.message }] });
  const memberId = await findMemberIdByIdHash(idHash(id.value.idNumber, idHashSecret()));
  const now = new Date();
  const lookupId = randomUUID();
  const event = outboxEntry(
    MemberLookedUp,
    {
      lookupId,
      by: { role: providerCode ? 'provider' : 'staff', sub: principal.sub, ...(providerCode ? { providerCode } : {}) },
      maskedId: id.value.maskedId,
      found: memberId !== undefined,
      ...(memberId ? { memberId } : {}),
    },
    request.correlationId,
    `lookup/${lookupId}/MemberLookedUp`,
    now.toISOString(),
  );
  const window = lookupWindow(now);
  const recorded = await recordLookup({
    event,
    ...(providerCode ? { counter: { providerCode, ...window, limit: PROVIDER_LOOKUPS_PER_MINUTE } } : {}),
  });
  if (recorded === 'limited')
    throw tooManyRequests(`More than ${PROVIDER_LOOKUPS_PER_MINUTE} look-ups this minute; try again in ${secondsToNextWindow(now)} s`, {
      limit: PROVIDER_LOOKUPS_PER_MINUTE,
      retryAfterSeconds: secondsToNextWindow(now),
    });
  await deliverAfterCommit([event], (message, extra) => request.logger.warn(message, extra));
  if (!memberId)
    throw notFound('No member has this ID number', {
      problems: [{ field: 'body.idNumber', rule: 'not_enrolled', message: 'no member has this ID number' }],
    });
  return { statusCode: 200, body: { memberId, maskedId: id.value.maskedId } };
};
