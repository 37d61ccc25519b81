import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import { notFound } from '../../shared/http/errors.ts';
import { drgCaseSchema } from '../../shared/drg/case.ts';
import { GROUPER_VERSIONS } from '../../shared/drg/package.ts';
import type { DrgPolicy } from '../../shared/drg/policy.ts';
import { drgKind } from '../../shared/policy/drg.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { grouperFor } from '../../shared/drg/rule-packages.ts';

/** The national version a caller gets when it names neither a version nor a region. */
const DEFAULT_VERSION = '2.0';

export const query = z.strictObject({
  /** Group with this CHS-DRG version … */
  version: z.enum(GROUPER_VERSIONS).optional(),
  /** … or as this region's newest DRG policy groups (its version, QY switch and code standard). */
  region: z
    .string()
    .regex(/^\d{6}$/, 'a 6-digit region code')
    .optional(),
  qy: z.enum(['on', 'off']).optional(),
  codes: z.enum(['yibao', 'clinical']).optional(),
});

/**
 * POST /v1/drg/pre-group: a provider's HIS asks, before discharge, which DRG a case would group to.
 * Synchronous, nothing stored: the case (the batch command's shape) in, the group and its trace out.
 */
export const preGroupRoute: RouteHandler = async (request) => {
  requireRole(request.principal(), 'provider', 'staff');
  const q = request.query(query);
  const drgCase = request.body(drgCaseSchema);

  const policy = q.region === undefined ? undefined : await newestPolicy(q.region);
  if (q.region !== undefined && !policy) throw notFound(`No DRG policy for region ${q.region}`, { field: 'query.region' });

  const version = q.version ?? policy?.grouperVersion ?? DEFAULT_VERSION;
  const result = grouperFor(version).group(drgCase, {
    qy: q.qy === undefined ? (policy?.qy ?? true) : q.qy === 'on',
    codes: q.codes ?? policy?.codes ?? 'yibao',
  });
  return { statusCode: 200, body: result };
};

/** A region's newest DRG policy (its latest year, that year's latest version), shipped or published. */
async function newestPolicy(region: string): Promise<DrgPolicy | undefined> {
  const years = (await policies.keys(drgKind, region)).map((k) => Number(k.year));
  if (!years.length) return undefined;
  return (await policies.versions(drgKind, { region, year: Math.max(...years) })).at(-1)?.policy;
}
