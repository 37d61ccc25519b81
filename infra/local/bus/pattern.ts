/**
 * Amazon EventBridge event-pattern matcher for the local event bus.
 *
 * Written from the AWS EventBridge user guide:
 *  - "Amazon EventBridge event patterns"                       (eb-event-patterns)
 *  - "Content filtering in Amazon EventBridge event patterns"  (eb-event-patterns-content-based-filtering)
 *  - "Matching events on null values and empty strings"        (eb-event-patterns-null-values)
 *  - "Matching multiple values of an event field" (arrays)     (eb-event-patterns-arrays)
 * and the README of aws/event-ruler (the open-source engine behind EventBridge) where
 * the user guide is silent (array-of-objects consistency, wildcard escaping rules).
 *
 * Model: a pattern is an object whose fields are either
 *  - a nested pattern object (descend into the event),
 *  - an array of matchers (a leaf: the field matches if ANY matcher matches), or
 *  - "$or": an array of sub-patterns evaluated against the same event object.
 * Fields of one pattern object are AND-ed; fields absent from the pattern are ignored.
 */
import { BlockList, isIP } from 'node:net';

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

export type ScalarValue = string | number | boolean | null;

export type IgnoreCase = { 'equals-ignore-case': string };

export type AnythingButInner =
  | { prefix: string }
  | { suffix: string }
  | { 'equals-ignore-case': string | string[] }
  | { wildcard: string | string[] };

export type ContentMatcher =
  | { prefix: string | IgnoreCase }
  | { suffix: string | IgnoreCase }
  | { 'equals-ignore-case': string }
  | { 'anything-but': string | number | string[] | number[] | AnythingButInner }
  | { numeric: Array<string | number> }
  | { exists: boolean }
  | { cidr: string }
  | { wildcard: string };

/** One element of a leaf array: an exact value or a content-filter object. */
export type Matcher = ScalarValue | ContentMatcher;

/** A field maps to a leaf array of matchers, a nested pattern, or (for "$or") a list of patterns. */
export type PatternValue = Matcher[] | EventPattern | EventPattern[];

export type EventPattern = { [field: string]: PatternValue };

type JsonObject = { [key: string]: unknown };

const OR_KEY = '$or';

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr', 'wildcard'] as const;
type Operator = (typeof OPERATORS)[number];

/** Numeric matching is limited to -5.0e9..+5.0e9 inclusive (docs: Numeric matching). */
const NUMERIC_LIMIT = 5e9;

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOperator(k: string): k is Operator {
  return (OPERATORS as readonly string[]).includes(k);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function flattenDeep(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) out.push(...flattenDeep(v));
    else out.push(v);
  }
  return out;
}

function lower(s: string): string {
  return s.toLowerCase();
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern as JsonObject, event);
}

/**
 * Matches a (sub-)pattern against an event value.
 *
 * When the event value is an array of objects, the sub-pattern must be satisfied by ONE
 * element: Event Ruler "refuses to recognize any match in which any two fields are within
 * JSON objects that are in different elements of the same array" (event-ruler README,
 * JSON Array Matching). When the value is missing / not an object, it is matched as an
 * empty object, so only `exists: false` leaves can succeed there.
 */
function matchObject(pattern: JsonObject, value: unknown): boolean {
  if (Array.isArray(value)) {
    const objects = flattenDeep(value).filter(isPlainObject);
    const candidates = objects.length > 0 ? objects : [{}];
    return candidates.some((candidate) => matchFields(pattern, candidate));
  }
  return matchFields(pattern, isPlainObject(value) ? value : {});
}

/** All fields of a pattern object must match (AND). */
function matchFields(pattern: JsonObject, obj: JsonObject): boolean {
  return Object.entries(pattern).every(([field, spec]) => {
    if (field === OR_KEY && Array.isArray(spec)) return matchOr(spec, obj);
    const present = Object.hasOwn(obj, field);
    const value = present ? obj[field] : undefined;
    if (Array.isArray(spec)) return matchLeaf(spec, value, present);
    if (isPlainObject(spec)) return matchObject(spec, value);
    return false; // invalid pattern value (validatePattern reports it)
  });
}

