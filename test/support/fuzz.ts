/**
 * A generator of malformed requests from docs/openapi.json (issue 20.7a): for every operation, a
 * plausible request built from its schemas (examples, enums, formats), then broken one way at a
 * time: a field of the wrong type, a number past every bound (1e308, 2^53 + 1, -1, 1.5), a string
 * of a megabyte, a NUL, a bidi override, a lone surrogate, a reserved key (`__proto__`,
 * `constructor`), nesting thousands deep, an array of thousands, a body that is not JSON or not
 * declared as JSON, path parameters and query values that are crafted (`constructor`, a 5,000-char
 * value, a forged or foreign page cursor, a bad %-escape). Seeded, so a failure can be replayed.
 */
import { seededRandom as prng } from '../../shared/runtime/seeded-random.ts';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  additionalProperties?: boolean | JsonSchema;
}

export interface Operation {
  method: string;
  path: string;
  name: string;
  parameters: { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
  roles: string[];
}

export interface FuzzRequest {
  operation: Operation;
  /** What was broken, for the report: "body.lines.0.quantity ← 1e308". */
  mutation: string;
  method: string;
  /** The path with its parameters, already encoded (a crafted one may be a bad escape on purpose). */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Which token to send: the operation's usual caller, none, a forged one or an expired one. */
  auth: 'caller' | 'none' | 'forged' | 'expired';
}

type Doc = {
  paths: Record<string, Record<string, { requestBody?: any; parameters?: any[]; 'x-roles'?: string[]; operationId?: string }>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

/** Every operation of the document, with its schemas resolved against its components. */
export function operationsOf(doc: Doc, nameOf: (method: string, path: string) => string): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        name: nameOf(method.toUpperCase(), path),
        parameters: (op.parameters ?? []) as Operation['parameters'],
        body: op.requestBody?.content?.['application/json']?.schema,
        roles: op['x-roles'] ?? [],
      });
    }
  }
  return ops;
}

export class Generator {
  readonly random: () => number;
  constructor(
    private readonly components: Record<string, JsonSchema>,
    seed: number,
  ) {
    this.random = prng(seed);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  resolve(schema: JsonSchema | undefined): JsonSchema {
    let s = schema ?? {};
    for (let i = 0; s.$ref && i < 20; i++) s = this.components[s.$ref.split('/').pop()!] ?? {};
    return s;
  }

  /** A plausible value of a schema (its example, first enum value, a date for a date…): the base a mutation breaks. */
  plausible(schema: JsonSchema | undefined, depth = 0): unknown {
    const s = this.resolve(schema);
    if (depth > 12) return null;
    if (s.example !== undefined) return s.example;
    if (s.examples?.length) return s.examples[0];
    if (s.const !== undefined) return s.const;
    if (s.enum?.length) return s.enum[0];
    if (s.default !== undefined) return s.default;
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives?.length)
      return this.plausible(alternatives.find((a) => this.resolve(a).type !== 'null') ?? alternatives[0], depth + 1);
    if (s.allOf?.length) {
      return Object.assign({}, ...s.allOf.map((part) => this.plausible(part, depth + 1)).filter((v) => v && typeof v === 'object'));
    }
    const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
    switch (type ?? (s.properties ? 'object' : undefined)) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(s.properties ?? {})) out[key] = this.plausible(prop, depth + 1);
        return out;
      }
      case 'array':
        return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => this.plausible(s.items, depth + 1));
      case 'integer':
        return s.minimum ?? 1;
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      case 'string':
        if (s.format === 'date') return '2025-03-01';
        if (s.format === 'date-time') return '2025-03-01T08:00:00.000Z';
        if (s.format === 'uri') return 'https://example.org/hook';
        return 'x';
      default:
        return null;
    }
  }
}

