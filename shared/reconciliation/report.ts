/**
 * What a reconciliation run found (pure): for each claim settled in the window, which downstream
 * facts it should have left and which are missing, added up into the report an operator reads.
 *
 * A settled claim should have: its ClaimSettled in the audit trail, a fraud score of that event, its
 * payment facts (the provider's monthly totals), and, for a stay, the DRG case where the region-year
 * pays by DRG and the DIP case where it holds a DIP catalogue. A reversed claim: its ClaimReversed in
 * the audit trail, applied by fraud scoring and by the payment facts.
 */
export const DOWNSTREAM_FACTS = ['audit', 'fraudScore', 'paymentFacts', 'drgCase', 'dipCase'] as const;
export type DownstreamFact = (typeof DOWNSTREAM_FACTS)[number];

/** One claim as reconciliation saw it: the facts it should have, those missing, and what was done. */
export interface ClaimCheck {
  claim: string;
  settlementNo: number;
  status: 'settled' | 'reversed';
  expected: DownstreamFact[];
  missing: DownstreamFact[];
  /** The event published again for it (absent: nothing missing, or nothing could be published). */
  republished?: 'ClaimSettled' | 'ClaimReversed';
  /** Why nothing could be published (a claim settled before its inputs were kept cannot rebuild its event). */
  unrepairable?: string;
}

export interface ReconciliationReport {
  runId: string;
  trigger: 'schedule' | 'request';
  requestedBy: string;
  window: { from: string; to: string };
  startedAt: string;
  finishedAt: string;
  claims: { found: number; settled: number; reversed: number; withMissing: number; truncated: boolean };
  facts: { expected: number; found: number; missing: Record<DownstreamFact, number> };
  repaired: { republished: number; refusedByBus: number; unrepairable: number };
  /** Up to 100 claims with something missing, for the operator to follow. */
  missingClaims: ClaimCheck[];
}

const zeroes = (): Record<DownstreamFact, number> => ({ audit: 0, fraudScore: 0, paymentFacts: 0, drgCase: 0, dipCase: 0 });

/** Adds the checks up. `refusedByBus`: keys of the events published again that the bus refused. */
export function summarise(
  run: Pick<ReconciliationReport, 'runId' | 'trigger' | 'requestedBy' | 'window' | 'startedAt' | 'finishedAt'>,
  checks: readonly ClaimCheck[],
  refusedByBus: number,
  truncated: boolean,
): ReconciliationReport {
  const missing = zeroes();
  let expected = 0;
  for (const c of checks) {
    expected += c.expected.length;
    for (const f of c.missing) missing[f] += 1;
  }
  const withMissing = checks.filter((c) => c.missing.length > 0);
  const missingTotal = Object.values(missing).reduce((a, b) => a + b, 0);
  const republished = checks.filter((c) => c.republished).length;
  return {
    ...run,
    claims: {
      found: checks.length,
      settled: checks.filter((c) => c.status === 'settled').length,
      reversed: checks.filter((c) => c.status === 'reversed').length,
      withMissing: withMissing.length,
      truncated,
    },
    facts: { expected, found: expected - missingTotal, missing },
    repaired: { republished: republished - refusedByBus, refusedByBus, unrepairable: checks.filter((c) => c.unrepairable).length },
    missingClaims: withMissing.slice(0, 100),
  };
}
