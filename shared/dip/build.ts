/**
 * Building a region's DIP catalogue (病种目录库) from its historical cases, as the national DIP
 * technical specification does:
 *
 *   1. every case is keyed by its principal diagnosis and procedure combination (key.ts);
 *   2. a combination with at least the policy's minimum number of cases is a core group (核心病种);
 *   3. the other cases fall into comprehensive groups (综合病种) by diagnosis and treatment kind: the
 *      ICD-10 category × treatment where that has the minimum, else the chapter × treatment, else the
 *      treatment alone (these three last groups always exist, so every future case has a group);
 *   4. each group's score (分值) = its mean cost ÷ the region's mean cost × the scale (100 or 1000),
 *      kept as whole centipoints (0.01 point), rounded half up once.
 *
 * One pass over the cases, holding a few numbers per distinct combination: a million cases is a
 * second or two. Pure: the tool (tools/dip-build.ts) reads the file and writes the document.
 */
import { divideRoundHalfUp, type Fen } from '../money/fen.ts';
import { caseKey, chapterOf, TREATMENTS, treatmentIndex, type KeyParameters, type ProcedureClasses, type Treatment } from './key.ts';

export interface HistoricalCase {
  principalDiagnosis: string;
  procedures: readonly string[];
  /** The case's total cost (住院总费用). */
  costFen: Fen;
  providerCode?: string;
  /** Year of discharge. */
  year?: number;
}

export interface BuildParameters extends KeyParameters {
  minimumCases: number;
  /** Points of a case of the region's mean cost: 100 (or 1000). */
  scoreScale: number;
}

export interface BuiltGroup {
  code: string;
  kind: 'core' | 'comprehensive';
  diagnosis: string;
  procedures: string[];
  treatment: Treatment;
  cases: number;
  meanCostFen: Fen;
  /** Coefficient of variation of the cost, in percent, two decimals (a group's homogeneity). */
  cvPercent: number;
  /** Score in centipoints: meanCost ÷ regionMean × scale × 100. */
  centipoints: number;
}

export interface BuildSummary {
  cases: number;
  fromYear: number | null;
  toYear: number | null;
  providers: number;
  totalCostFen: Fen;
  meanCostFen: Fen;
  byTreatment: Record<Treatment, number>;
  coreGroups: number;
  coreCases: number;
  comprehensiveGroups: number;
  comprehensiveCases: number;
}

/** Per key: per treatment [cases, cost sum, cost² sum] (9 numbers). */
type Tally = Float64Array;
const newTally = (): Tally => new Float64Array(9);

function addTo(tally: Tally, t: 0 | 1 | 2, costFen: number): void {
  tally[t * 3] = tally[t * 3]! + 1;
  tally[t * 3 + 1] = tally[t * 3 + 1]! + costFen;
  tally[t * 3 + 2] = tally[t * 3 + 2]! + costFen * costFen;
}

function merge(into: Tally, from: Tally, t?: 0 | 1 | 2): void {
  if (t === undefined) for (let i = 0; i < 9; i++) into[i] = into[i]! + from[i]!;
  else for (let i = t * 3; i < t * 3 + 3; i++) into[i] = into[i]! + from[i]!;
}

const casesOf = (x: Tally) => x[0]! + x[3]! + x[6]!;
const sumOf = (x: Tally) => x[1]! + x[4]! + x[7]!;
const sqOf = (x: Tally) => x[2]! + x[5]! + x[8]!;

export class CatalogueBuilder {
  private readonly byCore = new Map<string, { tally: Tally; diagnosis: string; category: string; procedures: string[] }>();
  private readonly providers = new Set<string>();
  private cases = 0;
  private totalCostFen = 0;
  private fromYear: number | null = null;
  private toYear: number | null = null;

  constructor(
    readonly parameters: BuildParameters,
    private readonly classes: ProcedureClasses,
  ) {}

  add(c: HistoricalCase): void {
    const key = caseKey(c.principalDiagnosis, c.procedures, this.parameters, this.classes);
    let entry = this.byCore.get(key.core);
    if (!entry) {
      entry = { tally: newTally(), diagnosis: key.diagnosis, category: key.category, procedures: key.procedures };
      this.byCore.set(key.core, entry);
    }
    addTo(entry.tally, treatmentIndex(key.treatment), c.costFen);
    this.cases++;
    this.totalCostFen += c.costFen;
    if (c.providerCode !== undefined) this.providers.add(c.providerCode);
    if (c.year !== undefined) {
      if (this.fromYear === null || c.year < this.fromYear) this.fromYear = c.year;
      if (this.toYear === null || c.year > this.toYear) this.toYear = c.year;
    }
  }

