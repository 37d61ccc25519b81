/**
 * Severity (并发症或合并症): a secondary diagnosis on the MCC list makes the case "with MCC", one on
 * the CC list "with CC", unless the principal diagnosis's exclusion table (CCE) excludes it: each
 * CC/MCC code and each principal diagnosis carries an exclusion-table id, and the same id on both
 * means the secondary is part of the principal condition, so it does not count.
 */
import type { CcLevel, TraceEntry } from './case.ts';
import type { CodedCase } from './codes.ts';
import type { RuleTables } from './tables.ts';

export interface Severity {
  level: CcLevel;
  /** Index into [no CC, CC, MCC], the order of an ADRG's `drgs`. */
  rank: 0 | 1 | 2;
}

export function severityOf(t: RuleTables, c: CodedCase, trace: TraceEntry[]): Severity {
  const excluded = t.exclusionTable[c.pdx]!;
  let rank: 0 | 1 | 2 = 0;
  let mcc = '';
  let cc = '';
  let skipped = '';
  for (const s of c.sdx) {
    const asMcc = t.mccTable[s]!;
    const asCc = t.ccTable[s]!;
    if (asMcc < 0 && asCc < 0) continue;
    const table = asMcc >= 0 ? asMcc : asCc;
    if (table === excluded) {
      skipped += `${skipped ? ' ' : ''}${t.diagnoses[s]}`;
      continue;
    }
    if (asMcc >= 0) {
      rank = 2;
      mcc += `${mcc ? ' ' : ''}${t.diagnoses[s]}`;
    } else {
      if (rank < 1) rank = 1;
      cc += `${cc ? ' ' : ''}${t.diagnoses[s]}`;
    }
  }
  const level: CcLevel = rank === 2 ? 'MCC' : rank === 1 ? 'CC' : 'none';
  trace.push({
    step: 'CC',
    note:
      `${level}` +
      (mcc ? `; MCC ${mcc}` : '') +
      (cc ? `; CC ${cc}` : '') +
      (skipped ? `; excluded by ${t.diagnoses[c.pdx]}'s exclusion table ${excluded}: ${skipped}` : '') +
      (!mcc && !cc && !skipped ? (c.sdx.length ? '; no secondary diagnosis is a CC or MCC' : '; no secondary diagnosis') : ''),
  });
  return { level, rank };
}
