/**
 * The compiled rule packages: the counts the issue names, the wording the compiler understood, the
 * attribution kept beside them, and that they are exactly what the reference tables compile to.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compilePackage,
  compileWeights,
  DEFAULT_SOURCE,
  PACKAGES_DIR,
  packageFileName,
  WEIGHT_LISTS,
  WEIGHTS_DIR,
} from '../../tools/drg-compile.ts';
import type { GrouperVersion } from '../../shared/drg/package.ts';
import { decodePackage, packageEnvelope, validatePackage } from '../../shared/drg/rule-packages.ts';

const decoded = { '1.1': decodePackage(packageEnvelope('1.1')), '2.0': decodePackage(packageEnvelope('2.0')) };
const rules = (version: GrouperVersion, code: string) => {
  const a = decoded[version].adrgs.find((x) => x.code === code)!;
  return a.rule.map((clause) => clause.map((atom) => atom.on).join('+')).join(' | ');
};

describe('rule packages', () => {
  it('CHS-DRG 1.1 has 26 MDC / 376 ADRG / 628 DRG, 16,568 CC, 4,678 MCC and 223 exclusion tables', () => {
    expect(packageEnvelope('1.1').counts).toMatchObject({ mdc: 26, adrg: 376, drg: 628, cc: 16_568, mcc: 4_678, exclusionTables: 223 });
    const data = decoded['1.1'];
    expect([data.mdcs.length, data.adrgs.length, data.drgs.length]).toEqual([26, 376, 628]);
  });

  it('CHS-DRG 2.0 has 26 MDC / 409 ADRG / 634 DRG, 8,009 CC, 4,477 MCC and 211 exclusion tables', () => {
    expect(packageEnvelope('2.0').counts).toMatchObject({ mdc: 26, adrg: 409, drg: 634, cc: 8_009, mcc: 4_477, exclusionTables: 211 });
    const data = decoded['2.0'];
    expect([data.mdcs.length, data.adrgs.length, data.drgs.length]).toEqual([26, 409, 634]);
  });

  it('carries payloads that fit the package schema (the loader trusts their checksum instead)', () => {
    for (const version of ['1.1', '2.0'] as const) expect(() => validatePackage(decoded[version])).not.toThrow();
    const tampered = { ...packageEnvelope('2.0'), payload: { ...packageEnvelope('2.0').payload, sha256: '0'.repeat(64) } };
    expect(() => decodePackage(tampered)).toThrow(/corrupt/);
  });

  it('every DRG belongs to an ADRG, and every ADRG maps each severity to one of its DRGs', () => {
    for (const version of ['1.1', '2.0'] as const) {
      const data = decoded[version];
      const drgs = new Set(data.drgs.map((d) => d.code));
      const used = new Set(data.adrgs.flatMap((a) => a.drgs));
      for (const a of data.adrgs) for (const d of a.drgs) expect(d.slice(0, 3)).toBe(a.code);
      expect(used).toEqual(drgs);
    }
  });

  it('reads the 2.0 entry conditions that combine several tables', () => {
    expect(rules('2.0', 'AH2')).toBe('sdx+proc | proc+proc'); // （其他诊断或手术或操作 1）+手术或操作 2
    expect(rules('2.0', 'IB1')).toBe('pdx+pproc | pproc | proc+proc');
    expect(rules('2.0', 'JA1')).toBe('pdx+proc+proc | pdx+proc+proc+proc | pdx+proc+proc');
    expect(rules('2.0', 'JA2')).toBe('pdx+pproc | pdx+proc+proc');
    expect(rules('2.0', 'OF1')).toBe('pdx+pproc | pdx+sdx+pproc');
    expect(rules('2.0', 'WB1')).toBe('pdx+sdx+pproc | sdx+pproc');
    expect(rules('2.0', 'WB3')).toBe('pdx+pproc | sdx+pproc'); // （主要诊断或其他诊断）+主要手术或操作
    expect(rules('2.0', 'WR2')).toBe('pdx | sdx');
    expect(rules('2.0', 'WJ1')).toBe('pproc'); // WB1–WB3's principal procedures
    expect(rules('2.0', 'ZZ1')).toBe('noOperation');
    expect(rules('2.0', 'SB1')).toBe('anyOperation');
    expect(rules('1.1', 'JA1')).toBe('pdx+proc+proc | pdx+proc+proc+proc');
    expect(rules('1.1', 'YC1')).toBe('dx+anyOperation');
    expect(rules('1.1', 'AC1')).toBe('proc+proc');
  });

  it('reads the newborn conditions from the MDCP group names', () => {
    for (const version of ['1.1', '2.0'] as const) {
      const data = decoded[version];
      const p = (code: string) => data.adrgs.find((a) => a.code === code)!;
      expect(p('PS1')).toMatchObject({ ageDays: { below: 29 }, birthWeightGrams: { below: 1500 } });
      expect(p('PS2').birthWeightGrams).toEqual({ from: 1500, below: 2000 });
      expect(p('PS3').birthWeightGrams).toEqual({ from: 2000, below: 2500 });
      expect(p('PS4').birthWeightGrams).toEqual({ from: 2500 });
      expect(p('PB1').ageDays).toEqual({ below: 29 });
      expect(p('PV1').ageDays).toEqual({ from: 29, below: 365 });
      expect(data.adrgs.filter((a) => a.mdc !== 'P').every((a) => !a.ageDays && !a.birthWeightGrams)).toBe(true);
    }
  });

  it('maps a CC case to 5 where only 1 and 5 exist, in both versions (1 = 伴严重并发症或合并症)', () => {
    const ah = decoded['1.1'].adrgs.find((a) => a.code === 'AH1')!;
    // Issue 14: 1.1 sent a CC case to AH11 ("AH15 … 不伴并发症或合并症" read literally); x1 is "with MCC".
    expect(ah.drgs).toEqual(['AH15', 'AH15', 'AH11']);
    const ps = decoded['2.0'].adrgs.find((a) => a.code === 'PS1')!;
    expect(ps.drgs).toEqual(['PS15', 'PS15', 'PS11']); // 2.0: "PS15 … 不伴严重合并症或并发症"
  });

  it("stays small: each package's payload is under 300 KB as stored", () => {
    for (const version of ['1.1', '2.0'] as const) {
      expect(Buffer.byteLength(packageEnvelope(version).payload.data)).toBeLessThan(300 * 1024);
    }
  });

  it('keeps the attribution and the Apache-2.0 licences beside the derived data', () => {
    for (const dir of [PACKAGES_DIR, WEIGHTS_DIR]) {
      const notice = readFileSync(join(dir, 'NOTICE.md'), 'utf8');
      expect(notice).toContain('Apache License 2.0');
      expect(notice).toContain('OpenDRG/DRG_Datas');
      expect(readFileSync(join(dir, 'LICENSE.OpenDRG-DRG_Datas'), 'utf8')).toContain('Apache License');
    }
    for (const l of ['LICENSE.OpenDRG-DRG_Rules', 'LICENSE.OpenDRG-DRG_Python', 'LICENSE.weicong-OpenDRG_Rules']) {
      expect(existsSync(join(PACKAGES_DIR, l)), l).toBe(true);
    }
    expect(packageEnvelope('2.0').attribution).toContain('Apache-2.0');
  });

  // The committed artefacts must be what the tables compile to today (the compiler is deterministic).
  describe.skipIf(!existsSync(DEFAULT_SOURCE))('against the reference tables in ../shared/data/chs-drg', () => {
    it.each(['1.1', '2.0'] as const)('chs-drg-%s.json is up to date', (version) => {
      const committed = JSON.parse(readFileSync(join(PACKAGES_DIR, packageFileName(version)), 'utf8'));
      expect(compilePackage(version).envelope).toEqual(committed);
    });

    it('the weight lists are up to date', () => {
      for (const spec of WEIGHT_LISTS) {
        const committed = JSON.parse(readFileSync(join(WEIGHTS_DIR, `${spec.id}.json`), 'utf8'));
        expect(compileWeights(spec)).toEqual(committed);
      }
    });
  });
});
