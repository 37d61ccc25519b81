/**
 * The input rules every request passes (issue 20.5): texts (control characters, bidi controls, lone
 * surrogates, lengths), sizes of numbers, reserved keys and depth (shared/input/), a bill's upper
 * bounds that keep every sum exact (shared/settlement/bill.ts), page cursors (shared/http/cursor.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Refusal } from '../../shared/refusal/refusal.ts';
import { decodeCursor, encodeCursor, pageCursor } from '../../shared/http/cursor.ts';
import { refuseBadText } from '../../shared/http/validation.ts';
import { name, text, textProblem } from '../../shared/input/text.ts';
import { inputProblems, MAX_NUMBER } from '../../shared/input/walk.ts';
import { billSchema, MAX_BILL_FEN, MAX_LINE_FEN } from '../../shared/settlement/bill.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';

const bill = (lines: unknown[]) => ({
  providerCode: 'H33090100001',
  claimNo: 'C-1',
  memberId: 'M7Q2D9K4N8R1T5V3X',
  visit: { type: 'outpatient', serviceDate: '2025-03-01' },
  diagnoses: { principal: 'J06.900' },
  lines,
});
const problemsOf = (value: unknown) =>
  billSchema
    .safeParse(value)
    .error?.issues.map((i) => ({ field: i.path.join('.'), rule: (i as { params?: { rule?: string } }).params?.rule ?? i.code }));

describe('texts', () => {
  it('refuses NUL, C1 controls, bidi overrides and isolates, lone surrogates; keeps every Unicode plane', () => {
    expect(textProblem('张\u0000三')?.rule).toBe('control_character');
    expect(textProblem('x\u0085')?.rule).toBe('control_character');
    expect(textProblem('\u202E三张')?.rule).toBe('bidi_control');
    expect(textProblem('\u2067x\u2069')?.rule).toBe('bidi_control');
    expect(textProblem('a\uDC00')?.rule).toBe('lone_surrogate');
    expect(textProblem('\uD83D')?.rule).toBe('lone_surrogate');
    expect(textProblem('医保 𠀀𪚥 😀 ÅÉ ㈱ 〇')).toBeUndefined();
    expect(textProblem('line one\nline two\ttab')).toBeUndefined();
    expect(textProblem('line one\nline two', true)?.rule).toBe('line_break');
  });

  it('names the rule in a schema built of the shared blocks', () => {
    expect(name(10).safeParse('阿莫西林\u202E').error?.issues[0]).toMatchObject({ params: { rule: 'bidi_control' } });
    expect(name(3).safeParse('阿莫西林').error?.issues[0]).toMatchObject({ code: 'too_big' });
    expect(text(20).safeParse('退费\n原因').success).toBe(true);
  });

  it('the walker names every field: strings, keys, numbers, depth; a whole file may be long', () => {
    expect(
      inputProblems({ title: 'x'.repeat(1_048_576), sources: [{ note: 'a\u0000' }], n: 1e308, m: 2 ** 53 + 1, ok: 12 }, 'body').map(
        (p) => `${p.field}:${p.rule}`,
      ),
    ).toEqual(['body.title:too_long', 'body.sources.0.note:control_character', 'body.n:too_big', 'body.m:too_big']);
    expect(MAX_NUMBER).toBeLessThan(2 ** 53 / 90);
    expect(inputProblems(JSON.parse('{"__proto__":{"a":1},"constructor":1}'), 'body').map((p) => p.rule)).toEqual([
      'reserved_key',
      'reserved_key',
    ]);
    let deep: unknown = [];
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(inputProblems(deep, 'body')).toEqual([
      { field: expect.stringMatching(/^body(\.0)+$/), rule: 'too_deep', message: 'nested more than 32 levels' },
    ]);
    expect(inputProblems({ content: 'a,b\n'.repeat(500_000) }, 'body')).toEqual([]);
    expect(inputProblems({ kind: 'constructor' }, 'path')).toEqual([]);
    try {
      refuseBadText({ path: { memberId: 'M1\u202E' }, query: {}, body: undefined });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Refusal);
      expect((e as Refusal).statusCode).toBe(400);
      expect((e as Refusal).details).toMatchObject({ problems: [{ field: 'path.memberId', rule: 'bidi_control' }] });
    }
  });
});

describe("a bill's upper bounds keep every sum exact", () => {
  it('refuses a quantity of 1e308, a unit price or amount past the line bound, naming the field', () => {
    expect(problemsOf(bill([{ ...exampleLine(1, 'A', 'drug', 10), quantity: 1e308 }]))).toContainEqual({
      field: 'lines.0.quantity',
      rule: 'too_big',
    });
    expect(problemsOf(bill([{ ...exampleLine(1, 'A', 'drug', 10), unitPriceFen: MAX_LINE_FEN + 1 }]))).toContainEqual({
      field: 'lines.0.unitPriceFen',
      rule: 'too_big',
    });
    // 100,000,000,000 fen × 2 passes the line's bound though each field is within its own.
    expect(
      problemsOf(bill([{ ...exampleLine(1, 'A', 'drug', 10), unitPriceFen: MAX_LINE_FEN, quantity: 2, amountFen: MAX_LINE_FEN }])),
    ).toContainEqual({
      field: 'lines.0.amountFen',
      rule: 'line_max',
    });
  });

  it('refuses lines that add up past the bill bound, which is far below 2^53', () => {
    const line = (n: number) => ({ ...exampleLine(n, 'A', 'drug', 10), unitPriceFen: MAX_LINE_FEN, quantity: 1, amountFen: MAX_LINE_FEN });
    const lines = Array.from({ length: 101 }, (_, i) => line(i + 1));
    expect(101 * MAX_LINE_FEN).toBeGreaterThan(MAX_BILL_FEN);
    expect(problemsOf(bill(lines))).toEqual([{ field: 'lines', rule: 'bill_max' }]);
    expect(problemsOf(bill(lines.slice(0, 100)))).toBeUndefined();
    expect(2_000 * MAX_LINE_FEN).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(900 * MAX_BILL_FEN).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });

  it('any bill the schema takes adds up exactly (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_LINE_FEN }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 60 }),
        (parts) => {
          const lines = parts.map(([unit, q], i) => ({
            ...exampleLine(i + 1, 'A', 'drug', 1),
            unitPriceFen: unit,
            quantity: q / 4,
            amountFen: Math.round((unit * q) / 4),
          }));
          const parsed = billSchema.safeParse(bill(lines));
          if (!parsed.success) return;
          const sum = parsed.data.lines.reduce((a, l) => a + l.amountFen, 0);
          expect(Number.isSafeInteger(sum)).toBe(true);
          expect(sum).toBeLessThanOrEqual(MAX_BILL_FEN);
          expect(BigInt(sum)).toBe(parsed.data.lines.reduce((a, l) => a + BigInt(l.amountFen), 0n));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('page cursors', () => {
  const cursor = pageCursor(['pk', 'sk', 'gsi2pk', 'gsi2sk']);
  const key = { pk: 'MEMBER#M1', sk: 'ENROLMENT#2025', gsi2pk: 'REGION#330900#YEAR#2025', gsi2sk: 'M1' };
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as Refusal).statusCode === 400 && ((e as Refusal).details as { problems: unknown }).problems;
    }
    return false;
  };

  it('continues the list it came from, and refuses a crafted one with a 400 on query.cursor', () => {
    expect(cursor.decode(cursor.encode({ ...key, other: 'x' }), { gsi2pk: 'REGION#330900#YEAR#2025' })).toEqual(key);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const crafted of [
      'not-a-cursor',
      b64({ ...key, gsi2pk: 'REGION#110000#YEAR#2025' }),
      b64({ ...key, sk: '' }),
      b64({ ...key, extra: 'x' }),
      b64({ ...key, pk: 1 }),
      b64([1, 2]),
      b64({ ...key, sk: 'x'.repeat(1_025) }),
    ]) {
      expect(
        refused(() => cursor.decode(crafted, { gsi2pk: 'REGION#330900#YEAR#2025' })),
        crafted.slice(0, 40),
      ).toEqual([{ field: 'query.cursor', rule: 'cursor', message: 'not a cursor this list handed out' }]);
    }
    expect(refused(() => decodeCursor(b64({ pk: '' }), () => true))).toBeTruthy();
    expect(decodeCursor(encodeCursor({ pk: 'a', sk: 2 }), () => true)).toEqual({ pk: 'a', sk: 2 });
  });
});
