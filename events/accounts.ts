import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * Personal-account events (个人账户): one per entry the accounts function posts (a month's credit,
 * a retiree's credit, a family member's resident contribution, a staff adjustment, a transfer with
 * the member). A claim's payment and its refund travel on ClaimSettled and ClaimReversed
 * (`payment.personalAccountFen`), which commit with them. A member id, never a name or ID number.
 */
const fen = z.number().int();
const regionCode = z.string().regex(/^\d{6}$/, 'a 6-digit region code');

export const PersonalAccountEntryPosted = defineEvent({
  source: EventSource.accounts,
  detailType: DetailType.personalAccountEntryPosted,
  schemaVersion: 1,
  payload: z
    .object({
      memberId: z.string().min(1),
      /** The account's pooling region after the entry (a transfer's is the new one). */
      region: regionCode,
      seq: z.number().int().positive(),
      kind: z.enum(['contribution-credit', 'retiree-credit', 'family-contribution', 'adjustment', 'transfer', 'status-change']),
      /** The holder's status after the entry. */
      status: z.enum(['in-service', 'flexible', 'retired']),
      /** Signed fen: positive a credit, negative a payment. */
      amountFen: fen,
      balanceAfterFen: fen.nonnegative(),
      year: z.number().int(),
      /** The month a credit is for (YYYY-MM). */
      month: z
        .string()
        .regex(/^\d{4}-\d{2}$/)
        .optional(),
      /** The fact the entry records (event id, staff reference). */
      reference: z.string().min(1),
      /** A family member the entry paid for (家庭共济): member id and relation. */
      beneficiary: z.object({ memberId: z.string().min(1), relation: z.enum(['spouse', 'parent', 'child']) }).optional(),
      postedAt: z.iso.datetime({ offset: true }),
    })
    .strict(),
});

export const accountEvents = [PersonalAccountEntryPosted] as const;
