/** tools/code-metrics.ts: the pure parts that measure a source text and read the duplicates command's answer. */
import { describe, expect, it } from 'vitest';
import { countLines, countLongLines, countShape, grantsOf, measureFunctions, parseDuplicates, SHAPES } from '../../tools/code-metrics.ts';

const SOURCE = `/** A doc comment is not part of the function. */
export function add(a: number, b: number): number {
  const sum = a + b;
  return sum;
}

export function overloaded(x: string): string;
export function overloaded(x: string): string {
  return x;
}

const double = (x: number) => x * 2;

export class Counter {
  private n = 0;
  constructor(start: number) {
    this.n = start;
  }
  get value(): number {
    return this.n;
  }
  bump(): void {
    for (const _ of [1]) {
      this.n++;
    }
  }
}

export const handler = httpApi(logger, {
  'GET /v1/things': async (request) => {
    const things = await load(request);
    return { things };
  },
});

const wrapped = middy(async () => {
  return 1;
}).use(logging());

const doubled = [1, 2].map((x) => {
  return x * 2;
});

[3].forEach(function named(x) {
  console.log(x);
});
`;

describe('measureFunctions', () => {
  it('finds every named function with its first line, its lines and its statements', () => {
    expect(measureFunctions('sample.ts', SOURCE)).toEqual([
      { name: 'add', line: 2, lines: 4, statements: 2 },
      { name: 'overloaded', line: 8, lines: 3, statements: 1 },
      { name: 'double', line: 12, lines: 1, statements: 1 },
      { name: 'Counter.constructor', line: 16, lines: 3, statements: 1 },
      { name: 'get Counter.value', line: 19, lines: 3, statements: 1 },
      { name: 'Counter.bump', line: 22, lines: 5, statements: 2 },
      { name: "handler = httpApi(…)['GET /v1/things']", line: 30, lines: 4, statements: 2 },
      { name: 'wrapped = middy(…)', line: 36, lines: 3, statements: 1 },
      { name: 'named', line: 44, lines: 3, statements: 1 },
    ]);
  });

  it('measures a function spread over lines by its first and last token, whatever the formatting', () => {
    const oneLine = measureFunctions('a.ts', 'function f(a: number) { if (a > 1) { return a; } return 0; }\n');
    const spread = measureFunctions('b.ts', 'function f(\n  a: number,\n) {\n  if (a > 1) {\n    return a;\n  }\n  return 0;\n}\n');
    expect(oneLine).toEqual([{ name: 'f', line: 1, lines: 1, statements: 3 }]);
    expect(spread).toEqual([{ name: 'f', line: 1, lines: 8, statements: 3 }]);
  });
});

describe('line counts', () => {
  it('counts lines as an editor numbers them, and lines over the limit in code points', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('a\nb\n')).toBe(2);
    expect(countLines('a\nb')).toBe(2);
    expect(countLongLines(`${'x'.repeat(141)}\n${'x'.repeat(140)}\n${'医'.repeat(141)}\n`)).toBe(2);
  });
});

describe('parseDuplicates', () => {
  it('reads the pairs and the boilerplate ones from the first line', () => {
    const out = [
      '32 pairs of places (289 files read), each sharing runs of 6 or more identical or same-shape lines (31 by shape alone, 23 of those marked boilerplate)',
      'D1 infra/topology.ts:342-362 ~ infra/topology.ts:364-373 shape (+12 more runs)',
      'D2 a.ts:1-6 ~ b.ts:1-6 shape boilerplate',
      'left out: 2 runs of 6 lines that stand in more than 8 places each (too common to list)',
    ].join('\n');
    expect(parseDuplicates(out)).toMatchObject({ pairs: 32, filesRead: 289, boilerplate: 23, notBoilerplate: 9, rows: 2 });
    expect(parseDuplicates(out).notes).toEqual(['left out: 2 runs of 6 lines that stand in more than 8 places each (too common to list)']);
  });

  it('reads "no duplicates" as none', () => {
    expect(parseDuplicates('no duplicates (12 files read)\n')).toMatchObject({
      pairs: 0,
      filesRead: 12,
      boilerplate: 0,
      notBoilerplate: 0,
    });
  });
});

describe('counted shapes and grants', () => {
  it('counts retry loops by line and "mark published" functions by definition, in source folders only', () => {
    const files = [
      { path: 'functions/a.ts', text: 'for (let attempt = 1; ; attempt++) {}\nawait markLinePublished(x);\n' },
      { path: 'shared/b.ts', text: 'export async function markLinePublished() {}\nwhile (attempt < 3) {}\n' },
      { path: 'test/c.ts', text: 'for (let attempt = 0; ; ) {}\n' },
    ];
    const [retries, marks] = SHAPES.map((s) => countShape(s, files));
    expect(retries).toMatchObject({ count: 2, files: 2, hits: ['functions/a.ts:1', 'shared/b.ts:2'] });
    expect(marks).toMatchObject({ count: 1, files: 1, hits: ['shared/b.ts:1'] });
  });

  it('counts one grant per table, one for publishing and one per queue', () => {
    expect(
      grantsOf('prepayment', { tables: { providers: 'readwrite', policies: 'read' }, publishes: true, sendsTo: ['work'] }).grants,
    ).toBe(4);
    expect(grantsOf('authorizer', { tables: {}, publishes: false, sendsTo: [] }).grants).toBe(0);
  });
});
