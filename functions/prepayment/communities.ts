/**
 * Health communities (医共体) and what the year-end needs of them:
 *   POST /v1/health-communities                                    register one (county hospital, townships, villages)
 *   GET  /v1/health-communities/{communityId}
 *   PUT  /v1/health-communities/{communityId}/assessments/{year}   the annual assessment: score and rank
 *   POST /v1/health-communities/{communityId}/capitated-members    members whose claims count against its capitation
 */
import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { badRequest, conflict, notFound } from '../../shared/http/errors.ts';
import { communityIdSchema } from '../../shared/budget/budget.ts';
import { assessmentInputSchema, healthCommunityInputSchema, toAssessment } from '../../shared/budget/community.ts';
import { requireReaderOf, requireStaff } from '../../shared/budget/access.ts';
import { addCapitatedMembers, getCommunity, getProviders, putAssessment, registerCommunity } from '../../shared/budget/store/register.ts';
import { yearParam } from './budgets.ts';

export const communityParams = z.object({ communityId: communityIdSchema });

export const registerCommunityRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireStaff(principal);
  const community = request.body(healthCommunityInputSchema);
  const registered = await getProviders(community.members.map((m) => m.providerCode));
  const problems = community.members.flatMap((m, i) => {
    const p = registered.get(m.providerCode);
    if (!p)
      return [
        {
          field: `body.members.${i}.providerCode`,
          rule: 'not_registered',
          message: `provider ${m.providerCode} is not in the provider register`,
        },
      ];
    // A provider registered with its district's code (岱山县 330921) is pooled with its city (330900):
    // it belongs to the community of the pooling region, as budgets and the year-end count it.
    const pooledIn = p.poolingRegion ?? p.region;
    if (pooledIn !== community.region)
      return [
        {
          field: `body.members.${i}.providerCode`,
          rule: 'other_region',
          message: `provider ${m.providerCode} belongs to region ${pooledIn}`,
        },
      ];
    return [];
  });
  if (problems.length > 0) throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
  const outcome = await registerCommunity(community, principal.sub, new Date().toISOString());
  if (outcome === 'conflict')
    throw conflict(`Health community ${community.communityId} is already registered with other details`, { field: 'body.communityId' });
  return { statusCode: outcome === 'created' ? 201 : 200, body: { outcome, community } };
};

export const getCommunityRoute: RouteHandler = async (request) => {
  const { communityId } = request.params(communityParams);
  const principal = request.principal();
  requireReaderOf(principal, principal.role === 'regulator' ? principal.region : '');
  const community = await getCommunity(communityId);
  // Another region's community answers exactly as a missing one.
  if (!community || (principal.role === 'regulator' && principal.region !== community.region))
    throw notFound(`No health community ${communityId}`);
  return { statusCode: 200, body: { community } };
};

export const putAssessmentRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireStaff(principal);
  const { communityId, year } = request.params(communityParams.extend({ year: yearParam }));
  const input = request.body(assessmentInputSchema);
  if (!(await getCommunity(communityId))) throw notFound(`No health community ${communityId}`);
  await putAssessment(
    communityId,
    year,
    { ...toAssessment(input), ...(input.assessedOn ? { assessedOn: input.assessedOn } : {}) },
    principal.sub,
    new Date().toISOString(),
  );
  return { statusCode: 200, body: { communityId, year, ...input } };
};

export const capitatedBody = z.strictObject({
  year: yearParam,
  memberIds: z
    .array(z.string().regex(/^[A-Za-z0-9-]{1,40}$/, 'a member id (not an ID number)'))
    .min(1)
    .max(1_000),
});

export const addCapitatedMembersRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireStaff(principal);
  const { communityId } = request.params(communityParams);
  const { year, memberIds } = request.body(capitatedBody);
  const community = await getCommunity(communityId);
  if (!community) throw notFound(`No health community ${communityId}`);
  const outcome = await addCapitatedMembers(community, year, memberIds, principal.sub, new Date().toISOString());
  request.logger.info('Capitated members recorded', {
    communityId,
    year,
    added: outcome.added,
    already: outcome.already,
    refused: outcome.inOtherCommunity.length,
  });
  // Members already capitated elsewhere that year are listed, not moved: the rest are recorded.
  return { statusCode: 200, body: { communityId, year, ...outcome } };
};