/** "$or": any of the sub-patterns must match the same object (docs: "Or" matching). */
function matchOr(branches: readonly unknown[], obj: JsonObject): boolean {
  return branches.some((branch) => isPlainObject(branch) && matchObject(branch, obj));
}

/**
 * Leaf values of an event field. Scalars (including JSON null) are leaves; arrays are
 * flattened (docs: "If the value in the event is an array, then the event pattern matches
 * if the intersection of the event pattern array and the event array is non-empty");
 * objects are intermediate nodes, not leaves.
 */
function leafValues(value: unknown, present: boolean): ScalarValue[] {
  if (!present) return [];
  const raw = Array.isArray(value) ? flattenDeep(value) : [value];
  return raw.filter((v): v is ScalarValue => v === null || (typeof v !== 'object' && v !== undefined));
}

/** A leaf matches if ANY matcher in the array matches (values in an array are OR-ed). */
function matchLeaf(matchers: readonly unknown[], value: unknown, present: boolean): boolean {
  const leaves = leafValues(value, present);
  return matchers.some((matcher) => {
    if (isPlainObject(matcher) && 'exists' in matcher) return matchExists(matcher.exists, leaves);
    // Missing fields never match a value matcher (not even anything-but).
    return leaves.some((leaf) => matchValue(matcher, leaf));
  });
}

/** One matcher against one scalar event value. */
function matchValue(matcher: unknown, value: ScalarValue): boolean {
  if (!isPlainObject(matcher)) return matchExact(matcher, value);
  const [op, arg] = Object.entries(matcher)[0] ?? [];
  switch (op) {
    case 'prefix':
      return matchPrefix(arg, value);
    case 'suffix':
      return matchSuffix(arg, value);
    case 'equals-ignore-case':
      return matchEqualsIgnoreCase(arg, value);
    case 'anything-but':
      return matchAnythingBut(arg, value);
    case 'numeric':
      return matchNumeric(arg, value);
    case 'cidr':
      return matchCidr(arg, value);
    case 'wildcard':
      return matchWildcard(arg, value);
    default:
      return false; // unknown operator (validatePattern reports it)
  }
}

// --- one function per operator ---------------------------------------------

/**
 * Exact match. Strings, numbers, booleans and null must be equal in type and value;
 * docs (null values): "null values and empty strings are not interchangeable".
 * Numbers compare numerically (3.018e2 === 301.8).
 */
function matchExact(expected: unknown, value: ScalarValue): boolean {
  return expected === value;
}

/** docs (Prefix matching): "You can use prefix matching for string values." */
function matchPrefix(arg: unknown, value: ScalarValue): boolean {
  if (typeof value !== 'string') return false;
  if (typeof arg === 'string') return value.startsWith(arg);
  const ic = ignoreCaseOperand(arg);
  return ic !== undefined && lower(value).startsWith(lower(ic));
}

/** docs (Suffix matching): string values only; optional equals-ignore-case variant. */
function matchSuffix(arg: unknown, value: ScalarValue): boolean {
  if (typeof value !== 'string') return false;
  if (typeof arg === 'string') return value.endsWith(arg);
  const ic = ignoreCaseOperand(arg);
  return ic !== undefined && lower(value).endsWith(lower(ic));
}

/** Extracts "x" from { "equals-ignore-case": "x" } (used by prefix / suffix). */
function ignoreCaseOperand(arg: unknown): string | undefined {
  if (!isPlainObject(arg)) return undefined;
  const v = arg['equals-ignore-case'];
  return typeof v === 'string' ? v : undefined;
}

/** docs (Equals-ignore-case matching): string values only. */
function matchEqualsIgnoreCase(arg: unknown, value: ScalarValue): boolean {
  return typeof arg === 'string' && typeof value === 'string' && lower(arg) === lower(value);
}

/**
 * docs (Anything-but matching): "matches anything except what's provided in the rule".
 * A present value of any JSON type that is not excluded matches (AWS matches a null field
 * against `{"anything-but": ["x"]}`); an absent field never matches (handled by matchLeaf).
 * The nested forms exclude strings with the given prefix / suffix / case-insensitive value /
 * wildcard; values that are not strings cannot be excluded by them and therefore match.
 */
