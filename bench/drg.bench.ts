/**
 * CHS-DRG grouping and points on one core: the rule packages' size and load time, grouping
 * throughput for both versions on a case mix built from the tables (every ADRG's first route, with
 * CC/MCC secondaries, some codes that are not 医保版 and some cases that fit nothing), the points
 * computation, and the batch command's per-line path (parse, validate, group, serialise).
 */
import { drgCaseSchema, type DrgCase, type GroupResult } from '../shared/drg/case.ts';
import { decodeGaps, GROUPER_VERSIONS, type GrouperVersion, type PackageData } from '../shared/drg/package.ts';
import { casePoints, type PointsInput } from '../shared/drg/points.ts';
import { drgPolicyFor } from '../shared/policy/drg.ts';
import { decodePackage, grouperFor, loadGrouper, packageEnvelope } from '../shared/drg/rule-packages.ts';
import type { Report } from './support.ts';

const CASES = 20_000;
/** CPU time each throughput figure runs for. */
const RUN_MS = 2_000;

/** A deterministic pseudo-random sequence, so every run groups the same mix. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s % n;
  };
}

export function caseMix(data: PackageData): DrgCase[] {
  const rnd = lcg(42);
  const codes = (id: number) => {
    const t = data.tables[id]!;
    return decodeGaps(t.codes).map((i) => (t.kind === 'dx' ? data.codes.diagnoses[i]! : data.codes.procedures[i]!));
  };
  const tableCodes = data.tables.map((_, i) => codes(i));
  const anyOf = (list: string[]) => list[rnd(list.length)]!;
  const cc = decodeGaps(data.severity.cc.codes).map((i) => data.codes.diagnoses[i]!);
  const mcc = decodeGaps(data.severity.mcc.codes).map((i) => data.codes.diagnoses[i]!);
  const mdcPrincipal = new Map(data.mdcs.filter((m) => m.table !== undefined).map((m) => [m.code, tableCodes[m.table!]!]));
  const out: DrgCase[] = [];
  for (let n = 0; out.length < CASES; n++) {
    const adrg = data.adrgs[n % data.adrgs.length]!;
    const clause = adrg.rule[rnd(adrg.rule.length)]!;
    const c = {
      id: `c${n}`,
      sex: rnd(2) ? 'M' : 'F',
      ageYears: 20 + rnd(70),
      principalDiagnosis: '',
      secondaryDiagnoses: [] as string[],
      procedures: [] as string[],
    };
    for (const atom of clause) {
      const list = atom.table === undefined ? [] : tableCodes[atom.table]!;
      if (atom.on === 'pdx' || (atom.on === 'dx' && !c.principalDiagnosis)) c.principalDiagnosis = anyOf(list);
      else if (atom.on === 'sdx' || atom.on === 'dx') c.secondaryDiagnoses.push(anyOf(list));
      else if (atom.on === 'pproc') c.procedures.unshift(anyOf(list));
      else if (atom.on === 'proc') c.procedures.push(anyOf(list));
    }
    if (!c.principalDiagnosis) c.principalDiagnosis = anyOf(mdcPrincipal.get(adrg.mdc) ?? mdcPrincipal.get('F')!);
    if (adrg.mdc === 'M') c.sex = 'M';
    if (adrg.mdc === 'N' || adrg.mdc === 'O') c.sex = 'F';
    const extra = rnd(4);
    for (let k = 0; k < extra; k++) c.secondaryDiagnoses.push(anyOf(rnd(3) ? cc : mcc));
    if (rnd(50) === 0) c.secondaryDiagnoses.push('NOT.A.CODE');
    if (rnd(100) === 0) c.principalDiagnosis = 'X99.999x999';
    out.push(
      drgCaseSchema.parse({ ...c, ...(adrg.mdc === 'P' ? { ageYears: 0, ageDays: rnd(40), birthWeightGrams: 1_000 + rnd(3_000) } : {}) }),
    );
  }
  return out;
}

/**
 * CPU time of this process, in ms. Rates and load times are measured in CPU time, not wall time, so
 * a figure means "on one core" even on a machine other work shares (the wall rate is noted beside).
 */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs `fn` over the items round and round for about `ms` of CPU; returns items per CPU second and per wall second. */
function throughput<T>(items: T[], fn: (item: T) => unknown, ms = RUN_MS): { perCpuSecond: number; perWallSecond: number } {
  let sink = 0;
  for (let i = 0; i < Math.min(items.length, 20_000); i++) sink += fn(items[i]!) ? 1 : 0; // warm-up
  let done = 0;
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  while (cpuMs() - cpu0 < ms) {
    for (let i = 0; i < 1_000; i++) sink += fn(items[(done + i) % items.length]!) ? 1 : 0;
    done += 1_000;
  }
  if (sink < 0) throw new Error('unreachable');
  return { perCpuSecond: done / ((cpuMs() - cpu0) / 1000), perWallSecond: done / ((performance.now() - wall0) / 1000) };
}

