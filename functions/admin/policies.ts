/**
 * Policy routes of the admin function: one lifecycle for every kind the registry knows (benefits,
 * enrolment, drg, year-end, fraud-rules). The shipped files are first versions in force without
 * publishing; staff publish later versions; versions are immutable and history stays (a version
 * supersedes the earlier ones from its effective date).
 *
 *   POST /v1/policies                      body: a whole document, e.g. policies/drg/330900/2026.json with a higher version
 *   GET  /v1/policies/{kind}/{region}?year=2026&on=2026-05-06          (benefits also: scheme)
 *   GET  /v1/policies/fraud-rules/{region}?on=2026-11-01
 */
import * as z from 'zod';
import { requireRole } from '../../shared/auth/principal.ts';
import type { ApiRequest, ApiResponse } from '../../shared/http/api.ts';
import { badRequest, conflict, forbidden } from '../../shared/http/errors.ts';
import { describeIssues } from '../../shared/http/validation.ts';
import { NATIONAL_BASELINE, fraudRulesKind, pickCatalogue } from '../../shared/policy/fraud-rules.ts';
import { knowledgeBaseKind } from '../../shared/policy/knowledge-base.ts';
import { POLICY_KINDS, policyKind } from '../../shared/policy/kinds.ts';
import { pickInForce, type PolicyKey, type PolicyKind, type PolicyVersion } from '../../shared/policy/registry.ts';
import { DocumentTooLarge, policies } from '../../shared/policy/store/registry.ts';

const KIND_NAMES = POLICY_KINDS.map((k) => k.kind);

const unknownKind = (field: 'body.kind' | 'path.kind', kind: string) =>
  badRequest(`${field}: no policy kind ${kind}`, {
    problems: [{ field, rule: 'unknown_kind', message: `one of ${KIND_NAMES.join(', ')}` }],
  });

const refuseDocument = (issues: z.core.$ZodIssue[]): never => {
  const problems = describeIssues(issues, 'body');
  throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
};

/**
 * A new version of a policy document of any kind. It must validate whole against its kind's schema
 * and be above every version under its key (region, and year or scheme as the kind keys), shipped
 * ones included; it is in force from its effective date. The same version with the same content
 * again is a replay (200); with other content a conflict (409).
 */
export async function publishPolicy(request: ApiRequest): Promise<ApiResponse> {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const document = request.body(z.looseObject({ kind: z.string().min(1) }));
  const kind = policyKind(document.kind);
  if (!kind) throw unknownKind('body.kind', document.kind);
  const parsed = kind.schema.safeParse(document);
  if (!parsed.success) return refuseDocument(parsed.error.issues);
  const policy = parsed.data;
  const refusal = kind.refuse?.(policy);
  if (refusal) throw badRequest(`${refusal.field}: ${refusal.message}`, { problems: [refusal] });
  const header = kind.header(policy);
  const result = await policies.publish(kind, document, policy, principal.sub, new Date().toISOString()).catch((error: unknown) => {
    if (error instanceof DocumentTooLarge)
      throw badRequest(`body: ${error.message}`, { problems: [{ field: 'body', rule: 'too_large', message: error.message }] });
    throw error;
  });
  switch (result.outcome) {
    case 'published':
      return { statusCode: 201, body: { published: result.summary } };
    case 'exists':
      return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: { published: result.summary } };
    case 'different-content':
      throw conflict(
        `version ${header.version} effective ${header.effectiveFrom} is already published with different content; publish a new version`,
        { field: 'body.version', rule: 'version_exists' },
      );
    case 'stale-version':
      throw conflict(
        `version ${header.version} is not above version ${result.newestVersion}, already held for ${keyText(kind, kind.keyOf(policy))}`,
        { field: 'body.version', rule: 'not_newer', newestVersion: result.newestVersion },
      );
  }
}

const keyText = (kind: PolicyKind<unknown>, key: PolicyKey) => [kind.kind, key.region, ...kind.keyFields.map((f) => key[f])].join(' ');

