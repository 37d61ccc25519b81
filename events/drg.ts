import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';
import { claimRef } from './claims.ts';

/**
 * CaseGrouped: a settled inpatient case was grouped and its points recorded on the provider's
 * ledger for the year. Published once per case, after the record (and any readmission cut it made)
 * is committed. Points are whole centipoints (0.01 point), as money is whole fen.
 */
const centipoints = z.number().int();

export const CaseGrouped = defineEvent({
  source: EventSource.drg,
  detailType: DetailType.caseGrouped,
  schemaVersion: 1,
  payload: z.object({
    claim: claimRef,
    memberId: z.string().min(1),
    region: z.string().regex(/^\d{6}$/),
    /**
     * The payment method the case was grouped and pointed by: CHS-DRG (drg) or DIP (dip). Absent on
     * cases recorded before DIP: drg. The year-end pays a region-year by one method's points
     * (year-end terms, yearEnd.payBy); a stay with no case of that method is paid by items.
     */
    method: z.enum(['drg', 'dip']).optional(),
    /** The ledger year: the year of discharge. */
    year: z.number().int(),
    admissionDate: z.iso.date(),
    dischargeDate: z.iso.date(),
    grouping: z.object({
      version: z.enum(['1.1', '2.0']),
      mdc: z.string().nullable(),
      adrg: z.string().nullable(),
      drg: z.string(),
      ccLevel: z.enum(['MCC', 'CC', 'none']).nullable(),
      outcome: z.enum(['grouped', 'qy', 'ungroupable']),
    }),
    /**
     * A DIP case's group (method dip): its code in the region's catalogue ("K80|51.22+51.23", or a
     * comprehensive "K80|operation"), core or comprehensive, the treatment kind, the catalogue
     * version. `grouping` then carries the group's code as `drg`, null MDC/ADRG/CC and the CHS-DRG
     * version whose tables told the operations, so a reader of `grouping` alone never mistakes it
     * for a DRG; DRG readers skip method dip.
     */
    dip: z
      .object({
        group: z.string().nullable(),
        kind: z.enum(['core', 'comprehensive']).nullable(),
        treatment: z.enum(['conservative', 'procedure', 'operation']).nullable(),
        catalogue: z.object({ region: z.string(), year: z.number().int(), version: z.number().int() }),
      })
      .optional(),
    points: z.object({
      /** dip: a DIP case at its group's score × coefficient (the DIP counterpart of drg). */
      pricing: z.enum(['drg', 'dip', 'high-cost', 'low-cost', 'bed-day', 'cost-based']),
      /** RW in basis points (0.7107 = 7107); null for a case without a weight. */
      weight: z.number().int().nullable(),
      baseCentipoints: centipoints,
      coefficient: z.number().int(),
      addOns: z.array(
        z.object({ kind: z.enum(['new-technology', 'grade-four-surgery', 'tcm-share']), share: z.number().int(), centipoints }),
      ),
      centipoints,
      review: z.boolean(),
    }),
    /**
     * The readmission cuts recorded together with this case: to an earlier admission it readmits, or
     * to itself when a readmission within the window was recorded before it (messages arrive in any
     * order). Each cut is reported once, in the event of the case whose recording made it, so a
     * projection applies every cut listed here, whichever side this case is on.
     */
    readmissionCuts: z.array(
      z.object({
        earlier: claimRef,
        readmission: claimRef,
        daysBetween: z.number().int(),
        deltaCentipoints: centipoints,
      }),
    ),
    /** The policy the points were computed under. */
    policy: z.object({ region: z.string(), year: z.number().int(), version: z.number().int() }),
  }),
});
