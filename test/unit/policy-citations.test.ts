/**
 * One per-figure citation shape for every kind (shared/policy/document-header.ts `basisSchema`), and
 * one check (shared/policy/citations.ts) that a citation names a source the document lists, applied
 * by the registry to every kind: a document citing an unknown source id is refused, naming the path.
 */
import { describe, expect, it } from 'vitest';
import { forEachBasis, unknownCitations } from '../../shared/policy/citations.ts';
import { basisSchema } from '../../shared/policy/document-header.ts';
import { POLICY_KINDS } from '../../shared/policy/kinds.ts';

type Path = (string | number)[];

function setAt(doc: unknown, path: Path, value: unknown): void {
  let at = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
}

describe('per-figure citations, one shape for every kind', () => {
  it.each(POLICY_KINDS.map((k) => [k.kind, k] as const))(
    '%s: every shipped figure cites in the one shape, by a listed source id',
    (_, kind) => {
      for (const [file, raw] of Object.entries(kind.shipped)) {
        const ids = new Set((raw as { sources: { id: string }[] }).sources.map((s) => s.id));
        let count = 0;
        forEachBasis(raw, (basis, path) => {
          count++;
          expect(basisSchema.safeParse(basis).success, `${file} ${path.join('.')}`).toBe(true);
          if ('source' in basis && basis.source !== undefined) expect(ids.has(basis.source), `${file} ${path.join('.')}`).toBe(true);
        });
        expect(count, file).toBeGreaterThan(0);
        expect(unknownCitations(raw), file).toEqual([]);
      }
    },
  );

  it.each(POLICY_KINDS.map((k) => [k.kind, k] as const))(
    '%s: a document citing an unknown source id is refused, naming the path',
    (_, kind) => {
      const raw = structuredClone(Object.values(kind.shipped)[0]);
      let cited: Path | undefined;
      forEachBasis(raw, (basis, path) => {
        if (!cited && 'source' in basis) cited = path;
      });
      expect(cited).toBeDefined();
      setAt(raw, [...cited!, 'source'], 'no-such-paper');
      const parsed = kind.schema.safeParse(raw);
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues).toContainEqual(
        expect.objectContaining({ path: [...cited!, 'source'], message: 'cites "no-such-paper", which is not in sources' }),
      );
    },
  );

  it('refuses the old shapes: a bare word, a source without its clause, an illustrative flag without a reason', () => {
    expect(basisSchema.safeParse('illustrative').success).toBe(false);
    expect(basisSchema.safeParse('[fund-regulation-2021] 第十五条').success).toBe(false);
    expect(basisSchema.safeParse({ source: 'x' }).success).toBe(false);
    expect(basisSchema.safeParse({ source: 'x', illustrative: true }).success).toBe(false);
    expect(basisSchema.safeParse({ source: 'x', clause: '一' }).success).toBe(true);
    expect(basisSchema.safeParse({ illustrative: 'the paper gives no amount', source: 'x' }).success).toBe(true);
  });
});
