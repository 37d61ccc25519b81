/**
 * The DRG policies this build carries: policies/drg/<region>/<year>.json with the weight lists they
 * name (policies/drg/weights/). Each is validated and turned into integers at its first use.
 *
 * To add a region or a year: write its document, compile its weight list (tools/drg-compile.ts,
 * WEIGHT_LISTS) and import both below.
 */
import zhoushan2026 from '../../policies/drg/330900/2026.json' with { type: 'json' };
import yantai2023 from '../../policies/drg/weights/yantai-2023.json' with { type: 'json' };
import { compilePolicy, drgPolicySchema, weightListSchema, type DrgPolicy } from './policy.ts';

const DOCUMENTS: unknown[] = [zhoushan2026];
const WEIGHT_LISTS: Record<string, unknown> = { 'yantai-2023': yantai2023 };

let compiled: Map<string, DrgPolicy> | undefined;

function all(): Map<string, DrgPolicy> {
  if (!compiled) {
    compiled = new Map();
    for (const raw of DOCUMENTS) {
      const document = drgPolicySchema.parse(raw);
      const list = WEIGHT_LISTS[document.weights.list];
      if (!list) throw new Error(`DRG policy ${document.region}/${document.year}: no weight list ${document.weights.list}`);
      compiled.set(`${document.region}/${document.year}`, compilePolicy(document, weightListSchema.parse(list)));
    }
  }
  return compiled;
}

/** The region's DRG policy for the year a case was discharged in, if this build carries one. */
export function drgPolicyFor(region: string, year: number): DrgPolicy | undefined {
  return all().get(`${region}/${year}`);
}

export function drgPolicies(): DrgPolicy[] {
  return [...all().values()];
}

/**
 * Whether a region pays a year's inpatient cases by DRG points. DRG payment begins with a region's
 * first policy: a case from a region (or a year) before that is not a DRG case and is left alone,
 * as most regions paid by items or DIP before their reform. A year missing after DRG payment began
 * is a gap in the policies this build carries, which an operator must fill.
 */
export type DrgPayment = { kind: 'drg'; policy: DrgPolicy } | { kind: 'not-drg-paid' } | { kind: 'policy-missing'; since: number };

export function drgPaymentFor(region: string, year: number): DrgPayment {
  const policy = drgPolicyFor(region, year);
  if (policy) return { kind: 'drg', policy };
  const earlier = drgPolicies()
    .filter((p) => p.region === region && p.year < year)
    .map((p) => p.year);
  return earlier.length ? { kind: 'policy-missing', since: Math.min(...earlier) } : { kind: 'not-drg-paid' };
}