function matchAnythingBut(arg: unknown, value: ScalarValue): boolean {
  if (Array.isArray(arg)) return !arg.some((excluded) => matchExact(excluded, value));
  if (!isPlainObject(arg)) return !matchExact(arg, value);
  if (typeof value !== 'string') return true;
  const [op, inner] = Object.entries(arg)[0] ?? [];
  const operands = Array.isArray(inner) ? inner : [inner];
  switch (op) {
    case 'prefix':
      return !operands.some((p) => typeof p === 'string' && value.startsWith(p));
    case 'suffix':
      return !operands.some((s) => typeof s === 'string' && value.endsWith(s));
    case 'equals-ignore-case':
      return !operands.some((s) => matchEqualsIgnoreCase(s, value));
    case 'wildcard':
      return !operands.some((w) => matchWildcard(w, value));
    default:
      return false;
  }
}

/**
 * docs (Numeric matching): "Numeric matching works with values that are JSON numbers" —
 * the string "5" never matches. The array is a list of (operator, operand) pairs that
 * must all hold, e.g. [">", 0, "<=", 5].
 */
function matchNumeric(arg: unknown, value: ScalarValue): boolean {
  if (!isFiniteNumber(value) || !Array.isArray(arg) || arg.length === 0) return false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const operand = arg[i + 1];
    if (typeof op !== 'string' || !isFiniteNumber(operand)) return false;
    if (!compareNumber(op, value, operand)) return false;
  }
  return true;
}

function compareNumber(op: string, value: number, operand: number): boolean {
  switch (op) {
    case '=':
      return value === operand;
    case '<':
      return value < operand;
    case '<=':
      return value <= operand;
    case '>':
      return value > operand;
    case '>=':
      return value >= operand;
    default:
      return false;
  }
}

const cidrCache = new Map<string, { list: BlockList; family: 'ipv4' | 'ipv6' } | null>();

/** Parses "10.0.0.0/24" / "2001:db8::/32" (a bare address means a single host). */
function parseCidr(cidr: string): { list: BlockList; family: 'ipv4' | 'ipv6' } | null {
  const cached = cidrCache.get(cidr);
  if (cached !== undefined) return cached;
  let parsed: { list: BlockList; family: 'ipv4' | 'ipv6' } | null = null;
  const [address = '', bits, ...rest] = cidr.split('/');
  const version = isIP(address);
  if (version !== 0 && rest.length === 0) {
    const max = version === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (Number.isInteger(prefix) && prefix >= 0 && prefix <= max) {
      const family = version === 4 ? 'ipv4' : 'ipv6';
      const list = new BlockList();
      list.addSubnet(address, prefix, family);
      parsed = { list, family };
    }
  }
  cidrCache.set(cidr, parsed);
  return parsed;
}

/** docs (IP address matching): IPv4 and IPv6 CIDR blocks against string IP values. */
function matchCidr(arg: unknown, value: ScalarValue): boolean {
  if (typeof arg !== 'string' || typeof value !== 'string') return false;
  const block = parseCidr(arg);
  const version = isIP(value);
  if (!block || version === 0) return false;
  if ((version === 4 ? 'ipv4' : 'ipv6') !== block.family) return false;
  return block.list.check(value, block.family);
}

/**
 * Wildcard syntax problems, or null if valid. Per event-ruler README (Wildcard matching):
 * consecutive wildcard characters are not allowed, "\*" is a literal star, "\\" a literal
 * backslash, and a backslash escaping any other character is not allowed.
 */
function wildcardProblem(wildcard: string): string | null {
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i];
    if (c === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\') return 'a backslash may only escape "*" or "\\"';
      i++;
    } else if (c === '*' && wildcard[i + 1] === '*') {
      return 'consecutive wildcard characters are not allowed';
    }
  }
  return null;
}

const wildcardCache = new Map<string, RegExp>();

