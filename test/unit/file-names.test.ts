/**
 * One name per concept: within a top-level area (shared/<domain>, functions/<fn>, infra/…), no two
 * source files may be named so alike that a reader confuses them (`policy.ts` beside `policies.ts`,
 * `contribution.ts` beside `contributions.ts`). A domain's store module takes the concept's own
 * name (`budget.ts` and `store/budget.ts`): the folder, not a letter, tells the pure file from its adapter.
 */
import { execFileSync } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

/** Levenshtein distance, enough for file names. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

const isPluralOf = (a: string, b: string) => b === `${a}s` || b === `${a}es` || (a.endsWith('y') && b === `${a.slice(0, -1)}ies`);

/** Two different names a reader would confuse: one letter apart, or one the plural of the other. */
function confusable(a: string, b: string): boolean {
  if (a === b) return false;
  return editDistance(a, b) === 1 || isPluralOf(a, b) || isPluralOf(b, a);
}

describe('confusable names', () => {
  it('catches the pairs the review found and leaves distinct names alone', () => {
    expect(confusable('policy', 'policies')).toBe(true);
    expect(confusable('contribution', 'contributions')).toBe(true);
    expect(confusable('catalogue', 'catalogues')).toBe(true);
    expect(confusable('case', 'cast')).toBe(true);
    expect(confusable('budget', 'budget')).toBe(false);
    expect(confusable('policy', 'shipped-policies')).toBe(false);
    expect(confusable('claim', 'claims-view')).toBe(false);
  });
});

describe('the tree', () => {
  it('has no two source files in one area whose names differ by a letter or a plural', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: repo, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('test/') && !f.startsWith('bench/'));
    const byArea = new Map<string, string[]>();
    for (const file of files) {
      const area = file.split('/').slice(0, 2).join('/');
      byArea.set(area, [...(byArea.get(area) ?? []), file]);
    }
    const pairs: string[] = [];
    for (const inArea of byArea.values()) {
      for (let i = 0; i < inArea.length; i++) {
        for (let j = i + 1; j < inArea.length; j++) {
          if (confusable(basename(inArea[i]!, '.ts'), basename(inArea[j]!, '.ts'))) pairs.push(`${inArea[i]} ~ ${inArea[j]}`);
        }
      }
    }
    expect(pairs).toEqual([]);
  });
});