  finish(): { groups: BuiltGroup[]; summary: BuildSummary } {
    if (this.cases === 0) throw new Error('no historical cases: a DIP catalogue needs the region’s cases');
    const p = this.parameters;
    const meanCostFen = divideRoundHalfUp(this.totalCostFen, this.cases);
    const score = (meanFen: number) => divideRoundHalfUp(meanFen * p.scoreScale * 100, meanCostFen);
    const group = (
      code: string,
      kind: BuiltGroup['kind'],
      diagnosis: string,
      procedures: string[],
      treatment: Treatment,
      x: Tally,
    ): BuiltGroup => {
      const n = casesOf(x);
      const mean = n > 0 ? divideRoundHalfUp(sumOf(x), n) : meanCostFen;
      const variance = n > 1 ? Math.max(0, sqOf(x) / n - (sumOf(x) / n) ** 2) : 0;
      const cvPercent = mean > 0 ? Math.round((Math.sqrt(variance) / mean) * 10_000) / 100 : 0;
      return { code, kind, diagnosis, procedures, treatment, cases: n, meanCostFen: mean, cvPercent, centipoints: score(mean) };
    };

    const groups: BuiltGroup[] = [];
    let coreCases = 0;
    // The cases left for the comprehensive groups, by category × treatment.
    const rest = new Map<string, Tally>();
    for (const [code, e] of this.byCore) {
      const n = casesOf(e.tally);
      if (n >= p.minimumCases) {
        // A core group takes its combination's cases whatever their treatment; it is named by the most frequent one.
        let best = 0;
        for (let t = 1; t < 3; t++) if (e.tally[t * 3]! > e.tally[best * 3]!) best = t;
        groups.push(group(code, 'core', e.diagnosis, e.procedures, TREATMENTS[best]!, e.tally));
        coreCases += n;
        continue;
      }
      for (let t = 0 as 0 | 1 | 2; t < 3; t = (t + 1) as 0 | 1 | 2) {
        if (e.tally[t * 3] === 0) continue;
        const k = `${e.category}|${TREATMENTS[t]}`;
        let r = rest.get(k);
        if (!r) rest.set(k, (r = newTally()));
        merge(r, e.tally, t);
      }
    }

    // Comprehensive: category × treatment with the minimum, else chapter × treatment, else treatment alone.
    const byChapter = new Map<string, Tally>();
    const byTreatment = new Map<Treatment, Tally>(TREATMENTS.map((t) => [t, newTally()]));
    let comprehensiveCases = 0;
    for (const [k, x] of [...rest].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [category, treatment] = k.split('|') as [string, Treatment];
      if (casesOf(x) >= p.minimumCases) {
        groups.push(group(k, 'comprehensive', category, [], treatment, x));
        comprehensiveCases += casesOf(x);
        continue;
      }
      const ck = `${chapterOf(category)}|${treatment}`;
      let c = byChapter.get(ck);
      if (!c) byChapter.set(ck, (c = newTally()));
      merge(c, x);
    }
    for (const [k, x] of [...byChapter].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [chapter, treatment] = k.split('|') as [string, Treatment];
      if (casesOf(x) >= p.minimumCases) {
        groups.push(group(k, 'comprehensive', chapter, [], treatment, x));
        comprehensiveCases += casesOf(x);
      } else merge(byTreatment.get(treatment)!, x);
    }
    for (const t of TREATMENTS) {
      const x = byTreatment.get(t)!;
      groups.push(group(`*|${t}`, 'comprehensive', '*', [], t, x));
      comprehensiveCases += casesOf(x);
    }

    const treatments = { conservative: 0, procedure: 0, operation: 0 };
    for (const e of this.byCore.values()) for (const t of TREATMENTS) treatments[t] += e.tally[treatmentIndex(t) * 3]!;
    groups.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'core' ? -1 : 1) : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    return {
      groups,
      summary: {
        cases: this.cases,
        fromYear: this.fromYear,
        toYear: this.toYear,
        providers: this.providers.size,
        totalCostFen: this.totalCostFen,
        meanCostFen,
        byTreatment: treatments,
        coreGroups: groups.filter((g) => g.kind === 'core').length,
        coreCases,
        comprehensiveGroups: groups.filter((g) => g.kind === 'comprehensive').length,
        comprehensiveCases,
      },
    };
  }
}
