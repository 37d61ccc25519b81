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
