/**
 * Policy routes of the admin function. Staff publish a new version of a policy document; versions
 * are immutable and history stays (a version supersedes the earlier ones from its effective date).
 *
 *   POST /v1/policies                      body: the document, e.g. policies/benefits/330900-zhoushan/2023-resident.json
 *   GET  /v1/policies/{kind}/{region}?year=2023&scheme=resident&on=2023-11-01
 *
 *   POST /v1/policies                      body: a fraud-rule catalogue, e.g. policies/fraud/330900-zhoushan-v1.json with a higher version
 *   GET  /v1/policies/fraud-rules/{region}?on=2026-11-01
 *
 * Benefit policies and fraud-rule catalogues are published here. The DRG and settlement policies
 * ship with the build (policies/drg, policies/settlement) and are read by their functions; the API
 * answers 501 for them, saying so.
 */
import * as z from 'zod';
import { requireRole, type Principal } from '../../shared/auth/principal.ts';
import type { ApiRequest, ApiResponse } from '../../shared/http/api.ts';
import { badRequest, conflict, forbidden, notImplemented } from '../../shared/http/errors.ts';
import { describeIssues } from '../../shared/http/validation.ts';
import { benefitPolicySchema } from '../../shared/settlement/policy.ts';
import {
  findPolicyInForce,
  listBenefitVersions,
  publishBenefitPolicy,
  readPublishedDocument,
} from '../../shared/settlement/store/policies.ts';
import { canonicalJson as canonical } from '../../shared/runtime/canonical-json.ts';
import { catalogueSchema } from '../../shared/fraud/catalogue.ts';
import { pickCatalogue } from '../../shared/fraud/shipped-catalogues.ts';
import {
  CATALOGUE_KIND,
  NATIONAL_BASELINE,
  listCatalogueVersions,
  publishCatalogue,
  readCatalogueDocument,
} from '../../shared/fraud/store/catalogues.ts';

/** Kinds whose documents ship with the build and are not published through the API. */
const SHIPPED_ONLY: Record<string, string> = {
  drg: 'DRG policies ship with the build (policies/drg/<region>/<year>.json) and are read by the DRG function',
  settlement: 'settlement policies ship with the build (policies/settlement/<region>/<year>.json) and are read by the budget functions',
};
const PUBLISHED_KINDS = ['benefits', CATALOGUE_KIND];

const refuseDocument = (issues: z.core.$ZodIssue[]): never => {
  const problems = describeIssues(issues, 'body');
  throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
};

async function publishBenefits(document: unknown, principal: Principal): Promise<ApiResponse> {
  const parsed = benefitPolicySchema.safeParse(document);
  if (!parsed.success) return refuseDocument(parsed.error.issues);
  const policy = parsed.data;
  const result = await publishBenefitPolicy(document as never, policy, principal.sub, new Date().toISOString());
  switch (result.outcome) {
    case 'published':
      return { statusCode: 201, body: { published: result.summary } };
    case 'stale-version':
      throw conflict(
        `version ${policy.version} is not above version ${result.newestVersion}, already published for ${policy.region} ${policy.scheme} ${policy.year}`,
        { field: 'body.version', rule: 'not_newer', newestVersion: result.newestVersion },
      );
    case 'exists': {
      // The same version again: a replay if it is the same document, a conflict if not (versions never change).
      const stored = await readPublishedDocument(policy.region, policy.scheme, policy.year, policy.effectiveFrom, policy.version);
      if (canonical(stored) === canonical(document))
        return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: { published: result.summary } };
      throw conflict(
        `version ${policy.version} effective ${policy.effectiveFrom} is already published with different content; publish a new version`,
        { field: 'body.version', rule: 'version_exists' },
      );
    }
  }
}

/**
 * A new version of a region's fraud-rule catalogue (智能审核规则库). It must validate whole (every
 * rule's parameters against its type, windows, placeholders) and be above every version the region
 * has, shipped ones included; it judges claims from its effective date.
 */
async function publishFraudCatalogue(document: unknown, principal: Principal): Promise<ApiResponse> {
  const parsed = catalogueSchema.safeParse(document);
  if (!parsed.success) return refuseDocument(parsed.error.issues);
  const catalogue = parsed.data;
  if (catalogue.fallback && catalogue.region !== NATIONAL_BASELINE) {
    throw badRequest(`body.fallback: only the national baseline (${NATIONAL_BASELINE}) is the fallback`, {
      problems: [{ field: 'body.fallback', rule: 'baseline_only', message: `only region ${NATIONAL_BASELINE} may be the fallback` }],
    });
  }
  const result = await publishCatalogue(document, catalogue, principal.sub, new Date().toISOString());
  switch (result.outcome) {
    case 'published':
      return { statusCode: 201, body: { published: result.summary } };
    case 'exists':
      return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: { published: result.summary } };
    case 'different-content':
      throw conflict(
        `version ${catalogue.version} effective ${catalogue.effectiveFrom} already exists with different content; publish a new version`,
        { field: 'body.version', rule: 'version_exists' },
      );
    case 'stale-version':
      throw conflict(`version ${catalogue.version} is not above version ${result.newestVersion} of ${catalogue.region}'s catalogue`, {
        field: 'body.version',
        rule: 'not_newer',
        newestVersion: result.newestVersion,
      });
  }
}

