/**
 * What adjudication accepts at its edge: the bill, the claim's path, the reversal's body. Every
 * problem is a 400 naming the field and the rule (ours for cross-field rules such as line_total,
 * zod's otherwise), never a 500.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/runtime/canonical-json.ts';
import * as z from 'zod';
import { badRequest, Refusal } from '../../shared/http/errors.ts';
import type { FieldProblem } from '../../shared/http/validation.ts';
import { billSchema, claimNoSchema, providerCodeSchema, type Bill } from '../../shared/settlement/bill.ts';

function problemsOf(issues: readonly z.core.$ZodIssue[], where: string): FieldProblem[] {
  return issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    rule: (issue as { params?: { rule?: string } }).params?.rule ?? issue.code,
    message: issue.message,
  }));
}

/** The bill in a request body, or a 400 listing every problem. */
export function parseBill(body: unknown): Bill {
  const result = billSchema.safeParse(body);
  if (result.success) return result.data;
  const problems = problemsOf(result.error.issues, 'body');
  throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
}

export const claimParams = z.object({ providerCode: providerCodeSchema, claimNo: claimNoSchema });

export const providerClaimsParams = z.object({ providerCode: providerCodeSchema });
export const providerClaimsQuery = z.strictObject({
  /** The insurance year whose claims to list (the year of the accumulators they moved). */
  year: z.coerce.number().int().min(2000).max(2100),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});

export const reversalBody = z.strictObject({
  /** Why (冲正 / 退费): kept on the claim and the ledger entry. */
  reason: z.string().trim().min(1).max(500),
  /** The settlement to reverse; when given it must be the claim's current one (guards against a stale retry). */
  settlementNo: z.number().int().positive().optional(),
});

/**
 * The bill's fingerprint, for idempotency: the same provider and claim number with the same bill
 * replays the stored statement; with a different bill it is a 409. Computed on the parsed bill with
 * keys sorted, so the order a HIS writes its JSON in does not matter.
 */
export function billHash(bill: Bill): string {
  return createHash('sha256').update(canonicalJson(bill)).digest('hex');
}

/** The member's accumulators kept moving under us for every attempt: rare; the caller may retry at once. */
export const contention = () =>
  new Refusal(
    503,
    "The member's year-to-date accumulators changed under every attempt; retry the same request (it is idempotent)",
    {},
    'CONTENTION',
  );
