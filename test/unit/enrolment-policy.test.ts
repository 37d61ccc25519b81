/**
 * The contribution policy documents: every file in policies/enrolment is shipped (registered),
 * valid against its schema, named for its region and year, and honest about where each figure
 * comes from: a figure claiming a paper names a source whose quoted words are in that paper.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allContributionPolicies, contributionPolicy, POLICY_FILES } from '../../shared/policy/enrolment.ts';
import { contributionPolicySchema, type ContributionPolicy } from '../../shared/enrolment/policy.ts';
import type { Basis } from '../../shared/policy/document-header.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDER = join(ROOT, 'policies', 'enrolment');
/** The domain papers live beside the repository (../shared/domain/seeds); absent elsewhere, those checks skip. */
const SEEDS = resolve(ROOT, '..', 'shared');

interface Figure {
  value: number;
  basis: Basis;
}

function figuresOf(p: ContributionPolicy): [string, Figure][] {
  const out: [string, Figure][] = [
    ['resident.individual', p.resident.individual],
    ['resident.governmentSubsidy', p.resident.governmentSubsidy],
    ...(['employerRate', 'individualRate', 'flexibleRate', 'monthlyBaseFloor', 'monthlyBaseCeiling'] as const).map(
      (k): [string, Figure] => [`employee.${k}`, p.employee[k]],
    ),
  ];
  p.resident.subsidies.forEach((s, i) => out.push([`resident.subsidies.${i}(${s.category})`, (s.ratio ?? s.fixed)!]));
  return out;
}

describe('contribution policies (policies/enrolment)', () => {
  it('ships every file in the folder, and nothing else', () => {
    expect(Object.keys(POLICY_FILES).sort()).toEqual(
      readdirSync(FOLDER, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.json'))
        .sort(),
    );
  });

  it.each(Object.keys(POLICY_FILES))('%s is valid, and named for its region and year', (file) => {
    const raw = JSON.parse(readFileSync(join(FOLDER, file), 'utf8')) as unknown;
    const parsed = contributionPolicySchema.safeParse(raw);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    const policy = parsed.data!;
    expect(file).toMatch(new RegExp(`^${policy.region}/${policy.year}\\.json$`));
    expect(contributionPolicy(policy.region, policy.year)).toEqual(policy);
  });

  it('cites a source for every document, and a 文号 or the reason there is none', () => {
    for (const p of allContributionPolicies()) {
      for (const s of p.sources) expect(s.documentNo !== null || Boolean(s.note), `${p.region} ${p.year} ${s.id}`).toBe(true);
    }
  });

  it('labels every figure: a paper figure quotes its paper word for word; an illustrative one says why', () => {
    for (const p of allContributionPolicies()) {
      for (const [path, figure] of figuresOf(p)) {
        const where = `${p.region} ${p.year} ${path}`;
        if ('illustrative' in figure.basis) {
          expect(figure.basis.illustrative, where).toMatch(/illustrative/i);
          continue;
        }
        const source = p.sources.find((s) => s.id === figure.basis.source);
        expect(source, where).toBeDefined();
        const seedFile = source?.where ? join(SEEDS, source.where) : undefined;
        if (!seedFile || !existsSync(seedFile)) continue;
        const text = readFileSync(seedFile, 'utf8');
        // A quote may leave words out with ……; each kept fragment is in the paper.
        for (const fragment of figure.basis.clause.split('……')) expect(text, `${where}: "${fragment}"`).toContain(fragment);
      }
    }
  });

  it('refuses a paper figure without its quote, and an unknown source', () => {
    const base = JSON.parse(readFileSync(join(FOLDER, '210900/2020.json'), 'utf8')) as {
      resident: { subsidies: { ratio: { basis: Record<string, unknown> } }[] };
    };
    const noQuote = structuredClone(base);
    delete noQuote.resident.subsidies[0]!.ratio.basis.clause;
    expect(contributionPolicySchema.safeParse(noQuote).success).toBe(false);
    const badSource = structuredClone(base);
    badSource.resident.subsidies[0]!.ratio.basis.source = 'nowhere';
    expect(contributionPolicySchema.safeParse(badSource).success).toBe(false);
  });
});
