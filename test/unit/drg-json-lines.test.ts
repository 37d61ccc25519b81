/**
 * The batch command's result writer: its bytes are exactly JSON.stringify's line encoded as UTF-8,
 * for the grouper's real results and for any string a result or an error line may carry (quotes,
 * backslashes, control characters, Chinese, astral characters, lone surrogates).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseMix } from '../../bench/drg.bench.ts';
import type { GroupResult, TraceEntry } from '../../shared/drg/case.ts';
import { type ErrorLine, JsonLines } from '../../shared/drg/json-lines.ts';
import { decodePackage, grouperFor, packageEnvelope } from '../../shared/drg/rule-packages.ts';

const asJson = (values: unknown[]) => Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join(''), 'utf8');

/** Every UTF-16 unit, lone surrogates and control characters included, often from the awkward ones. */
const anyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u2028', '医', '\ud83d', '\ude00', '😀', '𠀀'),
    fc.nat(0xffff).map((n) => String.fromCharCode(n)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});
const step = fc.constantFrom<TraceEntry['step']>('codes', 'MDCA', 'MDCP', 'MDCY', 'MDCZ', 'MDC', 'ADRG', 'QY', 'CC', 'DRG');
const entry = fc.record({ step, note: anyString });
const pool: TraceEntry[] = fc.sample(entry, { numRuns: 8, seed: 17 }).map((e) => Object.freeze(e));
const result: fc.Arbitrary<GroupResult> = fc
  .record({
    id: fc.option(anyString, { nil: undefined }),
    version: fc.constantFrom('1.1', '2.0'),
    mdc: fc.option(anyString, { nil: null }),
    adrg: fc.option(anyString, { nil: null }),
    drg: anyString,
    ccLevel: fc.constantFrom('MCC', 'CC', 'none', null),
    outcome: fc.constantFrom('grouped', 'qy', 'ungroupable'),
    // Some entries frozen, as the grouper shares them, and some of those met again in later lines.
    trace: fc.array(
      fc.oneof(
        entry,
        entry.map((e) => Object.freeze(e)),
        fc.constantFrom(...pool),
      ),
    ),
  })
  .map(({ id, ...rest }) => (id === undefined ? rest : { id, ...rest }) as GroupResult);
const errorLine: fc.Arbitrary<ErrorLine> = fc
  .record({ id: fc.option(anyString, { nil: undefined }), version: fc.constantFrom('1.1', '2.0'), line: fc.nat(), error: anyString })
  .map(({ id, ...rest }) => (id === undefined ? rest : { id, ...rest }));

describe('JsonLines', () => {
  it('writes every result and error line as JSON.stringify does, byte for byte, growing from a small buffer', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            result.map((r) => ({ r })),
            errorLine.map((e) => ({ e })),
          ),
          { maxLength: 30 },
        ),
        (lines) => {
          const out = new JsonLines(16);
          for (const l of lines) 'r' in l ? out.result(l.r) : out.error(l.e);
          expect(Buffer.from(out.take())).toEqual(asJson(lines.map((l) => ('r' in l ? l.r : l.e))));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes a lone surrogate as JSON.stringify escapes it, and a pair as its one 4-byte character', () => {
    const out = new JsonLines();
    out.error({ version: '2.0', line: 7, error: 'a\ud800b\udc00c😀"\\\u0001\n' });
    expect(Buffer.from(out.take()).toString('utf8')).toBe('{"version":"2.0","line":7,"error":"a\\ud800b\\udc00c😀\\"\\\\\\u0001\\n"}\n');
  });

  it.each(['1.1', '2.0'] as const)(
    "writes CHS-DRG %s's results for the bench's case mix as JSON.stringify does, shared entries twice over",
    (version) => {
      const grouper = grouperFor(version);
      const results = caseMix(decodePackage(packageEnvelope(version))).map((c) => grouper.group(c));
      expect(results.some((r) => r.trace.some((e) => Object.isFrozen(e)))).toBe(true);
      // Twice: the second time the shared entries are copied from what the first wrote.
      for (let round = 0; round < 2; round++) {
        const out = new JsonLines();
        for (const r of results) out.result(r);
        expect(Buffer.from(out.take()).equals(asJson(results))).toBe(true);
      }
    },
  );

  it('hands over what it wrote and starts again empty', () => {
    const out = new JsonLines(8);
    out.error({ id: 'x', version: '2.0', line: 1, error: 'not valid JSON' });
    const first = out.take();
    expect(out.length).toBe(0);
    out.error({ version: '2.0', line: 2, error: 'not valid JSON' });
    expect(Buffer.from(first).toString()).toBe('{"id":"x","version":"2.0","line":1,"error":"not valid JSON"}\n');
    expect(Buffer.from(out.take()).toString()).toBe('{"version":"2.0","line":2,"error":"not valid JSON"}\n');
  });
});
