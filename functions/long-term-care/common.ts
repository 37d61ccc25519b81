/** What the long-term care route modules share: the logger, the clock, the caller as an actor, a step's business day. */
import type { Principal } from '../../shared/auth/principal.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import type { Actor } from '../../shared/long-term-care/assessment.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

export const logger = createLogger('long-term-care');

export const now = () => new Date().toISOString();
export const actorOf = (p: Principal): Actor =>
  p.role === 'provider' ? { role: 'provider', id: p.providerCode } : { role: 'staff', id: p.sub };
export const replay = { 'x-idempotent-replay': 'true' };
/** A step's business day: the one given (never after today) or today. */
export function dayOf(given: string | undefined, today: string, field: string): string {
  if (given && given > today) throw fieldRefusal(400, [{ field, rule: 'future_date', message: `${given} is after today (${today})` }]);
  return given ?? today;
}
export const warn = (message: string, extra: Record<string, unknown>) => logger.warn(message, extra);
