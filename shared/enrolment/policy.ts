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
      })
      .strict(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    checkCitations(doc, ctx);
    if (doc.employee.monthlyBaseFloor.value > doc.employee.monthlyBaseCeiling.value) {
      ctx.addIssue({ code: 'custom', path: ['employee', 'monthlyBaseFloor'], message: 'the floor is above the ceiling' });
    }
  });

export type ContributionPolicy = z.infer<typeof contributionPolicySchema>;
export type SubsidyRule = ContributionPolicy['resident']['subsidies'][number];

/** How the domain asks for a policy: a function, so a handler hands in what the registry holds and tests their own documents. */
export type PolicyLookup = (region: string, year: number) => ContributionPolicy | undefined;
