/**
 * The maternity policy document (kind `maternity`, 生育保险): one pooling region and year, one
 * version. Where the employee scheme and maternity insurance are merged (合并实施, as Honghe's plan
 * says), one document holds the maternity terms of both schemes:
 *
 * - eligibility: employees by the months of contribution paid before the delivery (a policy option:
 *   consecutive or cumulative within a look-back window, whether the delivery month counts, whether a
 *   month paid after the delivery counts); residents by being covered on the delivery date;
 * - delivery (住院分娩) paid per case: a standard by scheme, delivery type and hospital level;
 * - antenatal care (产前检查) paid per capita: one standard per pregnancy, by scheme and level;
 * - the maternity allowance (生育津贴): the employer's average monthly wage of the year before ÷ the
 *   divisor (30) × the days of leave (base days and additions by delivery type and babies), paid to
 *   the employer or the member as the policy says.
 *
 * Written as the papers write it (money in yuan, parsed to integer fen); every section carries its
 * `basis`, the one citation shape of every kind.
 */
import * as z from 'zod';
import type { hospitalLevels } from '../../events/claims.ts';
import { basisSchema, policyHeader, policyYear } from '../policy/document-header.ts';
import { yuan } from '../policy/units.ts';

export const DELIVERY_TYPES = ['vaginal', 'caesarean', 'complicated'] as const;
export type DeliveryType = (typeof DELIVERY_TYPES)[number];
export const MATERNITY_SERVICES = ['delivery', 'antenatal'] as const;
export type MaternityService = (typeof MATERNITY_SERVICES)[number];
export type MaternityScheme = 'employee' | 'resident';
export type Level = (typeof hospitalLevels)[number];

const perLevel = z.strictObject({ primary: yuan, secondary: yuan, tertiary: yuan });
const perType = z.strictObject({ vaginal: perLevel, caesarean: perLevel, complicated: perLevel });

const employeeEligibility = z.strictObject({
  /** Months of contribution needed before the delivery (e.g. 12). */
  minContributionMonths: z.number().int().min(0).max(120),
  /**
   * consecutive: the `minContributionMonths` months just before the delivery are all paid;
   * cumulative: at least that many months paid within the last `lookbackMonths`.
   */
  counting: z.enum(['consecutive', 'cumulative']),
  /** The window counted back from the delivery, in months (cumulative counting; default the minimum). */
  lookbackMonths: z.number().int().positive().max(240).optional(),
  /** Whether the month of the delivery itself counts (the window then ends with it). */
  countDeliveryMonth: z.boolean(),
  /** A month paid after the delivery date (补缴 after the fact) never makes a member eligible when false. */
  countMonthsPaidAfterDelivery: z.boolean(),
  basis: basisSchema,
});

const residentEligibility = z.strictObject({
  /** A resident is eligible when covered (enrolled, contribution paid) on the delivery date. */
  coveredOnDeliveryDate: z.literal(true),
  basis: basisSchema,
});

const addition = z.strictObject({
  /** Stable id, shown on the allowance (difficult-delivery, multiple-birth, yunnan-extension…). */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/),
  name: z.string().min(1),
  days: z.number().int().positive().max(365),
  /** Only for these delivery types (absent: every delivery). */
  deliveryTypes: z.array(z.enum(DELIVERY_TYPES)).min(1).optional(),
  /** The days are granted once per baby beyond the first (多胞胎). */
  perAdditionalBaby: z.boolean().default(false),
  basis: basisSchema,
});

export const maternityPolicySchema = z
  .strictObject({
    ...policyHeader('maternity'),
    ...policyYear,
    eligibility: z.strictObject({ employee: employeeEligibility, resident: residentEligibility }),
    /** 住院分娩按病种支付: the fund's standard per case, by scheme, delivery type and hospital level (yuan). */
    delivery: z.strictObject({
      standards: z.strictObject({ employee: perType, resident: perType.optional() }),
      basis: basisSchema,
    }),
    /** 产前检查按人头支付: one standard per pregnancy, by scheme and the level of the provider that holds the pregnancy's record. */
    antenatal: z.strictObject({
      perPregnancy: z.strictObject({ employee: perLevel, resident: perLevel.optional() }),
      basis: basisSchema,
    }),
    allowance: z.strictObject({
      /** The allowance is an employee benefit; a member of another scheme is refused. */
      schemes: z.array(z.literal('employee')).min(1),
      /** Days the average monthly wage is divided by (30). */
      divisor: z.number().int().positive().max(31),
      baseDays: z.number().int().positive().max(365),
      additions: z.array(addition),
      /**
       * Who is paid: the employer (who kept paying the wage during the leave, 单位垫付) while the
       * member is in service with it on the delivery date, else the member (a flexible worker, or one
       * who has left).
       */
      payee: z.strictObject({ inService: z.enum(['employer', 'member']), otherwise: z.literal('member') }),
      /**
       * The wage the days are paid on: the employer's average monthly wage of the year before the
       * delivery; where no employer paid for the member that year (a flexible worker), the member's own
       * average declared wage of that year when `memberOwnWhenNoEmployer`, else refused.
       */
      memberOwnWhenNoEmployer: z.boolean(),
      basis: basisSchema,
    }),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.allowance.additions.forEach((a, i) => {
      if (ids.has(a.id))
        ctx.addIssue({ code: 'custom', path: ['allowance', 'additions', i, 'id'], message: `addition ${a.id} appears twice` });
      ids.add(a.id);
    });
    const e = p.eligibility.employee;
    if (e.counting === 'cumulative' && e.lookbackMonths !== undefined && e.lookbackMonths < e.minContributionMonths)
      ctx.addIssue({
        code: 'custom',
        path: ['eligibility', 'employee', 'lookbackMonths'],
        message: 'the look-back window is shorter than the months it must hold',
      });
  });
export type MaternityPolicy = z.output<typeof maternityPolicySchema>;
export type MaternityPolicyInput = z.input<typeof maternityPolicySchema>;