/** Values that break a field of any type: each is wrong somewhere, many everywhere. */
export const BAD_VALUES: readonly [string, unknown][] = [
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['2^53+1', 2 ** 53 + 1],
  ['-1', -1],
  ['1.5', 1.5],
  ['0', 0],
  ['true', true],
  ['null', null],
  ['{}', {}],
  ['[]', []],
  ['"" (empty)', ''],
  ['"NaN"', 'NaN'],
  ['NUL', 'a\u0000b'],
  ['RLO (bidi override)', '\u202E张三'],
  ['lone surrogate', 'x\uD800y'],
  ['control character', 'a\u0007b'],
  ['100,000 characters', '医'.repeat(100_000)],
  ['__proto__ key', JSON.parse('{"__proto__": {"polluted": true}}')],
  ['constructor key', { constructor: { name: 'x' } }],
  ['3,000 items', Array.from({ length: 3_000 }, (_, i) => i)],
];

/** Path parameter values a caller may craft; each is encoded as a client would, some on purpose badly. */
export const BAD_PATH_VALUES: readonly [string, string][] = [
  ['constructor', 'constructor'],
  ['__proto__', '__proto__'],
  ['toString', 'toString'],
  ['5,000 characters', 'A'.repeat(5_000)],
  ['bad %-escape', '%zz'],
  ['truncated UTF-8 escape', '%E4%B8'],
  ['NUL', '%00'],
  ['RLO', '%E2%80%AE'],
  ['dot-dot', '..'],
  ['CJK', encodeURIComponent('医保')],
  ['emoji', encodeURIComponent('😀')],
  ['Extension B', encodeURIComponent('𠀀')],
  ['space', '%20'],
  ['negative', '-1'],
  ['huge number', '99999999999999999999999'],
];

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Query values a caller may craft: page cursors forged or of another list, numbers out of range, reserved words. */
export const BAD_QUERY_VALUES: readonly [string, string][] = [
  ['cursor: not base64 JSON', 'not-a-cursor'],
  ['cursor: empty key values', b64({ pk: '', sk: '', gsi1pk: '', gsi1sk: '' })],
  [
    'cursor: another region',
    b64({ pk: 'ALERT#x', sk: 'x', gsi1pk: 'REGION#110000', gsi1sk: 'x', gsi2pk: 'REGION#110000#YEAR#2025', gsi2sk: 'x' }),
  ],
  ['cursor: extra attributes', b64({ pk: 'x', sk: 'x', gsi2pk: 'REGION#330900#YEAR#2025', gsi2sk: 'x', injected: { S: 'x' } })],
  ['cursor: numbers for keys', b64({ pk: 1, sk: 2, gsi2pk: 3, gsi2sk: 4 })],
  ['cursor: an array', b64([1, 2, 3])],
  ['cursor: 1,999 characters', 'A'.repeat(1_999)],
  ['1e308', '1e308'],
  ['-1', '-1'],
  ['NaN', 'NaN'],
  ['20-digit number', '99999999999999999999'],
  ['constructor', 'constructor'],
  ['__proto__', '__proto__'],
  ['NUL', '%00'],
  ['RLO', '%E2%80%AE'],
  ['lone surrogate (CESU-8)', '%ED%A0%80'],
  ['5,000 characters', 'x'.repeat(5_000)],
];

/** Every leaf path of a plausible value ([] for the value itself), to break one at a time. */
export function leafPaths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (out.length > 400) return out;
  if (Array.isArray(value)) value.slice(0, 2).forEach((v, i) => leafPaths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leafPaths(v, [...prefix, k], out);
  return out;
}

/** A deep copy of `value` with the field at `path` replaced (or removed, for `undefined`). */
export function withField(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path;
  if (rest.length === 0 && replacement === undefined) delete copy[head!];
  else copy[head!] = withField(copy[head!], rest, replacement);
  return copy;
}

/** A JSON text of `depth` nested arrays: parses, but no schema takes it. */
export const deeplyNested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** JSON.stringify, but `__proto__` set through JSON.parse stays an own key in the text. */
export const toJson = (value: unknown) => JSON.stringify(value);