function wildcardRegExp(wildcard: string): RegExp {
  const cached = wildcardCache.get(wildcard);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i] ?? '';
    if (c === '\\' && i + 1 < wildcard.length) {
      source += escapeRegExp(wildcard[i + 1] ?? '');
      i++;
    } else if (c === '*') {
      source += '.*';
    } else {
      source += escapeRegExp(c);
    }
  }
  const re = new RegExp(`^${source}$`, 's');
  wildcardCache.set(wildcard, re);
  return re;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * docs (Wildcard matching): "*" matches zero, one or more characters of a string value
 * (so "*.png" is a suffix match and "*Title*" a contains match); string values only.
 */
function matchWildcard(arg: unknown, value: ScalarValue): boolean {
  if (typeof arg !== 'string' || typeof value !== 'string') return false;
  return wildcardRegExp(arg).test(value);
}

/**
 * docs (Exists matching): "works on the presence or absence of a field in the JSON of the
 * event" and "only works on leaf nodes. It does not work on intermediate nodes" — a field
 * whose value is an object counts as absent. The value itself is not considered, so a
 * field present with JSON null exists.
 */
function matchExists(expected: unknown, leaves: readonly ScalarValue[]): boolean {
  return leaves.length > 0 === expected;
}

// ---------------------------------------------------------------------------
// Validation (run when a rule is registered)
// ---------------------------------------------------------------------------

/** Returns human-readable problems with a pattern; an empty list means it is valid. */
export function validatePattern(pattern: unknown): string[] {
  const problems: string[] = [];
  if (!isPlainObject(pattern)) {
    problems.push('pattern must be a JSON object');
    return problems;
  }
  if (Object.keys(pattern).length === 0) {
    problems.push('pattern must contain at least one field');
    return problems;
  }
  validateObject(pattern, '', problems);
  return problems;
}

function joinPath(base: string, field: string): string {
  return base === '' ? field : `${base}.${field}`;
}

function validateObject(pattern: JsonObject, path: string, problems: string[]): void {
  for (const [field, spec] of Object.entries(pattern)) {
    const here = joinPath(path, field);
    if (field === OR_KEY) validateOr(spec, here, problems);
    else if (Array.isArray(spec)) validateLeaf(spec, here, problems);
    else if (isPlainObject(spec)) {
      if (Object.keys(spec).length === 0) problems.push(`${here}: nested pattern must not be empty`);
      else validateObject(spec, here, problems);
    } else {
      problems.push(`${here}: value must be an array of matchers or a nested object, got ${describe(spec)}`);
    }
  }
}

function validateOr(spec: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(spec) || spec.length < 2) {
    problems.push(`${path}: "$or" must be an array of at least two patterns`);
    return;
  }
  spec.forEach((branch, i) => {
    const here = `${path}[${i}]`;
    if (!isPlainObject(branch) || Object.keys(branch).length === 0) {
      problems.push(`${here}: each "$or" branch must be a non-empty pattern object`);
    } else {
      validateObject(branch, here, problems);
    }
  });
}

function validateLeaf(matchers: readonly unknown[], path: string, problems: string[]): void {
  if (matchers.length === 0) {
    problems.push(`${path}: matcher array must not be empty`);
    return;
  }
  matchers.forEach((matcher, i) => validateMatcher(matcher, `${path}[${i}]`, problems));
}

function validateMatcher(matcher: unknown, path: string, problems: string[]): void {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean') return;
  if (typeof matcher === 'number') {
    if (!Number.isFinite(matcher)) problems.push(`${path}: number must be finite`);
    return;
  }
  if (!isPlainObject(matcher)) {
    problems.push(`${path}: matcher must be a string, number, boolean, null or operator object, got ${describe(matcher)}`);
    return;
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    problems.push(`${path}: operator object must have exactly one key, got ${keys.length}`);
    return;
  }
  const op = keys[0] ?? '';
  if (!isOperator(op)) {
    problems.push(`${path}: unknown operator "${op}"`);
    return;
  }
  const problem = OPERATOR_VALIDATORS[op](matcher[op]);
  if (problem) problems.push(`${path}: ${op}: ${problem}`);
}

