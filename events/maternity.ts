import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * Maternity insurance (生育保险): a pregnancy registered (生育登记) and a maternity allowance (生育津贴)
 * granted. Published by the maternity function through the one outbox, each in the same transaction
 * as the record it reports; the delivery and antenatal claims themselves are ClaimSettled /
 * ClaimReversed (visit types delivery, antenatal) like every claim. Member ids only, never a name or
 * an ID number.
 */
const fen = z.number().int().nonnegative();
const regionCode = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
const isoDate = z.iso.date();

export const PregnancyRegistered = defineEvent({
  source: EventSource.maternity,
  detailType: DetailType.pregnancyRegistered,
  schemaVersion: 1,
  payload: z
    .object({
      memberId: z.string().min(1),
      pregnancyId: z.string().min(1),
      /** The member's pooling region (the audit trail files the event under it). */
      region: regionCode,
      scheme: z.enum(['employee', 'resident']),
      expectedDeliveryDate: isoDate,
      /** The provider that holds the pregnancy's record (建档) and is paid its antenatal care per capita. */
      providerCode: z.string().min(1),
      registeredOn: isoDate,
    })
    .strict(),
});

export const MaternityAllowanceGranted = defineEvent({
  source: EventSource.maternity,
  detailType: DetailType.maternityAllowanceGranted,
  schemaVersion: 1,
  payload: z
    .object({
      memberId: z.string().min(1),
      pregnancyId: z.string().min(1),
      region: regionCode,
      /** The delivery claim the allowance follows. */
      delivery: z.object({ providerCode: z.string().min(1), claimNo: z.string().min(1), deliveryDate: isoDate }),
      leaveDays: z.number().int().positive(),
      amountFen: fen,
      payee: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('employer'), employerCode: z.string().min(1) }),
        z.object({ kind: z.literal('member') }),
      ]),
      policy: z.object({ region: regionCode, year: z.number().int(), version: z.number().int().positive() }),
    })
    .strict(),
});

export const maternityEvents = [PregnancyRegistered, MaternityAllowanceGranted] as const;
