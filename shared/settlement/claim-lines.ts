/**
 * A settled claim's lines as the claim events carry them, and what a consumer needs of them when a
 * bill is too large to carry them at all. Pure: adjudication makes the event from it, and a consumer
 * that must read the lines of a large bill (fraud scoring) rebuilds exactly the same lines from the
 * stored claim (shared/settlement/store/claims.ts `readClaimLines`).
 *
 * EventBridge refuses an event over 256 KB, and an event the bus refuses never reaches anyone. A
 * bill of 2,000 lines (the API's limit) with long names and trace codes makes several hundred KB of
 * lines, so an event whose detail would pass `EVENT_DETAIL_BUDGET` carries instead the line count and
 * the amounts by category (what DRG grouping reads of the lines), and the consumer that needs each
 * line reads it by claim key. Every other bill's event carries its lines as before.
 */
import type * as z from 'zod';
import type { claimLineSchema } from '../../events/claims.ts';
import type { Bill } from './bill.ts';
import type { Statement } from './statement.ts';

export type ClaimLine = z.input<typeof claimLineSchema>;

/** Bytes (UTF-8) of a claim event's detail with its lines, above which it carries them by reference: half the bus's 256 KB. */
export const EVENT_DETAIL_BUDGET = 128 * 1024;

/** The lines as settled: the class settlement used (the catalogue's where one is in force), not the one the bill declared; no price limit. */
export function claimLinesOf(bill: Pick<Bill, 'lines'>, statement: Pick<Statement, 'lines'>): ClaimLine[] {
  return bill.lines.map(({ priceLimitFen: _limit, ...line }, i) => ({ ...line, itemClass: statement.lines[i]!.itemClass }));
}

/** The billed amount of each line category (drug, tcm-herbal, surgery…), in fen. */
export function amountsByCategory(lines: readonly Pick<ClaimLine, 'category' | 'amountFen'>[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of lines) sums[line.category] = (sums[line.category] ?? 0) + line.amountFen;
  return sums;
}

/** UTF-8 bytes of a value as JSON: what the bus counts. */
const utf8 = new TextEncoder();
export const jsonBytes = (value: unknown): number => utf8.encode(JSON.stringify(value)).byteLength;