const OPERATOR_VALIDATORS: Record<Operator, (arg: unknown) => string | null> = {
  prefix: validateStringOrIgnoreCase,
  suffix: validateStringOrIgnoreCase,
  'equals-ignore-case': (arg) => (typeof arg === 'string' ? null : 'value must be a string'),
  'anything-but': validateAnythingBut,
  numeric: validateNumeric,
  exists: (arg) => (typeof arg === 'boolean' ? null : 'value must be true or false'),
  cidr: (arg) => (typeof arg === 'string' && parseCidr(arg) ? null : 'value must be an IPv4 or IPv6 CIDR block'),
  wildcard: (arg) => (typeof arg === 'string' ? wildcardProblem(arg) : 'value must be a string'),
};

function validateStringOrIgnoreCase(arg: unknown): string | null {
  if (typeof arg === 'string') return null;
  if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    return null;
  }
  return 'value must be a string or {"equals-ignore-case": string}';
}

/**
 * docs (Anything-but matching): a string, a number, a list containing only strings or only
 * numbers, or one of {prefix}, {suffix} (single value: "Anything-but matching only works
 * with a single prefix, not a list"), {equals-ignore-case} or {wildcard} (string or list).
 */
function validateAnythingBut(arg: unknown): string | null {
  if (typeof arg === 'string' || isFiniteNumber(arg)) return null;
  if (Array.isArray(arg)) {
    if (arg.length === 0) return 'list must not be empty';
    if (arg.every((v) => typeof v === 'string') || arg.every(isFiniteNumber)) return null;
    return 'list must contain only strings or only numbers';
  }
  if (!isPlainObject(arg)) return `value must be a string, number, list or object, got ${describe(arg)}`;
  const keys = Object.keys(arg);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined) return 'nested object must have exactly one key';
  const inner = arg[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return typeof inner === 'string' ? null : `${op} must be a single string`;
    case 'equals-ignore-case':
      return isStringOrStringList(inner) ? null : `${op} must be a string or a non-empty list of strings`;
    case 'wildcard': {
      if (!isStringOrStringList(inner)) return `${op} must be a string or a non-empty list of strings`;
      const list = Array.isArray(inner) ? inner : [inner];
      for (const w of list) {
        const problem = wildcardProblem(w);
        if (problem) return problem;
      }
      return null;
    }
    default:
      return `unsupported nested operator "${op}"`;
  }
}

function isStringOrStringList(v: unknown): v is string | string[] {
  return typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string'));
}

/**
 * docs (Numeric matching): pairs of operator and JSON number, e.g. [">", 0, "<=", 5] or
 * ["=", 3.018e2], limited to -5.0e9..+5.0e9. "=" stands alone; otherwise at most one lower
 * bound (">", ">=") and one upper bound ("<", "<=") describing a non-empty range.
 */
function validateNumeric(arg: unknown): string | null {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) {
    return 'value must be a non-empty list of operator/number pairs';
  }
  let lowerBound: { value: number; inclusive: boolean } | undefined;
  let upperBound: { value: number; inclusive: boolean } | undefined;
  let equals = false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const operand = arg[i + 1];
    if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') {
      return `unknown numeric operator ${JSON.stringify(op)}`;
    }
    if (!isFiniteNumber(operand)) return `operand of "${op}" must be a number, got ${describe(operand)}`;
    if (Math.abs(operand) > NUMERIC_LIMIT) return `operand ${operand} is outside -5.0e9..+5.0e9`;
    if (op === '=') equals = true;
    else if (op === '>' || op === '>=') {
      if (lowerBound) return 'more than one lower bound';
      lowerBound = { value: operand, inclusive: op === '>=' };
    } else {
      if (upperBound) return 'more than one upper bound';
      upperBound = { value: operand, inclusive: op === '<=' };
    }
  }
  if (equals && arg.length > 2) return '"=" cannot be combined with other operators';
  if (lowerBound && upperBound) {
    const empty =
      lowerBound.value > upperBound.value || (lowerBound.value === upperBound.value && !(lowerBound.inclusive && upperBound.inclusive));
    if (empty) return 'range is empty (lower bound is above upper bound)';
  }
  return null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
