/**
 * The one check every request passes before its own schema (shared/http/validation.ts runs it on
 * the body, the query and the path): every string, and every object key, is text by the rule of
 * ./text.ts; no string is longer than MAX_TEXT_LENGTH but a whole file's; no number is larger than
 * MAX_NUMBER; no key names JavaScript's
 * prototype machinery; no body nests deeper than a document needs. So a handler's schema only adds
 * its own field rules, and no field anywhere can carry a NUL, a bidi override or a megabyte title.
 */
import { MAX_TEXT_LENGTH, textProblem } from './text.ts';

export interface InputProblem {
  field: string;
  rule: string;
  message: string;
}

/** Keys no request may use: they name the prototype machinery of a JavaScript object (`obj[key]` lookups). */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Fields that carry a whole file (the bulk imports' CSV or JSON lines): their own schemas cap them
 * (megabytes) and they may hold line breaks; their characters are checked all the same.
 */
export const FILE_FIELDS: ReadonlySet<string> = new Set(['content']);

/**
 * No number a request carries is larger than this (a trillion yuan in fen; a province's fund is a
 * hundredth of it), so no figure the API takes is a float past 2^53 and ninety of them still add up
 * exactly. Each field's own schema sets its tighter bound (a bill's line and total: shared/settlement/bill.ts).
 */
export const MAX_NUMBER = 100_000_000_000_000;

/** Deeper than any document the API takes (a policy nests about eight levels). */
export const MAX_DEPTH = 32;

/** At most this many problems are listed: enough to fix a request, not a megabyte of them. */
const MAX_PROBLEMS = 20;

/** Every problem of a request's part (`where`: body, query, path), each naming its field and rule. */
export function inputProblems(value: unknown, where: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (field: string, rule: string, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ field, rule, message });
  };
  const walk = (v: unknown, path: string, key: string, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof v === 'string') {
      const file = FILE_FIELDS.has(key);
      if (!file && v.length > MAX_TEXT_LENGTH) add(path, 'too_long', `at most ${MAX_TEXT_LENGTH} characters (this one has ${v.length})`);
      const problem = textProblem(v, false);
      if (problem) add(path, problem.rule, problem.message);
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || Math.abs(v) > MAX_NUMBER) add(path, 'too_big', `a number of at most ${MAX_NUMBER} in size`);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth >= MAX_DEPTH) {
      add(path, 'too_deep', `nested more than ${MAX_DEPTH} levels`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${path}.${i}`, key, depth + 1));
      return;
    }
    for (const k of Object.keys(v)) {
      const field = `${path}.${k}`;
      if (RESERVED_KEYS.has(k)) add(field, 'reserved_key', `${k} is not a field name`);
      const keyProblem = textProblem(k, true);
      if (keyProblem) add(field, keyProblem.rule, `the field name: ${keyProblem.message}`);
      else if (k.length > 200) add(field, 'too_long', 'a field name of more than 200 characters');
      walk((v as Record<string, unknown>)[k], field, k, depth + 1);
    }
  };
  walk(value, where, '', 0);
  return problems;
}
