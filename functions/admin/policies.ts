/**
 * Policy routes of the admin function. Staff publish a new version of a policy document; versions
 * are immutable and history stays (a version supersedes the earlier ones from its effective date).
 *
 *   POST /v1/policies                      body: the document, e.g. policies/benefits/330900-zhoushan/2023-resident.json
 *   GET  /v1/policies/{kind}/{region}?year=2023&scheme=resident&on=2023-11-01
 *
 * Kinds are dispatched through POLICY_KINDS: benefits is served here; the DRG, fraud-rule and
 * settlement kinds answer 501 until their issues register a publisher beside it.
 */
import * as z from 'zod';
import { requireRole, type Principal } from '../../shared/auth/principal.ts';
import type { ApiRequest, ApiResponse } from '../../shared/http/api.ts';
import { badRequest, conflict, forbidden, notImplemented } from '../../shared/http/errors.ts';
import { describeIssues } from '../../shared/http/validation.ts';
import { benefitPolicySchema } from '../../shared/settlement/policy.ts';
import { findPolicyInForce, listBenefitVersions, publishBenefitPolicy, readPublishedDocument } from '../../shared/settlement/policy-store.ts';

const ARRIVING_WITH: Record<string, string> = { drg: 'issue #5', fraud: 'issue #6', settlement: 'issue #7' };

const canonical = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) =>
  (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v));

async function publishBenefits(document: unknown, principal: Principal): Promise<ApiResponse> {
  const parsed = benefitPolicySchema.safeParse(document);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, 'body');
    throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
  }
  const policy = parsed.data;
  const result = await publishBenefitPolicy(document as never, policy, principal.sub, new Date().toISOString());
  switch (result.outcome) {
    case 'published':
      return { statusCode: 201, body: { published: result.summary } };
    case 'stale-version':
      throw conflict(`version ${policy.version} is not above version ${result.newestVersion}, already published for ${policy.region} ${policy.scheme} ${policy.year}`, { field: 'body.version', rule: 'not_newer', newestVersion: result.newestVersion });
    case 'exists': {
      // The same version again: a replay if it is the same document, a conflict if not (versions never change).
      const stored = await readPublishedDocument(policy.region, policy.scheme, policy.year, policy.effectiveFrom, policy.version);
      if (canonical(stored) === canonical(document)) return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: { published: result.summary } };
      throw conflict(`version ${policy.version} effective ${policy.effectiveFrom} is already published with different content; publish a new version`, { field: 'body.version', rule: 'version_exists' });
    }
  }
}

export async function publishPolicy(request: ApiRequest): Promise<ApiResponse> {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const document = request.body(z.looseObject({ kind: z.string().min(1) }));
  if (document.kind === 'benefits') return publishBenefits(document, principal);
  if (ARRIVING_WITH[document.kind]) throw notImplemented(`policies of kind ${document.kind} are published by ${ARRIVING_WITH[document.kind]}`);
  throw badRequest(`body.kind: no policy kind ${document.kind}`, { problems: [{ field: 'body.kind', rule: 'unknown_kind', message: `one of benefits, ${Object.keys(ARRIVING_WITH).join(', ')}` }] });
}

const readParams = z.object({ kind: z.string().min(1), region: z.string().regex(/^\d{6}$/, 'a 6-digit region code') });
const readQuery = z.object({
  scheme: z.enum(['employee', 'resident']).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  /** Also return the version in force on this date, with its document. */
  on: z.iso.date().optional(),
}).refine((q) => q.year !== undefined || q.on !== undefined, { message: 'give year or on', path: ['year'] });

/** Versions of a region's policy for a year (and the one in force on a date). Regulators see their own region only. */
export async function readPolicies(request: ApiRequest): Promise<ApiResponse> {
  const principal = request.principal();
  const { kind, region } = request.params(readParams);
  const query = request.query(readQuery);
  if (principal.role === 'regulator' && principal.region !== region) throw forbidden(`a regulator of ${principal.region} may not read ${region}'s policies`, { field: 'region' });
  if (kind !== 'benefits') {
    if (ARRIVING_WITH[kind]) throw notImplemented(`policies of kind ${kind} are served by ${ARRIVING_WITH[kind]}`);
    throw badRequest(`path.kind: no policy kind ${kind}`, { problems: [{ field: 'path.kind', rule: 'unknown_kind', message: 'benefits' }] });
  }
  const year = query.year ?? Number(query.on!.slice(0, 4));
  const schemes = query.scheme ? [query.scheme] : (['resident', 'employee'] as const);
  const versions = (await Promise.all(schemes.map((s) => listBenefitVersions(region, s, year)))).flat();
  const body: Record<string, unknown> = { kind, region, year, versions };
  if (query.on) {
    body.inForce = await Promise.all(schemes.map(async (scheme) => {
      const policy = await findPolicyInForce(region, scheme, query.on!);
      return policy ? { scheme, version: policy.version, effectiveFrom: policy.effectiveFrom, document: await readPublishedDocument(region, scheme, policy.year, policy.effectiveFrom, policy.version) } : { scheme, version: null };
    }));
  }
  return { statusCode: 200, body };
}
