/**
 * What the enrolment domain says about bad input: the field, the rule it broke and a sentence for
 * a clerk: the one Problem shape of shared/refusal, so a route passes it on unchanged (prefixing
 * `body.`) and the bulk report lists it per row.
 */
import type * as z from 'zod';
import { ruleOf } from '../http/validation.ts';
import type { Problem } from '../refusal/refusal.ts';

export type { Problem };

/**
 * A refusal by the domain or by the state it met, as a value: 400 for input that can never succeed,
 * 404 for a member or enrolment that is not there, 409 for input that contradicts what is stored.
 * A value, not the thrown Refusal of shared/refusal, because a bulk file reports one per row and
 * goes on; a route turns it into that one refusal type (functions/enrolment/services/common.ts).
 */
export interface Refused {
  ok: false;
  status: 400 | 404 | 409;
  message: string;
  problems: Problem[];
  /** Extra facts for the error body's details, such as the enrolment a 409 collided with. */
  details?: Record<string, unknown>;
}

export const refuse = (status: Refused['status'], problems: Problem[], details?: Record<string, unknown>): Refused => ({
  ok: false,
  status,
  message: problems[0] ? `${problems[0].field}: ${problems[0].message}` : 'refused',
  problems,
  ...(details ? { details } : {}),
});

/** zod's issues as problems, with the field paths the caller uses (`body.…` for a route, bare for a bulk row). */
export function zodProblems(issues: readonly z.core.$ZodIssue[], prefix = ''): Problem[] {
  return issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix || 'row',
    rule: ruleOf(issue),
    message: issue.message,
  }));
}
