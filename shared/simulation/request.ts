/**
 * A simulation request (pure): a draft policy document of a kind the simulation can settle under,
 * a window of settled claims, and the assumptions of the projection. Every rule is named by field,
 * so a bad request is a 400 that says what to fix.
 */
import * as z from 'zod';
import { percent, yuan } from '../policy/units.ts';

const isoDate = z.iso.date();
const region = z.string().regex(/^\d{6}$/, 'a region code is the 6-digit administrative division code');

/**
 * The kinds a draft may be: benefits (every claim settled again), DRG or DIP payment parameters (every
 * stay pointed again), year-end terms (the point value and each provider's entitlement settled again)
 * and catalogue changes (every line of the draft's codes re-classed and re-priced: catalogue-draft.ts).
 */
export const DRAFT_KINDS = ['benefits', 'drg', 'dip', 'year-end', 'catalogue'] as const;
export type DraftKind = (typeof DRAFT_KINDS)[number];

export const simulationWindowSchema = z
  .strictObject({
    /** The pooling region whose members' claims are settled again. */
    region,
    /** One scheme, or both when left out (a DRG draft pays both schemes' stays). */
    scheme: z.enum(['employee', 'resident']).optional(),
    /** Settlement (discharge) dates, inclusive; one insurance year, since accumulators are yearly. */
    from: isoDate,
    to: isoDate,
  })
  .superRefine((w, ctx) => {
    if (w.to < w.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from', params: { rule: 'window_order' } });
    if (w.from.slice(0, 4) !== w.to.slice(0, 4))
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'a window lies in one insurance year (accumulators start again each year)',
        params: { rule: 'one_year' },
      });
  });
export type SimulationWindow = z.infer<typeof simulationWindowSchema>;

/**
 * The projection's assumptions (all optional: the defaults are stated in projection.ts and echoed in
 * the report). Percentages as the policy documents write them ("5%", "-1.5%").
 */
export const assumptionsSchema = z.strictObject({
  /** The fund's accumulated reserve (累计结余) at the start of the projected year, yuan. Default: the region's budget's reserve. */
  openingReserve: yuan.optional(),
  /** The pooled fund's income over the window's year, yuan. Default: the in-force payments annualised (a fund in balance). */
  annualIncome: yuan.optional(),
  contributionGrowth: percent({ signed: true }).optional(),
  costTrend: percent({ signed: true }).optional(),
  enrolmentChange: percent({ signed: true }).optional(),
  /** The catastrophic-expenditure line (灾难性医疗支出): a member's out-of-pocket over the window above it is counted. */
  catastrophicLine: yuan.optional(),
  /** The points pool (yuan) the window's DRG (or DIP) points divide; default: the region's budget's DRG budget, prorated to the window. */
  drgBudget: yuan.optional(),
});
export type AssumptionsInput = z.infer<typeof assumptionsSchema>;

export const simulationRequestSchema = z.strictObject({
  draft: z.strictObject({
    kind: z.enum(DRAFT_KINDS),
    /** The whole document, as it would be published with POST /v1/policies (validated by its kind's schema). */
    document: z.record(z.string(), z.unknown()),
  }),
  window: simulationWindowSchema,
  assumptions: assumptionsSchema.default({}),
  /** How many of the most affected members and providers the report lists. */
  top: z.number().int().min(1).max(200).default(20),
});
export type SimulationRequest = z.infer<typeof simulationRequestSchema>;
