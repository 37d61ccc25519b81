/**
 * The pure parts of the simulation's other drafts and its coverage, worked: a catalogue draft read
 * row by row (problems named by row and column) and put into a claim's catalogue views; the coverage
 * figure of claims without stored inputs; the fan-out of a run's partitions.
 */
import { describe, expect, it } from 'vitest';
import { groupsOf } from '../../functions/simulation/start.ts';
import type { CatalogueView } from '../../shared/catalogue/version.ts';
import { emptyPartial } from '../../shared/simulation/aggregate.ts';
import { catalogueDraftSchema, draftCatalogue, readCatalogueDraft } from '../../shared/simulation/catalogue-draft.ts';
import { coverageOf } from '../../shared/simulation/report.ts';

const CHECK = '003308009070000-33090008';
const HERB = 'T330900088';
const row = { code: CHECK, name: '渔民职业健康检查', kind: 'service', unit: '次', class: 'A', priceLimit: '200.00' };

describe('catalogue drafts', () => {
  it('reads rows as the import does, naming each bad cell by row and column', () => {
    const bad = readCatalogueDraft(
      catalogueDraftSchema.parse({
        region: '330900',
        version: 2,
        effectiveFrom: '2026-01-01',
        title: 't',
        rows: [row, { ...row, class: 'D', priceLimit: '1.005' }, row],
        removed: [CHECK],
      }),
    );
    expect('problems' in bad && bad.problems.map((p) => `${p.field}:${p.rule}`)).toEqual([
      'rows.1.class:unknown_class',
      'rows.1.priceLimit:yuan',
      'rows.2.code:duplicate_code',
      'removed.0:changed_and_removed',
    ]);
    expect(catalogueDraftSchema.safeParse({ region: '330900', version: 2, effectiveFrom: '2026-01-01', title: 't' }).success).toBe(false);
  });

  it('puts the draft into a claim’s views: a changed entry named by the draft, a removed code gone, others as they were', () => {
    const read = readCatalogueDraft(
      catalogueDraftSchema.parse({ region: '330900', version: 2, effectiveFrom: '2026-01-01', title: 't', rows: [row], removed: [HERB] }),
    );
    if (!('draft' in read)) throw new Error('the draft is valid');
    const v1 = { region: '330900', version: 1, effectiveFrom: '2025-01-01' };
    const national = { region: '000000', version: 1, effectiveFrom: '2025-01-01' };
    const entry = (code: string, cls: 'A' | 'B' | 'C') =>
      ({ code, name: code, kind: 'service', class: cls, negotiated: false, dualChannel: false, pinyin: '', from: v1 }) as const;
    const view: CatalogueView = {
      versions: [v1, national],
      entries: { [CHECK]: entry(CHECK, 'C'), [HERB]: entry(HERB, 'B'), X1: entry('X1', 'A') },
    };
    const catalogue = { byDate: { '2026-03-01': view } };
    expect(draftCatalogue(read.draft, catalogue, ['X1'])).toBeUndefined();
    const drafted = draftCatalogue(read.draft, catalogue, [CHECK, HERB, 'X1'])!.byDate['2026-03-01']!;
    expect(drafted.versions).toEqual([{ region: '330900', version: 2, effectiveFrom: '2026-01-01' }, v1, national]);
    expect(drafted.entries[CHECK]).toMatchObject({ class: 'A', priceLimitFen: 20_000, from: { version: 2 } });
    expect(drafted.entries[HERB]).toBeUndefined();
    expect(drafted.entries.X1).toBe(view.entries.X1);
    // The claim's own views are left as they were.
    expect(view.entries[CHECK]!.class).toBe('C');
  });
});

describe('coverage of a replay', () => {
  it('states the claims without stored inputs and the share of the fund the report covers, worked', () => {
    const partial = emptyPartial();
    partial.claimsRead = 98;
    partial.inForce.all.fundPaidFen = 2_970_000;
    const c = coverageOf(partial, { read: 101, reversed: 1, withoutInputs: 2, withoutInputsInWindow: 2, withoutInputsFundFen: 30_000 });
    // 2,970,000 ÷ 3,000,000 = 99.00%.
    expect(c).toMatchObject({
      claimsStored: 101,
      reversed: 1,
      replayed: 98,
      withoutInputs: 2,
      withoutInputsFundFen: 30_000,
      fundCoveredBp: 9_900,
    });
    expect(c.note).toMatch(/^2 settled claims of the year \(2 in the window, fund paid 300\.00 yuan\).*99\.00%/);
    expect(coverageOf(partial, { read: 98, reversed: 0, withoutInputs: 0 })).toMatchObject({ fundCoveredBp: 10_000 });
  });
});

describe('fan-out', () => {
  it('one message per member partition where the runner is a bundled Lambda, one for all where it runs threads', () => {
    expect(groupsOf(16, 1)).toEqual(Array.from({ length: 16 }, (_, p) => [p]));
    expect(groupsOf(16, 16)).toEqual([Array.from({ length: 16 }, (_, p) => p)]);
  });
});
