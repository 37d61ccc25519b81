/**
 * `npm run drg:compile [-- --source <dir>]`: compiles the CHS-DRG reference tables
 * (../shared/data/chs-drg by default) into the project's versioned rule packages
 *   shared/drg/packages/chs-drg-1.1.json, chs-drg-2.0.json
 * and the weight lists the DRG policies use into policies/drg/weights/, each folder with the
 * attribution (NOTICE.md) and the Apache-2.0 licences of the transcriptions they derive from.
 *
 * The output is deterministic (no timestamps; gzip without a file name or time), so compiling the
 * same tables twice gives byte-identical files and `test/unit/drg-compile.test.ts` can check that the
 * committed packages are exactly what the tables make.
 *
 * How the tables' wording becomes rules is written out below, one function per kind of file. Where
 * the transcription and the official NHSA document may disagree, the document wins: fix the table.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  PACKAGE_FORMAT,
  encodeGaps,
  type AdrgKind,
  type Atom,
  type GrouperVersion,
  type PackageData,
  type PackageEnvelope,
  type Range,
  packageDataSchema,
} from '../shared/drg/package.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SOURCE = resolve(REPO_ROOT, '../shared/data/chs-drg');
export const PACKAGES_DIR = join(REPO_ROOT, 'shared/drg/packages');
export const WEIGHTS_DIR = join(REPO_ROOT, 'policies/drg/weights');

const LICENSE_FILES = [
  'LICENSE.OpenDRG-DRG_Rules',
  'LICENSE.OpenDRG-DRG_Python',
  'LICENSE.OpenDRG-DRG_Datas',
  'LICENSE.weicong-OpenDRG_Rules',
];

// ---------------------------------------------------------------------------------------------
// Reading the transcriptions
// ---------------------------------------------------------------------------------------------

/** A table line starts with its code: A01.002+G01*, S02.100x003, 37.5100, 33.6x00. */
const CODE_LINE = /^([A-Z]\d|\d\d)/;

class Reader {
  readonly used: { path: string; sha256: string }[] = [];
  readonly notes: string[] = [];
  constructor(readonly source: string) {}

  lines(path: string): string[] {
    const bytes = readFileSync(join(this.source, path));
    this.used.push({ path, sha256: createHash('sha256').update(bytes).digest('hex') });
    return bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
  }

  /** `code rest…` lines → [code, rest]. */
  pairs(path: string): [string, string][] {
    return this.lines(path).map((line) => {
      const space = line.search(/\s/);
      return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1).trim()];
    });
  }

  files(folder: string): string[] {
    return readdirSync(join(this.source, folder))
      .filter((f) => f.endsWith('.dat'))
      .sort();
  }
}

