/** The rule catalogues as data: every file listed and valid, every rule type present, bad documents refused. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allCatalogues, CATALOGUE_FILES } from '../../shared/policy/fraud-rules.ts';
import { RULE_TYPE_NAMES } from '../../shared/fraud/rules/index.ts';
import { parseCatalogue, rawCatalogue } from './fraud-fixtures.ts';

const problemsOf = (doc: unknown) => {
  const parsed = parseCatalogue(doc);
  expect(parsed.success).toBe(false);
  return parsed.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('the shipped catalogues', () => {
  it('lists every file of policies/fraud-rules, and each is valid', () => {
    const files = readdirSync(new URL('../../policies/fraud-rules/', import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(Object.keys(CATALOGUE_FILES).sort()).toEqual(files);
    expect(allCatalogues()).toHaveLength(files.length);
  });

  it('each holds a rule of every type the issue lists, cites its sources, and has exactly one fallback among them', () => {
    for (const c of allCatalogues()) {
      expect(new Set(c.rules.map((r) => r.type))).toEqual(new Set(RULE_TYPE_NAMES));
      expect(c.rules.every((r) => r.basis && r.explanation)).toBe(true);
    }
    expect(
      allCatalogues()
        .filter((c) => c.fallback)
        .map((c) => c.region),
    ).toEqual(['000000']);
  });

  it('gives every per-claim and cross-claim rule both result kinds between them, and a weight', () => {
    const rules = allCatalogues()[0]!.rules;
    expect(new Set(rules.map((r) => r.result))).toEqual(new Set(['suspicious', 'violation']));
    expect(new Set(rules.map((r) => r.scope))).toEqual(new Set(['claim', 'cross-claim', 'provider']));
  });
});

describe('the catalogue schema refuses', () => {
  it('parameters that do not fit the rule type, naming the parameter', () => {
    const problems = problemsOf(
      rawCatalogue((d) => {
        d.rules.find((r: { type: string }) => r.type === 'excess-quantity').parameters.maxSupplyDays = -7;
      }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ path: expect.stringMatching(/^rules\.\d+\.parameters\.maxSupplyDays$/) }));
  });

  it("a window the rule's scope cannot look at", () => {
    const problems = problemsOf(
      rawCatalogue((d) => {
        d.rules.find((r: { type: string }) => r.type === 'readmission').window = { kind: 'claim' };
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/window\.kind$/), message: expect.stringContaining('cross-claim') }),
    );
  });

  it('an explanation quoting a fact the rule type does not provide', () => {
    const problems = problemsOf(
      rawCatalogue((d) => {
        d.rules[0].explanation = '患者 {patientName} 重复收费';
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ path: 'rules.0.explanation', message: expect.stringContaining('{patientName}') }),
    );
  });

  it('a rule id used twice, an unknown rule type, a basis citing no listed source, and a severity scale without a floor', () => {
    expect(
      problemsOf(
        rawCatalogue((d) => {
          d.rules[1].id = d.rules[0].id;
        }),
      ),
    ).toContainEqual(expect.objectContaining({ path: 'rules.1.id' }));
    expect(
      problemsOf(
        rawCatalogue((d) => {
          d.rules[0].type = 'gut-feeling';
        }),
      ),
    ).toContainEqual(expect.objectContaining({ path: 'rules.0.type' }));
    expect(
      problemsOf(
        rawCatalogue((d) => {
          d.rules[0].basis = { source: 'no-such-paper', clause: 'because' };
        }),
      ),
    ).toContainEqual(expect.objectContaining({ path: 'rules.0.basis.source' }));
    expect(
      problemsOf(
        rawCatalogue((d) => {
          d.alertSeverity = [{ minScore: 50, severity: 'high' }];
        }),
      ),
    ).toContainEqual(expect.objectContaining({ path: 'alertSeverity' }));
  });
});
