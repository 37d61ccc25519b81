/**
 * A pooling region's contribution and subsidy policy for one insurance year (参保缴费政策), as data.
 *
 * Every figure carries where it comes from in its `basis` (the one citation shape of every kind):
 * the source's id and the sentence it rests on, or `illustrative` saying why it is only an example (the papers in
 * domain/seeds state mechanisms, such as who pays a poor member's share, far more often than
 * amounts). The mechanism below reads only `value`; the provenance is for the people who check it.
 */
import * as z from 'zod';
import { checkCitations } from '../policy/citations.ts';
import { basisSchema, policyHeader, policyYear } from '../policy/document-header.ts';
import { CATEGORY_CODE_PATTERN } from './categories.ts';

/** An amount in integer fen with where it comes from (the one citation shape, document-header.ts). */
const fenFigure = z.strictObject({ value: z.number().int().nonnegative(), basis: basisSchema });
/** A ratio in basis points (10,000 = 100%) with where it comes from. */
const bpFigure = z.strictObject({ value: z.number().int().min(0).max(10_000), basis: basisSchema });
/** A number of months or years with where it comes from. */
const countFigure = (max: number) => z.strictObject({ value: z.number().int().min(0).max(max), basis: basisSchema });
/** A yes-or-no rule with where it comes from. */
const flagFigure = z.strictObject({ value: z.boolean(), basis: basisSchema });

/**
 * Employees' monthly contributions (职工医保按月缴费) and how coverage follows them. Optional: a
 * document without it has employees covered by the year's `activation` alone (the older model).
 * shared/employers/ reads it (monthly.ts, coverage.ts).
 */
export const monthlyTermsSchema = z
  .object({
    /**
     * The region's average monthly wage (上年度全口径城镇单位就业人员月平均工资) the base bounds are set
     * from (typically 60% and 300% of it): the floor and ceiling above stay the figures applied, each
     * with its own basis; this one is checked to lie between them.
     */
    averageMonthlyWage: fenFigure,
    /**
     * Months of grace for arrears (欠费): a month is due by the last day of the graceMonths-th month
     * after it; while a month is unpaid past that deadline, benefits are suspended (shared/employers/
     * coverage.ts). A month paid after its deadline is a back-payment (补缴).
     */
    graceMonths: countFigure(12),
    backPayment: z
      .object({
        /** Whether care in the suspended months is covered once those months are back-paid (待遇追溯). */
        restoresGapMonths: flagFigure,
        /**
         * Where the gap is not restored: months after the back-payment before benefits resume
         * (待遇等待期), counted to the first day of a month; 0: from the day it is paid.
         */
        waitingMonths: countFigure(12),
      })
      .strict(),
    retirees: z
      .object({
        /** Years of contribution (actual plus deemed, 视同缴费) a retiree needs to be covered without paying (最低缴费年限). */
        minimumContributionYears: z.strictObject({ male: countFigure(60), female: countFigure(60) }),
      })
      .strict(),
  })
  .strict();
export type MonthlyTerms = z.infer<typeof monthlyTermsSchema>;

export const PAYERS = ['government', 'assistance'] as const;
/** government: the finance bureau at the level the policy names (county, city…); assistance: the medical-assistance fund (医疗救助基金). */
export type SubsidyPayer = (typeof PAYERS)[number];

const subsidyRule = z
  .object({
    category: z.string().regex(CATEGORY_CODE_PATTERN),
    payer: z.enum(PAYERS),
    /** Either a share of the individual contribution … */
    ratio: bpFigure.optional(),
    /** … or a fixed amount (never more than the individual contribution). */
    fixed: fenFigure.optional(),
    /** The paying level in words (县级财政, 医疗救助基金 …), for the people reading the statement. */
    payerName: z.string().optional(),
  })
  .strict()
  .refine((r) => (r.ratio === undefined) !== (r.fixed === undefined), 'a subsidy rule has exactly one of ratio or fixed');

export const contributionPolicySchema = z
  .object({
    ...policyHeader('enrolment'),
    ...policyYear,
    /** Categories this region defines beyond the standard ones, with a name for each. */
    categories: z.array(z.object({ code: z.string().regex(CATEGORY_CODE_PATTERN), name: z.string().min(1) }).strict()).default([]),
    resident: z
      .object({
        /** 个人缴费标准: what an unsubsidised resident pays for the year. */
        individual: fenFigure,
        /** 财政补助标准: the per-capita fiscal subsidy every resident's contribution receives. */
        governmentSubsidy: fenFigure,
        /** Who pays (part of) the individual contribution of members in a category. */
        subsidies: z.array(subsidyRule),
        /**
         * How several categories combine: only the single most favourable rule applies (the papers
         * speak of one 资助 per person; none adds them up).
         */
        combine: z.literal('most-favourable'),
      })
      .strict(),
    employee: z
      .object({
        employerRate: bpFigure,
        individualRate: bpFigure,
        /** A flexible worker (灵活就业人员) pays the whole rate alone. */
        flexibleRate: bpFigure,
        /** The monthly contribution base is held between a floor and a ceiling (缴费基数上下限). */
        monthlyBaseFloor: fenFigure,
        monthlyBaseCeiling: fenFigure,
        /**
         * first-month-paid: covered once one month's contribution is in (employees pay monthly);
         * full-year-paid: covered once the whole year's contribution is in.
         */
        activation: z.enum(['first-month-paid', 'full-year-paid']),
        monthly: monthlyTermsSchema.optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    checkCitations(doc, ctx);
    if (doc.employee.monthlyBaseFloor.value > doc.employee.monthlyBaseCeiling.value) {
      ctx.addIssue({ code: 'custom', path: ['employee', 'monthlyBaseFloor'], message: 'the floor is above the ceiling' });
    }
    const monthly = doc.employee.monthly;
    if (monthly) {
      const average = monthly.averageMonthlyWage.value;
      if (average < doc.employee.monthlyBaseFloor.value || average > doc.employee.monthlyBaseCeiling.value) {
        ctx.addIssue({
          code: 'custom',
          path: ['employee', 'monthly', 'averageMonthlyWage'],
          message: 'the average wage lies between the base floor and ceiling set from it',
        });
      }
      if (doc.employee.flexibleRate.value < doc.employee.individualRate.value) {
        ctx.addIssue({
          code: 'custom',
          path: ['employee', 'flexibleRate'],
          message: "a flexible worker's rate includes the individual rate (it pays both parts)",
        });
      }
    }
  });

export type ContributionPolicy = z.infer<typeof contributionPolicySchema>;
export type SubsidyRule = ContributionPolicy['resident']['subsidies'][number];

/** How the domain asks for a policy: a function, so a handler hands in what the registry holds and tests their own documents. */
export type PolicyLookup = (region: string, year: number) => ContributionPolicy | undefined;