/** Splits a table file into sections: each header line opens one, code lines fill the current one. */
interface Section {
  header: string;
  codes: string[];
}
function sections(reader: Reader, path: string): Section[] {
  const out: Section[] = [];
  let commented = 0;
  for (const line of reader.lines(path)) {
    if (line.startsWith('#')) {
      commented++;
      continue;
    } // struck out in the transcription
    if (CODE_LINE.test(line)) {
      const code = line.split(/\s/, 1)[0]!;
      if (out.length === 0) out.push({ header: '', codes: [] });
      out[out.length - 1]!.codes.push(code);
    } else {
      out.push({ header: line, codes: [] });
    }
  }
  if (commented > 0) reader.notes.push(`${path}: ${commented} commented-out line(s) skipped`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-version layout of the reference folder
// ---------------------------------------------------------------------------------------------

interface Layout {
  mdcList: string;
  adrgList: string;
  drgList: string;
  adrgFolder: string;
  mdcFolder: string;
  cc: string;
  mcc: string;
  exclusions: string;
  /** 1.1: the procedures valid for grouping; 2.0: the ones invalid for it. */
  operations: { path: string; meaning: 'valid' | 'invalid' };
  /** 2.0 only: diagnoses that may not be principal. */
  notPrincipal?: string;
  title: string;
}

const LAYOUT: Record<GrouperVersion, Layout> = {
  '1.1': {
    title: 'CHS-DRG 1.1 (国家医疗保障疾病诊断相关分组 1.1 版)',
    mdcList: 'v1.1/rules/1_MDC.txt',
    adrgList: 'v1.1/rules/2_ADRG.txt',
    drgList: 'v1.1/tables/DRG.dat',
    adrgFolder: 'v1.1/rules/ADRG',
    mdcFolder: 'v1.1/rules/MDC',
    cc: 'v1.1/tables/CC.dat',
    mcc: 'v1.1/tables/MCC.dat',
    exclusions: 'v1.1/tables/CCE.dat',
    operations: { path: 'v1.1/tables/SS_VALID.dat', meaning: 'valid' },
  },
  '2.0': {
    title: 'CHS-DRG 2.0 (国家医疗保障疾病诊断相关分组 2.0 版, NHSA 2024-07)',
    mdcList: 'v2.0/MDC.dat',
    adrgList: 'v2.0/ADRG.dat',
    drgList: 'v2.0/DRG.dat',
    adrgFolder: 'v2.0/ADRG',
    mdcFolder: 'v2.0/MDC',
    cc: 'v2.0/CC.dat',
    mcc: 'v2.0/MCC.dat',
    exclusions: 'v2.0/CCE.dat',
    operations: { path: 'v2.0/SS_INVALID.dat', meaning: 'invalid' },
    notPrincipal: 'v2.0/ZD_INVALID.dat',
  },
};

/** The coding standard both versions group on: ICD-10 医保版 2.0 and ICD-9-CM-3 医保版 2.0. */
const ICD = {
  diagnoses: 'icd/ICD10医保版v2.0.dat',
  procedures: 'icd/ICD9CM3医保版v2.0.dat',
  greyDiagnoses: 'icd/ICD10医保版v2.0灰码.dat',
  greyProcedures: 'icd/ICD9CM3医保版v2.0灰码.dat',
  clinicalDiagnoses: 'icd/ICD10国临版v2.0对照医保版v2.0.dat',
  clinicalProcedures: 'icd/ICD9CM3国临版v3.0对照医保版v2.0.dat',
};

// ---------------------------------------------------------------------------------------------
// ADRG rules: from the tables' wording to a rule in disjunctive normal form
// ---------------------------------------------------------------------------------------------

/** A rule before interning: atoms name their table by its codes. */
interface RawAtom {
  on: Atom['on'];
  kind?: 'dx' | 'px';
  codes?: string[];
}
type RawRule = RawAtom[][];

const KIND_OF: Record<string, Atom['on']> = {
  主要诊断: 'pdx',
  其他诊断: 'sdx',
  主要手术或操作: 'pproc',
  手术或操作: 'proc',
  手术表: 'proc',
};
const NAMED_TABLE = /^(主要诊断|其他诊断|主要手术或操作|手术或操作|手术表)\s*(\d*)：$/;
const TERM_NAME = /(主要诊断|其他诊断|主要手术或操作|手术或操作|手术表)\s*(\d*)/g;

const tableAtom = (on: Atom['on'], codes: string[]): RawAtom => ({
  on,
  kind: on === 'pdx' || on === 'sdx' || on === 'dx' ? 'dx' : 'px',
  codes,
});

/**
 * Reads one ADRG file. Two shapes exist:
 *  - simple sections ("包含以下主要诊断：", "包含以下主要手术或操作：", "同时包含以下手术：…和…",
 *    "全部手术" …), all of which must hold; "或包含以下其他诊断：" starts an alternative;
 *  - named tables ("主要诊断：", "手术或操作 3：", "手术表 1：") combined by an entry-condition
 *    expression ("入组条件 1：主要诊断+主要手术或操作 1或入组条件 2：…", "（其他诊断或手术或操作 1）+手术或操作 2").
 */
function adrgRule(secs: Section[], code: string, unionOf: (codes: string[]) => string[]): { rule: RawRule; wording: string } {
  const expressions: string[] = [];
  const named = new Map<string, Section>();
  const clauses: RawAtom[][] = [[]];
  const current = () => clauses[clauses.length - 1]!;
  let pendingBoth: RawAtom | undefined; // 同时包含: the first table waits for the one after 和

  for (const s of secs) {
    const h = s.header.replace(/\s+/g, ' ');
    const name = NAMED_TABLE.exec(h);
    if (/^(或?入组条件|或?包含以下主要诊断\+)/.test(h)) {
      expressions.push(h);
      continue;
    }
    if (name) {
      named.set(`${name[1]}${name[2]}`, s);
      continue;
    }
    switch (h) {
      case '包含以下主要诊断：':
        current().push(tableAtom('pdx', s.codes));
        break;
      case '包含以下主要手术或操作：':
        current().push(tableAtom('pproc', s.codes));
        break;
      case '包含以下主要诊断或其他诊断：':
      case '主要诊断或其他诊断中包含以下诊断：':
      case '包含以下诊断：':
        current().push(tableAtom('dx', s.codes));
        break;
      case '包含以下其他诊断：':
        current().push(tableAtom('sdx', s.codes));
        break;
      case '或包含以下其他诊断：':
        clauses.push([tableAtom('sdx', s.codes)]);
        break;
      case '包含以下手术或操作：':
        current().push(tableAtom('proc', s.codes));
        break;
      case '同时包含以下手术：':
      case '同时包含以下手术或操作：':
        pendingBoth = tableAtom('proc', s.codes);
        current().push(pendingBoth);
        break;
      case '和':
        if (!pendingBoth) throw new Error(`${code}: 和 without 同时包含`);
        current().push(tableAtom('proc', s.codes));
        pendingBoth = undefined;
        break;
      case '全部手术':
      case '包含全部手术':
      case '包含全部手术或操作':
        current().push({ on: 'anyOperation' });
        break;
      case '符合 MDCZ 主诊表，且无手术':
      case '符合 MDCZ 诊断表，且无手术或操作':
        current().push({ on: 'noOperation' });
        break;
      case '包含 WB1、WB2、WB3 的所有主要手术或操作':
        current().push(tableAtom('pproc', unionOf(['WB1', 'WB2', 'WB3'])));
        break;
      default:
        throw new Error(`${code}: a table header the compiler does not know: "${h}"`);
    }
  }

  if (expressions.length === 0) {
    if (named.size > 0) throw new Error(`${code}: named tables without an entry condition`);
    const rule = clauses.filter((c) => c.length > 0);
    return {
      rule,
      wording: secs
        .map((s) => s.header)
        .filter(Boolean)
        .join(' '),
    };
  }

  // Entry conditions: clauses are separated by "或入组条件" or by a line starting with "或";
  // terms by "+"; a parenthesised term lists alternatives ("（主要诊断或其他诊断）").
  const clauseTexts = expressions
    .flatMap((line) => line.replace(/^或/, '').split(/或(?=入组条件)/))
    .map((t) => t.replace(/^入组条件\s*\d*：/, '').replace(/^包含以下/, ''));
  const rule: RawRule = [];
  for (const text of clauseTexts) {
    let alternatives: RawAtom[][] = [[]];
    for (const term of text.split('+')) {
      const names = [...term.matchAll(TERM_NAME)].map((m) => `${m[1]}${m[2]}`);
      if (names.length === 0) throw new Error(`${code}: cannot read the term "${term}" of "${text}"`);
      const atoms = names.map((n) => {
        const table = named.get(n);
        if (!table) throw new Error(`${code}: the condition names "${n}" but the file has no such table`);
        return tableAtom(KIND_OF[n.replace(/\d+$/, '')]!, table.codes);
      });
      alternatives = alternatives.flatMap((clause) => atoms.map((a) => [...clause, a]));
    }
    rule.push(...alternatives);
  }
  return { rule, wording: expressions.join(' ') };
}

/**
 * Conditions an MDCP ADRG's name states and its tables leave out: the newborn's age in days and
 * birth weight. Read from the name, so a renamed group cannot silently keep an old condition.
 */
function nameConditions(name: string): { ageDays?: Range; birthWeightGrams?: Range } {
  const out: { ageDays?: Range; birthWeightGrams?: Range } = {};
  const n = name.replace(/\s+/g, '').replace(/</g, '＜').replace(/>/g, '＞');
  if (n.includes('29天≤出生年龄＜1周岁')) out.ageDays = { from: 29, below: 365 };
  else if (/新生儿|足月儿|早产儿|极度发育不全/.test(n)) out.ageDays = { below: 29 };
  if (n.includes('出生体重＜1500g')) out.birthWeightGrams = { below: 1500 };
  else if (n.includes('出生体重1500-1999g')) out.birthWeightGrams = { from: 1500, below: 2000 };
  else if (n.includes('出生体重2000-2499g')) out.birthWeightGrams = { from: 2000, below: 2500 };
  else if (n.includes('出生体重＞2499g')) out.birthWeightGrams = { from: 2500 };
  return out;
}

/**
 * Whether an ADRG's procedures are operating-room ones. By its letter (A–J surgical, K–Q non-OR),
 * except the treatment groups 1.1 letters as surgical though they name no operation: MDCR's
 * chemotherapy, radiotherapy, interventional/radiofrequency and targeted-therapy groups (RB1–RG1)
 * and the interventional groups (介入治疗). 2.0 letters those K–Q.
 */
function operatingRoomKind(code: string, name: string): AdrgKind {
  const kind = adrgKind(code);
  if (kind === 'surgical' && name.includes('治疗') && !/术|移植|植入|植皮/.test(name)) return 'non-or';
  return kind;
}

const adrgKind = (code: string): AdrgKind => {
  const second = code[1]!;
  if (second <= 'J') return 'surgical';
  if (second <= 'Q') return 'non-or';
  return 'medical';
};

/**
 * The split of an ADRG into DRGs by the last digit: 1 with MCC, 3 with CC, 5 without, 9 unsplit.
 * Where only 1 and 5 exist, 1 is "伴严重并发症或合并症" (with an MCC), so a case with a CC and no MCC
 * goes to 5: 2.0 names its 5 "不伴严重…", every regional weight list names the 1 "伴严重…", and
 * OpenDRG groups so. 1.1's transcription words the 5 "不伴并发症或合并症", which read literally would
 * send a CC case to 1, a group whose name then contradicts the case. Where only 3 and 5 exist, an
 * MCC is a CC and goes to 3.
 */
function severitySplit(adrg: string, drgs: { code: string; name: string }[]): [string, string, string] {
  const by = new Map(drgs.map((d) => [d.code[3]!, d]));
  const digits = [...by.keys()].sort().join('');
  const code = (d: string) => by.get(d)!.code;
  switch (digits) {
    case '9':
      return [code('9'), code('9'), code('9')];
    case '135':
      return [code('5'), code('3'), code('1')];
    case '35':
      return [code('5'), code('3'), code('3')];
    case '15':
      return [code('5'), code('5'), code('1')];
    default:
      throw new Error(`${adrg}: DRGs ${digits} do not form a known split`);
  }
}

// ---------------------------------------------------------------------------------------------
// One package
// ---------------------------------------------------------------------------------------------

export interface CompiledPackage {
  envelope: PackageEnvelope;
  data: PackageData;
}

export function compilePackage(version: GrouperVersion, source = DEFAULT_SOURCE): CompiledPackage {
  const reader = new Reader(source);
  const layout = LAYOUT[version];

  // Lists, in published order.
  const mdcList = reader.pairs(layout.mdcList).map(([code, name]) => ({ letter: code.replace(/^MDC/, ''), name }));
  const adrgList = reader.pairs(layout.adrgList).map(([code, name]) => ({ code, name }));
  const drgList = reader.pairs(layout.drgList).map(([code, name]) => ({ code, name }));

  // ADRG rules (WJ1 of 2.0 refers to WB1–WB3's principal procedures, so those are read first).
  const adrgFiles = reader.files(layout.adrgFolder);
  const fileOf = (code: string) => {
    // 2.0 keeps sub-tables (AH2_1_…, AH2_2_…) beside the ADRG's own file (AH2_…): take the latter.
    const own = adrgFiles.filter((f) => f.startsWith(`${code}_`) && !/^[A-Z]{2}\d_\d+_/.test(f));
    if (own.length !== 1) throw new Error(`${version} ${code}: expected one rule file, found ${own.length}`);
    return `${layout.adrgFolder}/${own[0]}`;
  };
  const rules = new Map<string, { rule: RawRule; wording: string }>();
  const unionOf = (codes: string[]) => [
    ...new Set(
      codes.flatMap((c) => {
        const r = rules.get(c);
        if (!r) throw new Error(`${c} must be compiled before the ADRG that refers to it`);
        return r.rule
          .flat()
          .filter((a) => a.on === 'pproc')
          .flatMap((a) => a.codes ?? []);
      }),
    ),
  ];
  const ordered = [...adrgList].sort((a, b) => Number(a.code === 'WJ1') - Number(b.code === 'WJ1'));
  for (const { code } of ordered) rules.set(code, adrgRule(sections(reader, fileOf(code)), code, unionOf));

  // MDC tables: principal diagnoses per MDC; MDCZ by body region; MDCA has none.
  const mdcFiles = reader.files(layout.mdcFolder);
  const mdcTables = new Map<string, { codes: string[]; anyDiagnosis: boolean; regions?: { name: string; codes: string[] }[] }>();
  for (const { letter } of mdcList) {
    const file = mdcFiles.find((f) => f.startsWith(`MDC${letter}_`));
    if (!file) throw new Error(`${version} MDC${letter}: no diagnosis file`);
    const secs = sections(reader, `${layout.mdcFolder}/${file}`);
    if (letter === 'A') {
      mdcTables.set(letter, { codes: [], anyDiagnosis: false });
      continue;
    }
    if (letter === 'Z') {
      // Region name, then "包含以下（主要）诊断：", then its codes.
      const regions: { name: string; codes: string[] }[] = [];
      for (const s of secs) {
        if (s.codes.length === 0 && !s.header.startsWith('包含')) regions.push({ name: s.header, codes: [] });
        else if (s.header.startsWith('包含')) regions[regions.length - 1]!.codes.push(...s.codes);
      }
      mdcTables.set(letter, { codes: [...new Set(regions.flatMap((r) => r.codes))], anyDiagnosis: false, regions });
      continue;
    }
    const headers = secs.map((s) => s.header);
    if (secs.length !== 1 || !['包含以下主要诊断：', '包含以下诊断：'].includes(headers[0]!)) {
      throw new Error(`${version} MDC${letter}: unexpected headers ${headers.join(' | ')}`);
    }
    // "包含以下诊断" (2.0 MDCY) opens the MDC on any diagnosis, not only the principal one.
    mdcTables.set(letter, { codes: secs[0]!.codes, anyDiagnosis: headers[0] === '包含以下诊断：' });
  }

  // Severity tables and code lists.
  const mcc = reader.pairs(layout.mcc);
  const cc = reader.pairs(layout.cc);
  const exclusions = reader.pairs(layout.exclusions);
  const listedDx = reader.pairs(ICD.diagnoses).map(([c]) => c);
  const listedPx = reader.pairs(ICD.procedures).map(([c]) => c);
  const grey = reader.pairs(ICD.greyDiagnoses).map(([c]) => c);
  const greyPx = reader.pairs(ICD.greyProcedures).map(([c]) => c);
  const notPrincipal = layout.notPrincipal ? reader.pairs(layout.notPrincipal).map(([c]) => c) : [];
  const operationsList = reader.pairs(layout.operations.path).map(([c]) => c);
  const clinicalDx = reader.pairs(ICD.clinicalDiagnoses).filter(([from, to]) => from !== to);
  const clinicalPx = reader.pairs(ICD.clinicalProcedures).filter(([from, to]) => from !== to);

  // Intern every code.
  const dxCodes = new Set<string>([
    ...listedDx,
    ...grey,
    ...notPrincipal,
    ...mcc.map(([c]) => c),
    ...cc.map(([c]) => c),
    ...exclusions.map(([c]) => c),
    ...clinicalDx.map(([, to]) => to),
  ]);
  const pxCodes = new Set<string>([...listedPx, ...greyPx, ...operationsList, ...clinicalPx.map(([, to]) => to)]);
  for (const t of mdcTables.values()) t.codes.forEach((c) => dxCodes.add(c));
  for (const r of rules.values()) {
    for (const a of r.rule.flat()) for (const c of a.codes ?? []) (a.kind === 'dx' ? dxCodes : pxCodes).add(c);
  }
  const diagnoses = [...dxCodes].sort();
  const procedures = [...pxCodes].sort();
  const dxIndex = new Map(diagnoses.map((c, i) => [c, i]));
  const pxIndex = new Map(procedures.map((c, i) => [c, i]));
  const dx = (codes: Iterable<string>) => [...new Set([...codes].map((c) => dxIndex.get(c)!))].sort((a, b) => a - b);
  const px = (codes: Iterable<string>) => [...new Set([...codes].map((c) => pxIndex.get(c)!))].sort((a, b) => a - b);

  const listedDxSet = new Set(listedDx);
  const listedPxSet = new Set(listedPx);
  const outside = (codes: Iterable<string>, listed: Set<string>) => [...new Set(codes)].filter((c) => !listed.has(c));
  const tableDx = [
    ...[...mdcTables.values()].flatMap((t) => t.codes),
    ...[...rules.values()].flatMap((r) =>
      r.rule
        .flat()
        .filter((a) => a.kind === 'dx')
        .flatMap((a) => a.codes ?? []),
    ),
  ];
  const tablePx = [...rules.values()].flatMap((r) =>
    r.rule
      .flat()
      .filter((a) => a.kind === 'px')
      .flatMap((a) => a.codes ?? []),
  );
  const dxOutside = outside(tableDx, listedDxSet);
  const pxOutside = outside(tablePx, listedPxSet);
  // Codes the version's own tables use are valid for it even where the 医保版 list transcription
  // predates them (2.0 adds extension codes such as 37.5100x001): the grouping standard knows them.
  if (dxOutside.length)
    reader.notes.push(
      `${dxOutside.length} diagnosis code(s) in the MDC/ADRG tables are not in the 医保版 2.0 list; accepted as valid for ${version}: ${dxOutside.slice(0, 8).join(' ')}${dxOutside.length > 8 ? ' …' : ''}`,
    );
  if (pxOutside.length)
    reader.notes.push(
      `${pxOutside.length} procedure code(s) in the ADRG tables are not in the 医保版 2.0 list; accepted as valid for ${version}: ${pxOutside.slice(0, 8).join(' ')}${pxOutside.length > 8 ? ' …' : ''}`,
    );

  // Tables, deduplicated (the four PS tables are one list, for example).
  const tables: PackageData['tables'] = [];
  const tableIds = new Map<string, number>();
  const tableOf = (kind: 'dx' | 'px', codes: string[]): number => {
    const ids = kind === 'dx' ? dx(codes) : px(codes);
    const key = `${kind}:${ids.join(',')}`;
    let id = tableIds.get(key);
    if (id === undefined) {
      id = tables.length;
      tables.push({ kind, codes: encodeGaps(ids) });
      tableIds.set(key, id);
    }
    return id;
  };

  const mdcs: PackageData['mdcs'] = mdcList.map(({ letter, name }) => {
    const t = mdcTables.get(letter)!;
    return {
      code: letter,
      name,
      ...(letter === 'M' ? { sex: 'M' as const } : letter === 'N' ? { sex: 'F' as const } : {}),
      ...(letter === 'A' ? {} : { table: tableOf('dx', t.codes) }),
      ...(t.anyDiagnosis ? { anyDiagnosis: true } : {}),
      ...(t.regions ? { regions: t.regions.map((r) => ({ name: r.name, table: tableOf('dx', r.codes) })) } : {}),
    };
  });

  const drgsByAdrg = new Map<string, { code: string; name: string }[]>();
  for (const d of drgList) drgsByAdrg.set(d.code.slice(0, 3), [...(drgsByAdrg.get(d.code.slice(0, 3)) ?? []), d]);
  const adrgs: PackageData['adrgs'] = adrgList.map(({ code, name }) => {
    const { rule, wording } = rules.get(code)!;
    const drgs = drgsByAdrg.get(code);
    if (!drgs) throw new Error(`${version} ${code}: no DRG`);
    return {
      code,
      name,
      mdc: code[0]!,
      kind: adrgKind(code),
      rule: rule.map((clause) => clause.map((a): Atom => (a.codes ? { on: a.on, table: tableOf(a.kind!, a.codes) } : { on: a.on }))),
      ...nameConditions(name),
      drgs: severitySplit(code, drgs),
      wording,
    };
  });
  const unknownAdrg = [...drgsByAdrg.keys()].filter((a) => !rules.has(a));
  if (unknownAdrg.length) throw new Error(`${version}: DRGs of unknown ADRGs ${unknownAdrg.join(' ')}`);

  const invalidOperations = new Set(operationsList);
  const listedOperations =
    layout.operations.meaning === 'valid'
      ? px(operationsList.filter((c) => pxIndex.has(c)))
      : px([...listedPx, ...pxOutside].filter((c) => !invalidOperations.has(c)));

  // Operating-room procedures (手术室手术), the ones that send a case to QY: those a surgical ADRG
  // of an MDC opened by the principal diagnosis names, no non-OR ADRG names too, and that count as
  // an operation. Ventilation, chemotherapy, targeted therapy or radiosurgery are in non-OR ADRGs
  // only, so they are not. MDCA (transplants, ECMO, ventilation ≥ 96 h) is entered by procedure
  // before any MDC, so its tables say nothing about the operating room.
  const operationSet = new Set(listedOperations);
  const adrgNames = new Map(adrgList.map((a) => [a.code, a.name]));
  const proceduresOf = (kind: AdrgKind) =>
    px(
      [...rules.entries()]
        .filter(([code]) => code[0] !== 'A' && operatingRoomKind(code, adrgNames.get(code) ?? '') === kind)
        .flatMap(([, r]) =>
          r.rule
            .flat()
            .filter((a) => a.kind === 'px')
            .flatMap((a) => a.codes ?? []),
        ),
    );
  // A code a non-OR ADRG also names (2.0's QJ1 lists 99.2801 immunotherapy beside RN2) is the
  // non-OR treatment it is elsewhere, not an operation.
  const nonOr = new Set(proceduresOf('non-or'));
  const operatingRoom = proceduresOf('surgical').filter((i) => operationSet.has(i) && !nonOr.has(i));

  const parallel = (pairs: [string, string][]) => {
    const sorted = pairs.map(([c, t]) => [dxIndex.get(c)!, Number(t)] as const).sort((a, b) => a[0] - b[0]);
    return { codes: encodeGaps(sorted.map(([c]) => c)), tables: sorted.map(([, t]) => t) };
  };

  const data: PackageData = packageDataSchema.parse({
    version,
    codes: { diagnoses, procedures },
    diagnosisSets: {
      listed: encodeGaps(dx([...listedDx, ...dxOutside])),
      grey: encodeGaps(dx(grey)),
      notPrincipal: encodeGaps(dx(notPrincipal)),
    },
    procedureSets: {
      listed: encodeGaps(px([...listedPx, ...pxOutside])),
      grey: encodeGaps(px(greyPx)),
      operations: encodeGaps(listedOperations),
      operatingRoom: encodeGaps(operatingRoom),
    },
    crosswalk: {
      clinicalDiagnoses: { from: clinicalDx.map(([from]) => from), to: clinicalDx.map(([, to]) => dxIndex.get(to)!) },
      clinicalProcedures: { from: clinicalPx.map(([from]) => from), to: clinicalPx.map(([, to]) => pxIndex.get(to)!) },
    },
    tables,
    mdcs,
    adrgs,
    drgs: drgList,
    severity: { mcc: parallel(mcc), cc: parallel(cc), exclusions: parallel(exclusions) },
  });

  const json = Buffer.from(JSON.stringify(data));
  const gz = gzipSync(json, { level: 9 });
  const envelope: PackageEnvelope = {
    format: PACKAGE_FORMAT,
    version,
    title: layout.title,
    attribution:
      'Compiled from transcriptions of the CHS-DRG tables and the 医保版 coding standards by OpenDRG/DRG_Rules, OpenDRG/DRG_Python, OpenDRG/DRG_Datas and weicong/OpenDRG_Rules (Apache-2.0). See NOTICE.md and the LICENSE.* files beside this file. Transcriptions, not the official publications: where they differ, the NHSA document wins.',
    counts: {
      mdc: mdcs.length,
      adrg: adrgs.length,
      drg: drgList.length,
      cc: cc.length,
      mcc: mcc.length,
      exclusionTables: new Set(exclusions.map(([, t]) => t)).size,
      diagnoses: listedDx.length,
      procedures: listedPx.length,
      greyDiagnoses: new Set(grey).size,
      greyProcedures: new Set(greyPx).size,
      notPrincipalDiagnoses: new Set(notPrincipal).size,
      operationProcedures: listedOperations.length,
      operatingRoomProcedures: operatingRoom.length,
      crosswalkDiagnoses: clinicalDx.length,
      crosswalkProcedures: clinicalPx.length,
    },
    compiledFrom: reader.used
      .filter((u, i, all) => all.findIndex((v) => v.path === u.path) === i)
      .sort((a, b) => a.path.localeCompare(b.path)),
    notes: reader.notes,
    payload: {
      encoding: 'gzip+base64',
      bytes: json.length,
      sha256: createHash('sha256').update(json).digest('hex'),
      data: gz.toString('base64'),
    },
  };
  return { envelope, data };
}

// ---------------------------------------------------------------------------------------------
// Weight lists (RW) for the region policies
// ---------------------------------------------------------------------------------------------

/** The lists the policies in policies/drg/ use. Add one here, run drg:compile, then import it in shared/policy/drg.ts (WEIGHT_LISTS) so a DRG policy may name it. */
export const WEIGHT_LISTS = [
  { id: 'yantai-2023', file: 'weights/烟台2023.csv', city: '烟台', year: 2023, grouperVersion: '1.1' as GrouperVersion },
];

export interface WeightList {
  id: string;
  city: string;
  year: number;
  grouperVersion: GrouperVersion;
  source: { path: string; sha256: string };
  attribution: string;
  /** DRG (or QY / 0000) code → relative weight as published, decimal. */
  weights: Record<string, number>;
}

export function compileWeights(spec: (typeof WEIGHT_LISTS)[number], source = DEFAULT_SOURCE): WeightList {
  const reader = new Reader(source);
  const [header, ...rows] = reader.lines(spec.file).map((l) => l.split(','));
  const codeCol = 0;
  const rwCol = header!.findIndex((h) => h === 'RW' || h === '权重');
  if (rwCol < 0) throw new Error(`${spec.file}: no RW column`);
  const weights: Record<string, number> = {};
  for (const row of rows) {
    const code = row[codeCol]!.trim();
    const rw = row[rwCol]?.trim();
    if (!rw) continue; // published without a weight (a group the city does not pay by DRG)
    if (!/^\d+(\.\d{1,4})?$/.test(rw)) throw new Error(`${spec.file}: ${code} has RW "${rw}", not a decimal with at most 4 places`);
    weights[code] = Number(rw);
  }
  return {
    id: spec.id,
    city: spec.city,
    year: spec.year,
    grouperVersion: spec.grouperVersion,
    source: reader.used[0]!,
    attribution:
      'From OpenDRG/DRG_Datas, Payment/ (Apache-2.0), via ../shared/data/chs-drg/weights. See NOTICE.md and LICENSE.OpenDRG-DRG_Datas beside this file.',
    weights: Object.fromEntries(Object.entries(weights).sort(([a], [b]) => a.localeCompare(b))),
  };
}

// ---------------------------------------------------------------------------------------------
// Attribution beside every derived file
// ---------------------------------------------------------------------------------------------

const notice = (what: string) => `# Attribution

${what} derived from the CHS-DRG reference data in \`../shared/data/chs-drg\`, which transcribes
China's national DRG scheme (国家医疗保障疾病诊断相关分组 CHS-DRG) and the 医保版 coding standards. The
transcriptions were gathered from these public repositories, each under the Apache License 2.0 (the
licence texts are beside this file):

| data | source | licence |
|---|---|---|
| CHS-DRG 1.1 rules (MDC, ADRG, DRG tables) | OpenDRG/DRG_Rules, folder CHS_DRG_11 | Apache-2.0 (LICENSE.OpenDRG-DRG_Rules) |
| CHS-DRG 1.1 lookup tables (CC, MCC, CCE, DRG, SS_VALID), ICD info and crosswalks | OpenDRG/DRG_Python, drg_group/chs_drg_11/DATA | Apache-2.0 (LICENSE.OpenDRG-DRG_Python) |
| CHS-DRG 2.0 (NHSA, 2024-07) | weicong/OpenDRG_Rules, folder CHS_DRG_20 (fork of OpenDRG/DRG_Rules) | Apache-2.0 (LICENSE.weicong-OpenDRG_Rules) |
| ICD-10 / ICD-9-CM-3 医保版 2.0, grey codes, 国临版 crosswalks; city weight lists | OpenDRG/DRG_Datas (and its Payment/ folder) | Apache-2.0 (LICENSE.OpenDRG-DRG_Datas) |

These are transcriptions, not the official publications: the licences cover the transcribers' work.
Where a table and the official NHSA document disagree, the document wins.

Generated by \`npm run drg:compile\` (tools/drg-compile.ts); do not edit by hand.
`;

function writeAttribution(dir: string, source: string, what: string, licenses: string[]): void {
  writeFileSync(join(dir, 'NOTICE.md'), notice(what));
  // Copied by content, not by file: the source is read-only and the copies should not be.
  for (const l of licenses) writeFileSync(join(dir, l), readFileSync(join(source, l)));
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

export function packageFileName(version: GrouperVersion): string {
  return `chs-drg-${version}.json`;
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--source');
  const source = at >= 0 && args[at + 1] ? resolve(args[at + 1]!) : DEFAULT_SOURCE;
  if (!existsSync(source)) throw new Error(`No reference data at ${source} (use --source <dir>)`);

  mkdirSync(PACKAGES_DIR, { recursive: true });
  for (const version of ['1.1', '2.0'] as const) {
    const started = performance.now();
    const { envelope } = compilePackage(version, source);
    const file = join(PACKAGES_DIR, packageFileName(version));
    writeFileSync(file, `${JSON.stringify(envelope, null, 1)}\n`);
    const c = envelope.counts;
    process.stdout.write(
      `${relative(REPO_ROOT, file)}: ${c.mdc} MDC / ${c.adrg} ADRG / ${c.drg} DRG, CC ${c.cc}, MCC ${c.mcc}, ${c.exclusionTables} exclusion tables; ` +
        `payload ${(envelope.payload.bytes / 1024).toFixed(0)} KB → ${(Buffer.byteLength(envelope.payload.data) / 1024).toFixed(0)} KB gzip+base64 (${(performance.now() - started).toFixed(0)} ms)\n`,
    );
    for (const note of envelope.notes) process.stdout.write(`  note: ${note}\n`);
  }
  writeAttribution(PACKAGES_DIR, source, 'The rule packages in this folder are', LICENSE_FILES);

  mkdirSync(WEIGHTS_DIR, { recursive: true });
  for (const spec of WEIGHT_LISTS) {
    const list = compileWeights(spec, source);
    const file = join(WEIGHTS_DIR, `${spec.id}.json`);
    writeFileSync(file, `${JSON.stringify(list, null, 1)}\n`);
    process.stdout.write(`${relative(REPO_ROOT, file)}: ${Object.keys(list.weights).length} weights from ${spec.file}\n`);
  }
  writeAttribution(WEIGHTS_DIR, source, 'The weight lists in this folder are', ['LICENSE.OpenDRG-DRG_Datas']);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
