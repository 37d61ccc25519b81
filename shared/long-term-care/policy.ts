/**
 * The long-term care insurance policy of a pooling region and year (kind `long-term-care`,
 * policies/long-term-care/<region>/<year>.json): who is covered from when, how the fund is raised,
 * how assessments run, what each severe level is paid in each setting, and the care audit rules.
 * Written in the units of the papers (percent strings, yuan) and parsed to basis points and fen.
 *
 * Pure: no I/O.
 */
import * as z from 'zod';
import { basisSchema, policyHeader, policyYear } from '../policy/document-header.ts';
import { percent, yuan } from '../policy/units.ts';
import { LEVELS, type CareLevel } from './grading-standard.ts';

export const CARE_SETTINGS = ['institutional', 'home-care', 'family-carer'] as const;
export type CareSetting = (typeof CARE_SETTINGS)[number];

export const CARE_AUDIT_RULES = ['care-during-hospital-stay', 'care-after-death', 'hours-beyond-level', 'members-beyond-beds'] as const;
export type CareAuditRule = (typeof CARE_AUDIT_RULES)[number];

const auditRule = z.strictObject({
  enabled: z.boolean(),
  /** deny: what the rule finds is not paid (and the finding recorded); flag: paid, the finding goes to the regulator. */
  action: z.enum(['deny', 'flag']),
  severity: z.enum(['low', 'medium', 'high']),
  basis: basisSchema,
});

const institutional = z.strictObject({
  /** The per-bed-day standard (床日定额) the fund shares. */
  bedDayStandard: yuan,
  fundRatio: percent(),
  monthlyLimit: yuan,
  basis: basisSchema,
});

const homeCare = z.strictObject({
  /** What one unit of service is: a visit or an hour of care by the institution's carer. */
  unit: z.enum(['visit', 'hour']),
  unitStandard: yuan,
  /** The level's units a month (beyond: the hours-beyond-level rule). */
  unitsPerMonth: z.number().int().positive(),
  fundRatio: percent(),
  monthlyLimit: yuan,
  basis: basisSchema,
});

const familyCarer = z.strictObject({
  /** Cash paid for a whole month of the level in force; a part month pays by days. */
  monthly: yuan,
  basis: basisSchema,
});

const levelBenefits = z.strictObject({
  institutional: institutional.optional(),
  homeCare: homeCare.optional(),
  familyCarer: familyCarer.optional(),
});

const levelKey = z.enum(['0', '1', '2', '3', '4', '5']);

export const longTermCarePolicySchema = z
  .strictObject({
    ...policyHeader('long-term-care'),
    ...policyYear,
    coverage: z.strictObject({
      /** Members are covered from this day (the policy's start; employees first). */
      startDate: z.iso.date(),
      schemes: z.array(z.enum(['employee', 'resident'])).min(1),
      /** Residents are covered from this day where the policy extends cover to them (absent: from startDate). */
      residentsFrom: z.iso.date().optional(),
      basis: basisSchema,
    }),
    funding: z.strictObject({
      /** Employees: shares of the monthly wage base (the basic scheme's base), employer and individual. */
      employerRate: percent(),
      individualRate: percent(),
      /** Moved from the employees' basic medical fund per covered employee and month (划转). */
      basicFundTransferPerMemberMonth: yuan,
      /** The government's subsidy per covered employee and month (财政补助). */
      governmentSubsidyPerMemberMonth: yuan,
      /**
       * Residents, where the policy covers them: a year's funding per resident whose year's basic
       * contribution is complete, from the resident's own payment, the residents' basic fund and the
       * government (a year begun after residentsFrom is funded for its covered months only).
       */
      residents: z
        .strictObject({
          individualPerYear: yuan,
          basicFundTransferPerYear: yuan,
          governmentSubsidyPerYear: yuan,
          basis: basisSchema,
        })
        .optional(),
      basis: basisSchema,
    }),
    assessment: z.strictObject({
      qualifyingLevels: z
        .array(z.number().int().min(0).max(5))
        .min(1)
        .transform((l) => [...new Set(l)].sort() as CareLevel[]),
      /** How long a result holds, from the day it is concluded. */
      validityMonths: z.number().int().min(1).max(120),
      /** The re-assessment falls due this many days before the result lapses. */
      reassessBeforeDays: z.number().int().min(0).max(365),
      /** Days after the conclusion within which the member may appeal (申请复评). */
      appealDays: z.number().int().min(1).max(365),
      /** A member living in another region of the same province is assessed by that region's assessors. */
      inProvinceByResidence: z.boolean(),
      basis: basisSchema,
    }),
    /** Benefits of each level that qualifies, by setting. */
    levels: z.partialRecord(levelKey, levelBenefits),
    audit: z.strictObject(Object.fromEntries(CARE_AUDIT_RULES.map((r) => [r, auditRule])) as Record<CareAuditRule, typeof auditRule>),
  })
  .superRefine((p, ctx) => {
    for (const level of p.assessment.qualifyingLevels) {
      if (!p.levels[String(level) as z.infer<typeof levelKey>])
        ctx.addIssue({ code: 'custom', path: ['levels', String(level)], message: `qualifying level ${level} has no benefits` });
    }
    if (p.coverage.startDate < p.effectiveFrom)
      ctx.addIssue({ code: 'custom', path: ['coverage', 'startDate'], message: 'coverage cannot start before the policy takes effect' });
    const residents = p.coverage.schemes.includes('resident');
    if (residents && !p.funding.residents)
      ctx.addIssue({
        code: 'custom',
        path: ['funding', 'residents'],
        message: 'a policy that covers residents says how their care is funded',
      });
    if (!residents && (p.funding.residents || p.coverage.residentsFrom))
      ctx.addIssue({
        code: 'custom',
        path: [p.funding.residents ? 'funding' : 'coverage', p.funding.residents ? 'residents' : 'residentsFrom'],
        message: 'residents are not among the schemes covered',
      });
    if (p.coverage.residentsFrom && p.coverage.residentsFrom < p.coverage.startDate)
      ctx.addIssue({
        code: 'custom',
        path: ['coverage', 'residentsFrom'],
        message: 'residents are covered from the policy’s start at the earliest',
      });
  });

export type LongTermCarePolicy = z.output<typeof longTermCarePolicySchema>;
export type LevelBenefits = z.output<typeof levelBenefits>;

/** The benefits of a level under a policy, when it qualifies. */
export function benefitsOf(policy: LongTermCarePolicy, level: CareLevel): LevelBenefits | undefined {
  if (!policy.assessment.qualifyingLevels.includes(level)) return undefined;
  return policy.levels[String(level) as z.infer<typeof levelKey>];
}

/** The first day a scheme's members are covered by the policy (employees first; residents where it extends cover). */
export const coveredFrom = (policy: LongTermCarePolicy, scheme: 'employee' | 'resident'): string | undefined =>
  policy.coverage.schemes.includes(scheme)
    ? scheme === 'resident'
      ? (policy.coverage.residentsFrom ?? policy.coverage.startDate)
      : policy.coverage.startDate
    : undefined;

export const isCareLevel = (n: number): n is CareLevel => (LEVELS as readonly number[]).includes(n);
