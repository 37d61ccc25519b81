import { z } from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/** Fields every claim event shares. No person's name or ID number: the member id only. */
export const claimRef = z.object({
  providerCode: z.string().min(1),
  claimNo: z.string().min(1),
});

export const visitTypes = ['outpatient', 'chronic-outpatient', 'two-diseases-outpatient', 'inpatient', 'bed-day'] as const;

const money = z.number().int().nonnegative();

export const ClaimSettled = defineEvent({
  source: EventSource.adjudication,
  detailType: DetailType.claimSettled,
  schemaVersion: 1,
  payload: z.object({
    claim: claimRef,
    memberId: z.string().min(1),
    region: z.string().regex(/^\d{6}$/),
    visit: z.object({
      type: z.enum(visitTypes),
      serviceDate: z.iso.date(),
      dischargeDate: z.iso.date().optional(),
    }),
    totals: z.object({ billedFen: money, fundPaidFen: money, patientPaidFen: money }),
  }),
});

export const ClaimReversed = defineEvent({
  source: EventSource.adjudication,
  detailType: DetailType.claimReversed,
  schemaVersion: 1,
  payload: z.object({
    claim: claimRef,
    memberId: z.string().min(1),
    region: z.string().regex(/^\d{6}$/),
    reason: z.string().max(500),
  }),
});
