/**
 * The settlement policies this build carries (policies/settlement/<region>/<year>.json), validated
 * and compiled at first use. Bundled into the prepayment and year-end functions, as the DRG
 * policies are into grouping: a run pins the region, year and version it was computed under, so a
 * report can always say which policy made its figures.
 *
 * To add a region or a year: write its document and import it below; test/unit/budget-policy.test.ts
 * checks every bundled document parses and cites its sources.
 */
import jinan2023 from '../../policies/settlement/341502/2023.json' with { type: 'json' };
import honghe2025 from '../../policies/settlement/532500/2025.json' with { type: 'json' };
import { parseSettlementPolicy, type SettlementPolicy } from './policy.ts';

const DOCUMENTS: Record<string, unknown> = {
  'policies/settlement/341502/2023.json': jinan2023,
  'policies/settlement/532500/2025.json': honghe2025,
};

let compiled: Map<string, SettlementPolicy> | undefined;

function all(): Map<string, SettlementPolicy> {
  if (!compiled) {
    const map = new Map<string, SettlementPolicy>();
    for (const [file, raw] of Object.entries(DOCUMENTS)) {
      let policy: SettlementPolicy;
      try {
        policy = parseSettlementPolicy(raw);
      } catch (error) {
        throw new Error(`${file} does not parse: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (file !== `policies/settlement/${policy.region}/${policy.year}.json`)
        throw new Error(`${file} holds region ${policy.region} year ${policy.year}`);
      map.set(`${policy.region}/${policy.year}`, policy);
    }
    compiled = map;
  }
  return compiled;
}

/** The region's settlement policy for a year, if this build carries one. */
export function settlementPolicyFor(region: string, year: number): SettlementPolicy | undefined {
  return all().get(`${region}/${year}`);
}

export function settlementPolicies(): SettlementPolicy[] {
  return [...all().values()];
}