const wallNote = (r: { perWallSecond: number }) => `wall ${Math.round(r.perWallSecond).toLocaleString('en-US')}/s`;

export default async function drgBench(report: Report): Promise<void> {
  const loaded = new Map<GrouperVersion, PackageData>();
  for (const version of GROUPER_VERSIONS) {
    const envelope = packageEnvelope(version);
    report({
      name: `CHS-DRG ${version} package size (stored, gzip+base64)`,
      value: Buffer.byteLength(envelope.payload.data) / 1024,
      unit: 'KB',
      note: `${(envelope.payload.bytes / 1024).toFixed(0)} KB of JSON inside`,
    });
    let cpu = cpuMs();
    let wall = performance.now();
    const data = decodePackage(envelope);
    loadGrouper(data);
    report({
      name: `CHS-DRG ${version} package load, first in process`,
      value: cpuMs() - cpu,
      unit: 'ms CPU',
      note: `base64 + gunzip + checksum + JSON + lookup tables; wall ${(performance.now() - wall).toFixed(0)} ms`,
    });
    cpu = cpuMs();
    wall = performance.now();
    for (let i = 0; i < 5; i++) loadGrouper(decodePackage(envelope));
    report({
      name: `CHS-DRG ${version} package load, again (mean of 5)`,
      value: (cpuMs() - cpu) / 5,
      unit: 'ms CPU',
      note: `wall ${((performance.now() - wall) / 5).toFixed(0)} ms`,
    });
    loaded.set(version, data);
  }

  for (const version of GROUPER_VERSIONS) {
    const grouper = grouperFor(version);
    const cases = caseMix(loaded.get(version)!);
    const mix = { grouped: 0, qy: 0, ungroupable: 0 };
    for (const c of cases) mix[grouper.group(c).outcome]++;
    const rate = throughput(cases, (c) => grouper.group(c));
    report({
      name: `CHS-DRG ${version} grouping, one core (with trace)`,
      value: rate.perCpuSecond,
      unit: 'cases/s',
      note: `${CASES.toLocaleString('en-US')} cases: ${mix.grouped} grouped, ${mix.qy} QY, ${mix.ungroupable} 0000; ${wallNote(rate)}`,
    });
  }

  // Points: the 舟山 2026 policy over the 1.1 mix's results (DRG, outliers, add-ons, 0000).
  const policy = drgPolicyFor('330900', 2026)!;
  const grouper = grouperFor(policy.grouperVersion);
  const rnd = lcg(7);
  const levels = ['primary', 'secondary', 'tertiary', undefined] as const;
  const inputs: PointsInput[] = caseMix(loaded.get(policy.grouperVersion)!).map((c) => {
    const r: GroupResult = grouper.group(c, { qy: policy.qy });
    const costFen = 50_000 + rnd(5_000_000);
    return {
      drg: r.drg,
      outcome: r.outcome,
      mdc: r.mdc,
      adrg: r.adrg,
      costFen,
      tcmFen: rnd(4) === 0 ? rnd(costFen >> 2) : 0,
      providerCode: rnd(10) === 0 ? 'ZS0001' : `H${rnd(50)}`,
      providerLevel: levels[rnd(4)],
      bedDays: rnd(40) === 0 ? 10 + rnd(60) : undefined,
      department: undefined,
    };
  });
  const pricing: Record<string, number> = {};
  for (const i of inputs) {
    const p = casePoints(policy, i).pricing;
    pricing[p] = (pricing[p] ?? 0) + 1;
  }
  const points = throughput(inputs, (i) => casePoints(policy, i));
  report({
    name: 'DRG points, one core (舟山 2026 policy)',
    value: points.perCpuSecond,
    unit: 'cases/s',
    note: `${Object.entries(pricing)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; ${wallNote(points)}`,
  });

  // The batch command's work per line, without the I/O.
  const lines = caseMix(loaded.get('2.0')!).map((c) => JSON.stringify(c));
  const batch = grouperFor('2.0');
  const perLine = throughput(lines, (l) => JSON.stringify(batch.group(drgCaseSchema.parse(JSON.parse(l)))));
  report({
    name: 'batch line: JSON.parse + validate + group 2.0 + stringify',
    value: perLine.perCpuSecond,
    unit: 'lines/s',
    note: wallNote(perLine),
  });
}
