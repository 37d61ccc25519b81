/**
 * What every enrolment operation shares: the clock (read once per request, in the agency's
 * calendar), the retry loop around an optimistic write, and turning a domain refusal into the
 * uniform HTTP error.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { agencyDate } from '../../../shared/time/agency-calendar.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { fieldRefusal } from '../../../shared/refusal/refusal.ts';
import { refuse, type Problem, type Refused } from '../../../shared/enrolment/problems.ts';
import type { WriteResult } from '../../../shared/enrolment/store/members.ts';
import { retry } from '../../../shared/runtime/retry.ts';

export interface Clock {
  /** yyyy-mm-dd, Asia/Shanghai. */
  today: string;
  /** ISO instant, stamped on what is written. */
  now: string;
}

export const clockNow = (): Clock => {
  const instant = new Date();
  return { today: agencyDate(instant), now: instant.toISOString() };
};

export interface OperationContext {
  clock: Clock;
  correlationId: string;
  /** Check and decide, write nothing (the bulk endpoint's dry run). */
  dryRun?: boolean;
  /** The request's logger: events the bus refuses after a commit are reported here (they wait in the outbox). */
  logger: Pick<Logger, 'warn'>;
}

const MAX_ATTEMPTS = 6;

/**
 * Runs read → decide → write until the write's conditions hold. A cancelled write means someone
 * else committed in between (the racing enrolment, a category, a contribution; or the same fact,
 * whose event is still waiting in the outbox under the key this write wanted): the next attempt
 * reads what they wrote and decides again, so the loser of a race gets the answer the state now
 * gives (unchanged, or 409 naming the winner) rather than an error.
 */
export async function untilWritten<T>(attempt: () => Promise<T | Refused | { retry: WriteResult }>, field: string): Promise<T | Refused> {
  const raced = (result: T | Refused | { retry: WriteResult }): result is { retry: WriteResult } =>
    typeof result === 'object' && result !== null && 'retry' in result;
  // Jittered, growing pauses: two racers rarely collide twice.
  const result = await retry(attempt, { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 20, retryIf: raced });
  if (!raced(result)) return result;
  return refuse(409, [{ field, rule: 'concurrent_update', message: 'the member kept changing under this request; send it again' }]);
}

export const isRefusal = (value: unknown): value is Refused =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

/** Fields from the path or query already say where they came from; body fields get the prefix. */
const prefixed = (problems: Problem[], prefix: string) =>
  problems.map((p) => ({
    ...p,
    field: prefix && !/^(path|query)\./.test(p.field) ? `${prefix}.${p.field}` : p.field,
  }));

/** A domain refusal as the uniform error body, fields named as the request names them (body.idNumber). */
export function toHttpError(refusal: Refused, prefix = 'body'): HttpError {
  // The domain's refusal value becomes the one refusal type, fields named as the request names them.
  const problems = prefixed(refusal.problems, prefix);
  return problems.length > 0
    ? fieldRefusal(refusal.status, problems, refusal.details)
    : new HttpError(refusal.status, refusal.message, { problems, ...refusal.details });
}

export const memberNotFound = (memberId: string): Refused =>
  refuse(404, [{ field: 'path.memberId', rule: 'not_found', message: `no member ${memberId}` }]);
