/**
 * `npm run -s dip:history -- --cases 200000 [--seed 1] [--kinds 3000] [--from 2022 --to 2024] > history.jsonl`
 *
 * An ILLUSTRATIVE history of inpatient cases for building a DIP catalogue where a region's own
 * settled cases are not at hand (demos, tests, the benchmark): one case a JSON line,
 * `{ principalDiagnosis, procedures, costFen, providerCode, year }`, the line shape `npm run
 * dip:build` reads. The codes are real (the CHS-DRG 2.0 tables' own: a principal diagnosis of an
 * ADRG with, for procedure ADRGs, one or two of its procedures), the case mix is skewed as real
 * ones are (a few kinds of case are common, most are rare), and costs scatter around each kind's own
 * level with a few high- and low-cost outliers. Seeded: the same arguments give the same lines.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeGaps } from '../shared/drg/package.ts';
import { decodePackage, packageEnvelope } from '../shared/drg/rule-packages.ts';
import type { HistoricalCase } from '../shared/dip/build.ts';
import { seededRandom as random } from '../shared/runtime/seeded-random.ts';

interface CaseKind {
  principalDiagnosis: string;
  procedures: string[];
  /** The kind's typical cost, fen. */
  levelFen: number;
}

/** The kinds of case the history draws from: one per (ADRG, principal, procedures) picked from the tables. */
export function caseKinds(count: number, seed: number): CaseKind[] {
  const data = decodePackage(packageEnvelope('2.0'));
  const rnd = random(seed);
  const decoded = new Map<number, string[]>();
  const codesOf = (id: number) => {
    let codes = decoded.get(id);
    if (!codes) {
      const t = data.tables[id]!;
      codes = decodeGaps(t.codes).map((i) => (t.kind === 'dx' ? data.codes.diagnoses[i]! : data.codes.procedures[i]!));
      decoded.set(id, codes);
    }
    return codes;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const adrgs = data.adrgs.filter((a) => a.mdc !== 'A' && a.mdc !== 'P' && a.mdc !== 'Z' && a.mdc !== 'Y');
  const kinds: CaseKind[] = [];
  for (let guard = 0; kinds.length < count && guard < count * 20; guard++) {
    const a = pick(adrgs);
    const clause = a.rule[0]!;
    const pdxAtom = clause.find((x) => x.on === 'pdx' || x.on === 'dx');
    const pxAtoms = clause.filter((x) => x.on === 'pproc' || x.on === 'proc');
    const mdc = data.mdcs.find((m) => m.code === a.mdc)!;
    const principal = pick(codesOf(pdxAtom?.table ?? mdc.table!));
    const procedures = pxAtoms.map((x) => pick(codesOf(x.table!)));
    if (procedures.length === 1 && rnd() < 0.3) procedures.push(pick(codesOf(pxAtoms[0]!.table!)));
    const surgical = a.kind === 'surgical';
    const levelYuan = surgical ? 12_000 + rnd() * 60_000 : a.kind === 'non-or' ? 8_000 + rnd() * 25_000 : 3_000 + rnd() * 12_000;
    kinds.push({ principalDiagnosis: principal, procedures, levelFen: Math.round(levelYuan) * 100 });
  }
  return kinds;
}

export interface HistoryOptions {
  cases: number;
  seed?: number;
  kinds?: number;
  fromYear?: number;
  toYear?: number;
  providers?: number;
}

/** The history, case by case (a generator: a million cases need not sit in memory). */
export function* historicalCases(o: HistoryOptions): Generator<HistoricalCase> {
  const seed = o.seed ?? 1;
  const kinds = caseKinds(o.kinds ?? 3_000, seed);
  const rnd = random(seed + 1);
  const from = o.fromYear ?? 2022;
  const years = (o.toYear ?? 2024) - from + 1;
  const providers = Array.from({ length: o.providers ?? 40 }, (_, i) => `HH${String(i + 1).padStart(4, '0')}`);
  // Zipf-like: kind k is drawn with weight 1/(k+1); inverse of the cumulative by bisection.
  const cumulative = new Float64Array(kinds.length);
  let sum = 0;
  for (let k = 0; k < kinds.length; k++) cumulative[k] = sum += 1 / (k + 1);
  for (let n = 0; n < o.cases; n++) {
    const u = rnd() * sum;
    let lo = 0;
    let hi = kinds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    const kind = kinds[lo]!;
    // Log-normal scatter (σ ≈ 0.3) by Box–Muller, and 3% outliers either way.
    const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const outlier = rnd();
    const factor = Math.exp(0.3 * z) * (outlier < 0.015 ? 3 : outlier < 0.03 ? 0.3 : 1);
    yield {
      principalDiagnosis: kind.principalDiagnosis,
      procedures: kind.procedures,
      costFen: Math.max(10_000, Math.round(kind.levelFen * factor)),
      providerCode: providers[Math.floor(rnd() * providers.length)]!,
      year: from + Math.floor(rnd() * years),
    };
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const cases = Number(value('--cases') ?? 100_000);
  const kinds = value('--kinds');
  if (!Number.isInteger(cases) || cases <= 0) throw new Error('--cases must be a whole number above 0');
  let out = '';
  for (const c of historicalCases({
    cases,
    seed: Number(value('--seed') ?? 1),
    fromYear: Number(value('--from') ?? 2022),
    toYear: Number(value('--to') ?? 2024),
    ...(kinds ? { kinds: Number(kinds) } : {}),
  })) {
    out += `${JSON.stringify(c)}\n`;
    if (out.length > 1 << 20) {
      process.stdout.write(out);
      out = '';
    }
  }
  process.stdout.write(out);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
