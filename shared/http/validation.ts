import type * as z from 'zod';
import { badRequest } from './errors.ts';
import { inputProblems } from '../input/walk.ts';

/**
 * The one rule every request's path, query and body pass before any handler (shared/input/walk.ts:
 * characters, lengths, sizes of numbers, reserved keys, depth): a 400 naming each field and rule.
 */
export function refuseBadText(parts: Record<string, unknown>): void {
  const problems = Object.entries(parts).flatMap(([where, value]) => inputProblems(value, where));
  if (problems.length > 0) throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems: problems.slice(0, 20) });
}

export interface FieldProblem {
  /** Dotted path of the offending field, prefixed by where it came from: body.visit.type */
  field: string;
  /** The rule it broke, in zod's vocabulary: invalid_type, too_small, invalid_format, custom … */
  rule: string;
  message: string;
}

/** Turns zod issues into the `details` of a 400: one entry per field, naming the field and the rule. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], where: string): FieldProblem[] {
  return issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].filter(Boolean).join('.'),
    rule: ruleOf(issue),
    message: issue.message,
  }));
}

/** Parses untrusted input at an edge; anything that does not fit is a 400, never a 500. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, where);
  const first = problems[0];
  throw badRequest(first ? `${first.field}: ${first.message}` : `Invalid ${where}`, { problems });
}

/** zod's code, or the domain's own rule name a custom check gives in `params.rule` (e.g. credit_code_check). */
export function ruleOf(issue: z.core.$ZodIssue): string {
  const rule = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
  return typeof rule === 'string' ? rule : issue.code;
}
