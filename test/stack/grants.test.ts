/**
 * The topology grants each function exactly what its code reaches: no table, bus or queue the code
 * never names, and nothing the code names without a grant.
 *
 * Each handler is bundled as the stack bundles it (esbuild, tree-shaken), and the bundle is searched
 * for the only ways a handler finds a resource (shared/runtime/resource-names.ts): `tableName('<key>')`,
 * `queueUrl('<key>')`, `busName()`. What survives tree-shaking is what the function can reach, so a
 * grant no reachable code uses is a grant the function does not need.
 */
import { describe, expect, it } from 'vitest';
import { functions, type FunctionKey, type FunctionSpec } from '../../infra/topology.ts';
import { bundleHandler } from '../support/bundle.ts';

async function reached(spec: FunctionSpec) {
  const out = await bundleHandler(spec, { packages: 'external' });
  const code = out.outputFiles[0]!.text;
  // esbuild may suffix a name it has to disambiguate (tableName2); the argument stays a literal.
  const names = (fn: string) =>
    [...new Set([...code.matchAll(new RegExp(`\\b${fn}\\d*\\(\\s*"([A-Za-z]+)"\\s*\\)`, 'g'))].map((m) => m[1]!))].sort();
  return { tables: names('tableName'), queues: names('queueUrl'), bus: /\bbusName\d*\(\s*\)/.test(code) };
}

describe('grants: each function is granted what its code reaches, and nothing else', () => {
  for (const [key, spec] of Object.entries(functions) as [FunctionKey, FunctionSpec][]) {
    it(`${key}: tables, bus and queues`, async () => {
      const code = await reached(spec);
      expect({ tables: code.tables, publishes: code.bus, sendsTo: code.queues }).toEqual({
        tables: Object.keys(spec.tables).sort(),
        publishes: spec.publishes,
        sendsTo: [...spec.sendsTo].sort(),
      });
    }, 30_000);
  }
});
