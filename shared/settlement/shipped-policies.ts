/**
 * The benefit policies shipped in the repository (policies/benefits/<region>-<place>/<year>-<scheme>.json):
 * what the local cloud seeds into the policies table, and what the unit tests settle against.
 * Read from disk, so this module is for seeding, tests and benchmarks, never for a handler (a
 * handler reads the policies table: one source of truth, which staff publish to).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenefitPolicy, type BenefitPolicy, type BenefitPolicyDocument } from './policy.ts';

export const SHIPPED_POLICY_DIR = resolve(fileURLToPath(new URL('../../policies/benefits', import.meta.url)));

export interface ShippedPolicy {
  /** Path below policies/benefits/, e.g. 330900-zhoushan/2023-resident.json */
  file: string;
  document: BenefitPolicyDocument;
  policy: BenefitPolicy;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

/** Every shipped document, parsed; a document that does not parse is a build fault and throws, naming the file and field. */
export function loadShippedPolicies(dir = SHIPPED_POLICY_DIR): ShippedPolicy[] {
  return jsonFiles(dir).map((path) => {
    const file = relative(dir, path);
    const document = JSON.parse(readFileSync(path, 'utf8')) as BenefitPolicyDocument;
    const parsed = parseBenefitPolicy(document);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new Error(`policies/benefits/${file}: ${first?.path.join('.')}: ${first?.message}`);
    }
    return { file, document, policy: parsed.data };
  });
}

/** One shipped policy by its id and year (tests and benchmarks). */
export function shippedPolicy(id: string, year: number): BenefitPolicy {
  const found = loadShippedPolicies().find((p) => p.policy.id === id && p.policy.year === year);
  if (!found) throw new Error(`no shipped policy ${id} ${year}`);
  return found.policy;
}
