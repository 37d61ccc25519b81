/**
 * DRG payment policies (kind `drg`): one document per pooling region and year
 * (policies/drg/<region>/<year>.json), validated by shared/drg/policy.ts and compiled with the weight
 * list it names. The weight lists are reference data compiled by tools/drg-compile.ts into
 * policies/drg/weights/, not policy documents: a policy that names a list this build lacks is refused.
 */
import d3309002026 from '../../policies/drg/330900/2026.json' with { type: 'json' };
import yantai2023 from '../../policies/drg/weights/yantai-2023.json' with { type: 'json' };
import { compilePolicy, drgPolicySchema, weightListSchema, type DrgPolicy } from '../drg/policy.ts';
import { definePolicyKind, shippedPolicies, shippedUnder } from './registry.ts';

/** The weight lists this build carries, by id (add one: tools/drg-compile.ts WEIGHT_LISTS, then import it here). */
const WEIGHT_LISTS: Record<string, unknown> = { 'yantai-2023': yantai2023 };

export const drgKind = definePolicyKind<DrgPolicy>({
  kind: 'drg',
  schema: drgPolicySchema.transform((document, ctx) => {
    const list = WEIGHT_LISTS[document.weights.list];
    if (!list) {
      ctx.addIssue({
        code: 'custom',
        message: `no weight list ${document.weights.list} in this build (one of ${Object.keys(WEIGHT_LISTS).join(', ')})`,
        path: ['weights', 'list'],
      });
      return undefined as never;
    }
    try {
      return compilePolicy(document, weightListSchema.parse(list));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error), path: [] });
      return undefined as never;
    }
  }),
  keyFields: ['year'],
  keyOf: (p) => ({ region: p.region, year: p.year }),
  fileOf: (p) => `${p.region}/${p.year}.json`,
  header: (p) => p.document,
  describe: (p) => ({ regionName: p.document.regionName, grouperVersion: p.grouperVersion }),
  shipped: {
    'policies/drg/330900/2026.json': d3309002026,
  },
});

/** The region's shipped DRG policy for a year, its highest version (tests, benchmarks). */
export const drgPolicyFor = (region: string, year: number): DrgPolicy | undefined =>
  shippedUnder(drgKind, { region, year }).sort((a, b) => b.summary.version - a.summary.version)[0]?.policy;

export const drgPolicies = (): DrgPolicy[] => shippedPolicies(drgKind);

/**
 * Whether a region pays a year's inpatient cases by DRG points. DRG payment begins with a region's
 * first policy: a case from a region (or a year) before that is not a DRG case and is left alone,
 * as most regions paid by items or DIP before their reform. A year missing after DRG payment began
 * is a gap an operator must fill (publish the year's policy, then redrive).
 */
export type DrgPayment = { kind: 'drg'; policy: DrgPolicy } | { kind: 'not-drg-paid' } | { kind: 'policy-missing'; since: number };

/** From the policy in force for the year (if any) and the years the region holds a policy for. */
export function drgPayment(policy: DrgPolicy | undefined, yearsHeld: readonly number[], year: number): DrgPayment {
  if (policy) return { kind: 'drg', policy };
  const earlier = yearsHeld.filter((y) => y < year);
  return earlier.length ? { kind: 'policy-missing', since: Math.min(...earlier) } : { kind: 'not-drg-paid' };
}

/** The same over the shipped policies only (tests: no table). */
export const drgPaymentFor = (region: string, year: number): DrgPayment =>
  drgPayment(
    drgPolicyFor(region, year),
    drgPolicies()
      .filter((p) => p.region === region)
      .map((p) => p.year),
    year,
  );
