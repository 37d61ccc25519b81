import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * Budget events: advances, the year-end and fund warnings. Each is published after the state it
 * reports is committed (the run line, the year-end reports, the recorded warning level). They name
 * providers, communities and regions; no member appears in them.
 */
const fen = z.number().int();
const region = z.string().regex(/^\d{6}$/);
const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

/** One provider's line of a prepayment run version: the advance and what this version moved. */
export const PrepaymentIssued = defineEvent({
  source: EventSource.prepayment,
  detailType: DetailType.prepaymentIssued,
  schemaVersion: 1,
  payload: z.object({
    /** PREPAY#<region>#<period>: the run; a corrected run is a new version of it. */
    runId: z.string().min(1),
    region,
    period,
    version: z.number().int().positive(),
    providerCode: z.string().min(1),
    agreement: z.object({ name: z.string(), kind: z.enum(['budget-share', 'last-month-points']) }),
    /** The advance for the month as this version computes it. */
    amountFen: fen.nonnegative(),
    /** What earlier versions issued for the month. */
    issuedBeforeFen: fen,
    /** What this version moved on the ledger: amount − issued before (negative: recovered). */
    differenceFen: fen,
    /** Confirmed fraud recoveries taken from this advance (its own ledger entries): paid out = difference − recovered. */
    recoveredFen: fen.nonnegative().optional(),
  }),
});

/** A region's year-end settlement version is complete: its reports are stored and its ledger entries written. */
export const YearEndSettled = defineEvent({
  source: EventSource.yearEnd,
  detailType: DetailType.yearEndSettled,
  schemaVersion: 1,
  payload: z.object({
    runId: z.string().min(1),
    region,
    year: z.number().int(),
    version: z.number().int().positive(),
    policy: z.object({ region, year: z.number().int(), version: z.number().int() }),
    budgetVersion: z.number().int().positive(),
    pointValue: z.object({ drgBudgetFen: fen, totalCentipoints: z.number().int(), yuanPerPoint: z.string().nullable() }),
    providers: z.number().int().nonnegative(),
    communities: z.number().int().nonnegative(),
    totals: z.object({
      drgPaymentFen: fen,
      itemPaymentFen: fen,
      capitationFen: fen,
      entitlementFen: fen,
      prepaidFen: fen,
      toPayFen: fen,
      toRecoverFen: fen,
      ledgerFen: fen,
    }),
  }),
});

/** A fund measure crossed into a more severe level than last recorded. */
export const FundWarningRaised = defineEvent({
  source: EventSource.prepayment,
  detailType: DetailType.fundWarningRaised,
  schemaVersion: 1,
  payload: z.object({
    region,
    year: z.number().int(),
    /** The last month the measure counts. */
    throughMonth: period,
    kind: z.enum(['reserve-months', 'budget-execution']),
    /** The provider, for budget execution; absent for the region's reserve. */
    providerCode: z.string().min(1).optional(),
    /** The scheme whose own fund the warning is about (its reserve, its budget); absent: the region's whole fund. */
    scheme: z.enum(['employee', 'resident']).optional(),
    level: z.enum(['watch', 'alert']),
    previousLevel: z.enum(['none', 'watch', 'alert']),
    /** reserve-months: hundredths of a month; budget-execution: basis points of pace. */
    value: z.number().int(),
    /** The line crossed, in the same unit. */
    threshold: z.number().int(),
    message: z.string().max(500),
  }),
});
