/**
 * Confirmed fraud recoveries (追回) taken from a provider's payments. A regulator confirms an alert's
 * case with an amount to recover (FraudRecoveryConfirmed); the provider owes it until it is taken:
 * from its next prepayment, as far as that advance goes, and whatever is left at its year-end,
 * whole (the year-end may leave the provider owing). Oldest confirmation first. Each take is its own
 * ledger entry, once. Pure: what is owed and what a payment allows in, the takes out.
 */
import type { Fen } from '../money/fen.ts';

export interface OwedRecovery {
  alertId: string;
  confirmedAt: string;
  /** Still to take. */
  outstandingFen: Fen;
}

export interface RecoveryTake {
  alertId: string;
  /** Outstanding when read: the take is written on condition it is still so. */
  outstandingBeforeFen: Fen;
  amountFen: Fen;
}

/**
 * The takes from a payment of `availableFen` (a prepayment: never more than it advances), or of
 * everything owed (`availableFen` null: the year-end).
 */
export function planTakes(owed: readonly OwedRecovery[], availableFen: Fen | null): RecoveryTake[] {
  let left = availableFen === null ? Number.POSITIVE_INFINITY : Math.max(0, availableFen);
  const takes: RecoveryTake[] = [];
  const ordered = [...owed].sort((a, b) => a.confirmedAt.localeCompare(b.confirmedAt) || a.alertId.localeCompare(b.alertId));
  for (const r of ordered) {
    if (left <= 0) break;
    if (r.outstandingFen <= 0) continue;
    const amountFen = Math.min(r.outstandingFen, left);
    takes.push({ alertId: r.alertId, outstandingBeforeFen: r.outstandingFen, amountFen });
    left -= amountFen;
  }
  return takes;
}

export const takenFen = (takes: readonly RecoveryTake[]): Fen => takes.reduce((a, t) => a + t.amountFen, 0);
