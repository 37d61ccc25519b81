/**
 * A region-year's case mix (病组结构), pure: grouped cases per DRG group (or DIP group) with their
 * points and share of the year's points, and MDCs for DRG. Read by the fund dashboard through
 * GET /v1/reports/case-mix/{region}/{year}. A readmission cut lowers its group's points, not its cases.
 */

/** What the case mix reads of a drgCases item: a case (DRG or DIP) or a readmission cut. */
export interface CaseFacts {
  kind: 'case' | 'readmission-cut';
  method: 'drg' | 'dip';
  /** The DRG (e.g. ES31) or DIP group (e.g. J84|34.51); for a cut, the cut case's group when known. */
  group: string | null;
  mdc: string | null;
  centipoints: number;
}

export interface GroupMix {
  group: string;
  mdc: string | null;
  cases: number;
  centipoints: number;
  /** Share of the year's points, basis points (hundredths of a percent), rounded half up. */
  shareBp: number;
}

export interface CaseMix {
  /** The method with more cases (a region pays stays by one of them in a year). */
  method: 'drg' | 'dip';
  cases: number;
  totalCentipoints: number;
  groups: GroupMix[];
  mdcs: { mdc: string; cases: number; centipoints: number }[];
}

export function caseMix(facts: readonly CaseFacts[]): CaseMix {
  const dip = facts.filter((f) => f.kind === 'case' && f.method === 'dip').length;
  const drg = facts.filter((f) => f.kind === 'case' && f.method === 'drg').length;
  const method = dip > drg ? 'dip' : 'drg';
  const mine = facts.filter((f) => f.method === method);
  const groups = new Map<string, Omit<GroupMix, 'shareBp'>>();
  for (const f of mine) {
    const name = f.group ?? '（未分组）';
    const g = groups.get(name) ?? { group: name, mdc: f.mdc, cases: 0, centipoints: 0 };
    if (f.kind === 'case') g.cases++;
    g.centipoints += f.centipoints;
    groups.set(name, g);
  }
  const total = mine.reduce((a, f) => a + f.centipoints, 0);
  const share = (c: number) => (total > 0 ? Math.floor((c * 10_000) / total + 0.5) : 0);
  const mdcs = new Map<string, { mdc: string; cases: number; centipoints: number }>();
  for (const g of groups.values()) {
    if (!g.mdc) continue;
    const m = mdcs.get(g.mdc) ?? { mdc: g.mdc, cases: 0, centipoints: 0 };
    m.cases += g.cases;
    m.centipoints += g.centipoints;
    mdcs.set(g.mdc, m);
  }
  return {
    method,
    cases: method === 'dip' ? dip : drg,
    totalCentipoints: total,
    groups: [...groups.values()]
      .map((g) => ({ ...g, shareBp: share(g.centipoints) }))
      .sort((a, b) => b.cases - a.cases || b.centipoints - a.centipoints || a.group.localeCompare(b.group)),
    mdcs: [...mdcs.values()].sort((a, b) => b.cases - a.cases || a.mdc.localeCompare(b.mdc)),
  };
}
