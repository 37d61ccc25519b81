/**
 * The personal-account terms (个人账户政策) of a region's employee benefit policy (kind `benefits`,
 * scheme `employee`, section `personalAccount`): versioned, effective-dated and cited with the rest
 * of the employee scheme's terms, as the 2021 national reform (国办发〔2021〕14号) lets each region set
 * them. A section of the benefit policy rather than a kind of its own, because settlement already
 * reads that document on the settlement date, and the account's terms change with the employee
 * scheme's, not on their own:
 *
 * - what an in-service employee's account receives each paid month: the whole individual
 *   contribution (the reform's rule), a share of it, or a rate of the wage base;
 * - what a flexible worker's account receives (many regions credit nothing: they pay both parts);
 * - the fixed monthly amount a retiree's account receives from the pooled fund;
 * - family mutual use (家庭共济): which relations, for which uses;
 * - which part of a claim's patient share the account may pay at settlement.
 *
 * Pure: the registry reads the documents (shared/policy/benefits.ts).
 */
import * as z from 'zod';
import { percent as percentOf, yuan } from '../policy/units.ts';
import { basisSchema } from '../policy/document-header.ts';

/** Ratios as the rest of the benefit policy writes them ("100%" → 10,000 basis points), never negative. */
const percent = percentOf();

export const FAMILY_RELATIONS = ['spouse', 'parent', 'child'] as const;
export type FamilyRelation = (typeof FAMILY_RELATIONS)[number];

/** What a family member's account may pay for: a bill's self-pay at settlement, or a resident contribution. */
export const FAMILY_USES = ['self-pay', 'resident-contribution'] as const;
export type FamilyUse = (typeof FAMILY_USES)[number];

/** How a paid month credits the account. */
export const monthlyCreditRuleSchema = z.discriminatedUnion('rule', [
  z.strictObject({
    /** A share of the individual contribution paid that month ("100%": all of it, the reform's rule). */
    rule: z.literal('individual-contribution'),
    share: percent,
    basis: basisSchema,
  }),
  z.strictObject({
    /** A rate of the month's wage base (e.g. "2%" of the base), whatever the split of the contribution. */
    rule: z.literal('base-rate'),
    rate: percent,
    basis: basisSchema,
  }),
  z.strictObject({ rule: z.literal('none'), basis: basisSchema }),
]);
export type MonthlyCreditRule = z.infer<typeof monthlyCreditRuleSchema>;

export const personalAccountTermsSchema = z
  .strictObject({
    inService: monthlyCreditRuleSchema,
    flexible: monthlyCreditRuleSchema,
    retirees: z.strictObject({
      /** Yuan credited from the pooled fund on the first of each month (about 2% of the region's average pension at the reform). */
      monthly: yuan,
      basis: basisSchema,
    }),
    familyUse: z.strictObject({
      relations: z.array(z.enum(FAMILY_RELATIONS)),
      uses: z.array(z.enum(FAMILY_USES)),
      basis: basisSchema,
    }),
    settlement: z.strictObject({
      /**
       * `patient-share`: the whole of what the patient owes after every layer; `in-catalogue`: that,
       * less the part of each line that is out of the catalogue (丙类, 目录外), which stays cash.
       */
      payable: z.enum(['patient-share', 'in-catalogue']),
      basis: basisSchema,
    }),
  })
  .meta({ id: 'PersonalAccountTerms' });
/** The terms as written (percent strings, yuan). */
export type PersonalAccountTermsDocument = z.input<typeof personalAccountTermsSchema>;
/** The terms as read (basis points, fen). */
export type PersonalAccountPolicy = z.output<typeof personalAccountTermsSchema>;
