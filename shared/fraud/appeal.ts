/**
 * A provider's appeal (申诉) of a claim's audit result: the text it sends, recorded on the claim's
 * case with who sent it and when, for the regulator who works the case. An appeal's id is derived
 * from the case, the sender and the text, so a retried request records it once.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';

export const appealRequestSchema = z.strictObject({
  /** Why the provider disputes the hits: the clinical facts, the documents it can show. */
  text: z.string().trim().min(1).max(4000),
});
export type AppealRequest = z.infer<typeof appealRequestSchema>;

export interface Appeal {
  appealId: string;
  alertId: string;
  providerCode: string;
  claimNo: string;
  /** The caller's subject (the HIS account that sent it). */
  by: string;
  at: string;
  text: string;
  /** The case's status when the appeal arrived. */
  caseStatus: string;
}

export const appealId = (alertId: string, by: string, text: string): string =>
  `AP-${createHash('sha256').update(`${alertId}\n${by}\n${text}`).digest('hex').slice(0, 20)}`;
