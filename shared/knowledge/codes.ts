/**
 * How a code written in the knowledge base (or in a rule) names the codes a claim carries. Pure.
 *
 * Three kinds of code, three ways to match:
 *  - diagnoses (ICD-10 医保版) and procedures (ICD-9-CM-3 医保版) are hierarchies: a category names
 *    every code under it. `36.07` (insertion of drug-eluting coronary stent) names `36.0700`, the
 *    extended 医保版 code a hospital sends, and `36.0700x001`; `K35` names `K35.800`. The dot is
 *    not significant (some HIS drop it: `3607`, `K358`), nor is case (`x001` / `X001`). A pattern may
 *    still end in `*` (the older rule style): the same thing said explicitly.
 *  - items (drugs, consumables, services) are matched exactly unless the pattern ends in `*`, because
 *    a price-list code is not a hierarchy at every length: `250101015` must not name `2501010150`.
 *    A 23-character national drug code's first ten characters (`XJ01CAA040`: kind, class, generic
 *    name) name the drug whatever its dosage, package or maker: `drugIdentity`.
 */

export type CodeSystem = 'diagnosis' | 'procedure' | 'item';

/** A code as compared: upper case, without dots or spaces. */
export const normaliseCode = (code: string): string => code.replace(/[.\s]/g, '').toUpperCase();

const stripStar = (pattern: string) => (pattern.endsWith('*') ? pattern.slice(0, -1) : pattern);

/** Whether `pattern` names `code` in `system` (see the file comment). */
export function codeMatches(system: CodeSystem, pattern: string, code: string): boolean {
  if (system === 'item') {
    return pattern.endsWith('*')
      ? code.toUpperCase().startsWith(pattern.slice(0, -1).toUpperCase())
      : code.toUpperCase() === pattern.toUpperCase();
  }
  const p = normaliseCode(stripStar(pattern));
  return p.length > 0 && normaliseCode(code).startsWith(p);
}

export const anyMatches = (system: CodeSystem, patterns: readonly string[], code: string): boolean =>
  patterns.some((p) => codeMatches(system, p, code));

/** The key a pattern is indexed under, and whether it names only the exact code. */
export function patternKey(system: CodeSystem, pattern: string): { key: string; exact: boolean } {
  if (system === 'item') {
    const exact = !pattern.endsWith('*');
    return { key: stripStar(pattern).toUpperCase(), exact };
  }
  return { key: normaliseCode(stripStar(pattern)), exact: false };
}

/** The same drug whatever its form, package or maker: a national drug code's first ten characters, else the code. */
export function drugIdentity(code: string): string {
  return /^[XZ][A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{9}$/.test(code) ? code.slice(0, 10) : code;
}

/**
 * Entries keyed by code pattern, found for a code by every prefix of it: a lookup costs at most one
 * map read per character of the code (≤ 27), whatever the number of entries.
 */
export class CodeIndex<T> {
  private readonly byKey = new Map<string, { exact: boolean; value: T }[]>();

  constructor(private readonly system: CodeSystem) {}

  add(pattern: string, value: T): void {
    const { key, exact } = patternKey(this.system, pattern);
    const list = this.byKey.get(key);
    if (list) list.push({ exact, value });
    else this.byKey.set(key, [{ exact, value }]);
  }

  /** Every entry whose pattern names `code`, most specific (longest pattern) first. */
  find(code: string): T[] {
    if (this.byKey.size === 0) return [];
    const c = this.system === 'item' ? code.toUpperCase() : normaliseCode(code);
    const out: T[] = [];
    for (let n = c.length; n > 0; n--) {
      const list = this.byKey.get(n === c.length ? c : c.slice(0, n));
      if (!list) continue;
      for (const e of list) if (!e.exact || n === c.length) out.push(e.value);
    }
    return out;
  }

  get size(): number {
    return this.byKey.size;
  }
}
