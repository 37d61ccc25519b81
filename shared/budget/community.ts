/**
 * A county health community (紧密型县域医共体): a county hospital leading township health centres
 * and village clinics. Its capitation surplus and overrun are split between those three tiers
 * (county : township : village, e.g. 2 : 6 : 2), then within a tier by each member's weight (equal
 * unless staff give weights, e.g. the capitated members each unit looks after).
 */
import * as z from 'zod';
import { communityIdSchema, providerCodeSchema, regionSchema } from './budget.ts';
import { TIERS, type Tier } from './policy.ts';

export const healthCommunityInputSchema = z
  .strictObject({
    communityId: communityIdSchema,
    region: regionSchema,
    name: z.string().min(1).max(100),
    /**
     * How members share within a tier: by the weights given (default), or by the members contracted
     * with each provider that year in the family-doctor contracts register (家庭医生签约: the per-capita basis).
     */
    weightBy: z.enum(['given', 'family-doctor-contracts']).default('given'),
    members: z
      .array(
        z.strictObject({
          providerCode: providerCodeSchema,
          tier: z.enum(TIERS),
          weight: z.number().int().positive().max(1_000_000).default(1),
        }),
      )
      .min(1)
      .max(1_000),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.members.forEach((m, i) => {
      if (seen.has(m.providerCode))
        ctx.addIssue({ code: 'custom', path: ['members', i, 'providerCode'], message: `provider ${m.providerCode} is listed twice` });
      seen.add(m.providerCode);
    });
    if (!c.members.some((m) => m.tier === 'county'))
      ctx.addIssue({
        code: 'custom',
        path: ['members'],
        message: 'a health community is led by a county hospital: one member must have tier "county"',
      });
  });
export type HealthCommunity = z.output<typeof healthCommunityInputSchema>;
export interface CommunityMember {
  providerCode: string;
  tier: Tier;
  weight: number;
}

/** The annual assessment (年度考核) of a community: its score decides the surplus share, its rank the overrun rule. */
export const assessmentInputSchema = z.strictObject({
  /** Score out of 100, at most two decimals. */
  score: z
    .number()
    .min(0)
    .max(100)
    .refine((x) => Math.abs(Math.round(x * 100) - x * 100) < 1e-6, 'at most 2 decimal places'),
  /** Place in the region's annual assessment (1 = best). */
  rank: z.number().int().positive(),
  assessedOn: z.iso.date().optional(),
});
export type AssessmentInput = z.infer<typeof assessmentInputSchema>;

export interface Assessment {
  /** Score in basis points of 100 (92.5 → 9,250): the share of the surplus the units get. */
  scoreBasisPoints: number;
  rank: number;
}

export const toAssessment = (a: AssessmentInput): Assessment => ({ scoreBasisPoints: Math.round(a.score * 100), rank: a.rank });