export async function publishPolicy(request: ApiRequest): Promise<ApiResponse> {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const document = request.body(z.looseObject({ kind: z.string().min(1) }));
  if (document.kind === 'benefits') return publishBenefits(document, principal);
  if (document.kind === CATALOGUE_KIND) return publishFraudCatalogue(document, principal);
  if (SHIPPED_ONLY[document.kind]) throw notImplemented(SHIPPED_ONLY[document.kind]!);
  throw badRequest(`body.kind: no policy kind ${document.kind}`, {
    problems: [{ field: 'body.kind', rule: 'unknown_kind', message: `one of ${PUBLISHED_KINDS.join(', ')}` }],
  });
}

export const readParams = z.object({ kind: z.string().min(1), region: z.string().regex(/^\d{6}$/, 'a 6-digit region code') });
export const readQuery = z.object({
  scheme: z.enum(['employee', 'resident']).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  /** Also return the version in force on this date, with its document. */
  on: z.iso.date().optional(),
});
/** Benefit policies are kept per year: a read names the year, or a date that implies it. */
const benefitQuery = readQuery.refine((q) => q.year !== undefined || q.on !== undefined, { message: 'give year or on', path: ['year'] });

/**
 * A region's fraud-rule catalogue versions (shipped and published) and, given `on`, the one that
 * judges a claim of that date: the region's own, else the national baseline.
 */
async function readFraudCatalogues(region: string, on: string | undefined): Promise<ApiResponse> {
  const versions = await listCatalogueVersions(region);
  const body: Record<string, unknown> = { kind: CATALOGUE_KIND, region, versions };
  if (on) {
    const candidates = region === NATIONAL_BASELINE ? versions : [...versions, ...(await listCatalogueVersions(NATIONAL_BASELINE))];
    const chosen = pickCatalogue(candidates, region, on);
    body.inForce = chosen
      ? {
          region: chosen.region,
          version: chosen.version,
          effectiveFrom: chosen.effectiveFrom,
          source: chosen.source,
          document: await readCatalogueDocument(chosen.region, chosen.effectiveFrom, chosen.version),
        }
      : { version: null };
  }
  return { statusCode: 200, body };
}

/** Versions of a region's policy for a year (and the one in force on a date). Regulators see their own region only. */
export async function readPolicies(request: ApiRequest): Promise<ApiResponse> {
  const principal = request.principal();
  const { kind, region } = request.params(readParams);
  // A regulator reads its own region's policies, and the national baseline that may judge its claims.
  if (principal.role === 'regulator' && principal.region !== region && !(kind === CATALOGUE_KIND && region === NATIONAL_BASELINE)) {
    throw forbidden(`a regulator of ${principal.region} may not read ${region}'s policies`, { field: 'region' });
  }
  if (kind === CATALOGUE_KIND) {
    // The audit rules' thresholds are the regulator's tools: hospitals are not shown where they lie.
    requireRole(principal, 'staff', 'regulator');
    return readFraudCatalogues(region, request.query(readQuery).on);
  }
  if (kind !== 'benefits') {
    if (SHIPPED_ONLY[kind]) throw notImplemented(SHIPPED_ONLY[kind]!);
    throw badRequest(`path.kind: no policy kind ${kind}`, {
      problems: [{ field: 'path.kind', rule: 'unknown_kind', message: `one of ${PUBLISHED_KINDS.join(', ')}` }],
    });
  }
  const query = request.query(benefitQuery);
  const year = query.year ?? Number(query.on!.slice(0, 4));
  const schemes = query.scheme ? [query.scheme] : (['resident', 'employee'] as const);
  const versions = (await Promise.all(schemes.map((s) => listBenefitVersions(region, s, year)))).flat();
  const body: Record<string, unknown> = { kind, region, year, versions };
  if (query.on) {
    body.inForce = await Promise.all(
      schemes.map(async (scheme) => {
        const policy = await findPolicyInForce(region, scheme, query.on!);
        return policy
          ? {
              scheme,
              version: policy.version,
              effectiveFrom: policy.effectiveFrom,
              document: await readPublishedDocument(region, scheme, policy.year, policy.effectiveFrom, policy.version),
            }
          : { scheme, version: null };
      }),
    );
  }
  return { statusCode: 200, body };
}