export const readParams = z.object({ kind: z.string().min(1), region: z.string().regex(/^\d{6}$/, 'a 6-digit region code') });
export const readQuery = z.object({
  /** benefits only: one scheme (both when absent). */
  scheme: z.enum(['employee', 'resident']).optional(),
  /** Kinds kept per year (benefits, enrolment, drg, year-end): the year, or a date `on` that implies it. */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  /** Also return the version in force on this date, with its document. */
  on: z.iso.date().optional(),
});
/** A kind kept per year: a read names the year, or a date that implies it. */
const yearQuery = readQuery.refine((q) => q.year !== undefined || q.on !== undefined, { message: 'give year or on', path: ['year'] });

const inForceOf = (version: PolicyVersion<unknown> | undefined) =>
  version
    ? {
        version: version.summary.version,
        effectiveFrom: version.summary.effectiveFrom,
        source: version.summary.source,
        document: version.raw,
      }
    : { version: null };

/** A region's versions of a policy (shipped and published) and the one in force on a date. Regulators see their own region only. */
export async function readPolicies(request: ApiRequest): Promise<ApiResponse> {
  const principal = request.principal();
  const { kind: kindName, region } = request.params(readParams);
  // A regulator reads its own region's policies, and the national baseline that may judge its claims.
  if (
    principal.role === 'regulator' &&
    principal.region !== region &&
    // The knowledge base's national layer is read under every region's own (the 两库 are public rule descriptions).
    !((kindName === fraudRulesKind.kind || kindName === knowledgeBaseKind.kind) && region === NATIONAL_BASELINE)
  ) {
    throw forbidden(`a regulator of ${principal.region} may not read ${region}'s policies`, { field: 'region' });
  }
  const kind = policyKind(kindName);
  if (!kind) throw unknownKind('path.kind', kindName);
  if (kind.kind === fraudRulesKind.kind) {
    // The audit rules' thresholds are the regulator's tools: hospitals are not shown where they lie.
    requireRole(principal, 'staff', 'regulator');
    return readFraudRules(region, request.query(readQuery).on);
  }

  const query = request.query(yearQuery);
  const year = query.year ?? Number(query.on!.slice(0, 4));
  if (kind.keyFields.includes('scheme')) {
    // Benefits: per scheme, both unless one is asked for.
    const schemes = query.scheme ? [query.scheme] : (['resident', 'employee'] as const);
    const lists = await Promise.all(schemes.map((scheme) => policies.versions(kind, { region, scheme, year })));
    const body: Record<string, unknown> = { kind: kind.kind, region, year, versions: lists.flat().map((v) => v.summary) };
    if (query.on) {
      body.inForce = schemes.map((scheme, i) => ({ scheme, ...inForceOf(pickInForce(lists[i]!, query.on!)) }));
    }
    return { statusCode: 200, body };
  }
  const versions = await policies.versions(kind, { region, year });
  const body: Record<string, unknown> = { kind: kind.kind, region, year, versions: versions.map((v) => v.summary) };
  if (query.on) body.inForce = inForceOf(pickInForce(versions, query.on));
  return { statusCode: 200, body };
}

/**
 * A region's fraud-rule catalogue versions (shipped and published) and, given `on`, the one that
 * judges a claim of that date: the region's own, else the national baseline.
 */
async function readFraudRules(region: string, on: string | undefined): Promise<ApiResponse> {
  const own = await policies.versions(fraudRulesKind, { region });
  const body: Record<string, unknown> = { kind: fraudRulesKind.kind, region, versions: own.map((v) => v.summary) };
  if (on) {
    const candidates =
      region === NATIONAL_BASELINE ? own : [...own, ...(await policies.versions(fraudRulesKind, { region: NATIONAL_BASELINE }))];
    const chosen = pickCatalogue(
      candidates.map((v) => ({ ...v.policy, entry: v })),
      region,
      on,
    )?.entry;
    body.inForce = chosen ? { region: chosen.summary.region, ...inForceOf(chosen) } : { version: null };
  }
  return { statusCode: 200, body };
}
