/**
 * The long-term care routes' request schemas (zod at the boundary): the handler validates with them,
 * openapi.ts documents them.
 */
import * as z from 'zod';
import { APPLICANT_KINDS } from '../../shared/long-term-care/assessment.ts';
import { type INDICATORS, ITEMS } from '../../shared/long-term-care/grading-standard.ts';
import { CARE_SETTINGS } from '../../shared/long-term-care/policy.ts';

export const regionSchema = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
export const providerCodeSchema = z.string().regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits');
export const memberIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a member id');
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const staffId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a staff id (the sub of the assessor’s token)');
const fen = z.number().int('whole fen').nonnegative();

export const assessorParams = z.object({ assessorId: staffId });
export const institutionParams = z.object({ providerCode: providerCodeSchema });
export const assessmentParams = z.object({ assessmentId: z.string().regex(/^LA[0-9A-Z]{8,40}$/, 'an assessment id') });
export const memberParams = z.object({ memberId: memberIdSchema });
export const claimParams = z.object({ providerCode: providerCodeSchema, memberId: memberIdSchema, month: monthSchema });
export const reportParams = z.object({ region: regionSchema, month: monthSchema });
export const fundReportParams = z.object({ region: regionSchema, year: z.coerce.number().int().min(2000).max(2100) });
export const fundReportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });
export const levelQuery = z.object({
  date: z.iso.date().optional().meta({ description: 'The day asked about (default: today, agency calendar)' }),
});

const dateOrder = <T extends { validFrom: string; validTo: string }>(s: z.ZodType<T>) =>
  s.refine((b) => b.validTo >= b.validFrom, { message: 'must not be before validFrom', path: ['validTo'] });

export const assessorSchema = dateOrder(
  z.strictObject({
    regions: z.array(regionSchema).min(1).max(20).meta({ description: 'The regions the assessor assesses members living in' }),
    qualification: z.string().trim().min(1).max(200).meta({ description: 'Profession and certificate (e.g. 执业护士, 评估员证书编号)' }),
    validFrom: z.iso.date(),
    validTo: z.iso.date(),
    active: z.boolean().default(true),
  }),
).meta({ id: 'CareAssessor' });

export const institutionSchema = dateOrder(
  z.strictObject({
    region: regionSchema.meta({ description: 'The pooling region whose fund pays its care' }),
    settings: z.array(z.enum(CARE_SETTINGS)).max(3).meta({ description: 'The settings it may bill; empty withdraws the certification' }),
    beds: z.number().int().min(0).max(100_000).meta({ description: 'Certified care beds (the members-beyond-beds rule)' }),
    validFrom: z.iso.date(),
    validTo: z.iso.date(),
    reason: z.string().trim().min(1).max(500),
  }),
).meta({ id: 'CareInstitutionCertification' });

export const applicationSchema = z
  .strictObject({
    memberId: memberIdSchema,
    residenceRegion: regionSchema.optional().meta({
      description: 'Where the member lives, when not in their pooling region: assessed there by that region’s assessors (same province)',
    }),
    applicant: z.strictObject({
      kind: z.enum(APPLICANT_KINDS).meta({ description: 'member, family, or institution (a care institution applies as itself)' }),
      relation: z
        .string()
        .trim()
        .min(1)
        .max(40)
        .optional()
        .meta({ description: 'A family applicant’s relation to the member (never a name)' }),
    }),
    reason: z.string().trim().min(1).max(500).meta({ description: 'Why care is sought (condition, since when): no ID number' }),
    appliedOn: z.iso.date().optional().meta({
      description:
        'The day of the application (default today, agency calendar; never later): a clerk records a paper step of an earlier day',
    }),
  })
  .meta({ id: 'CareAssessmentApplication' });

export const assignmentSchema = z
  .strictObject({ primary: staffId, second: staffId })
  .meta({ id: 'CareAssessorAssignment', description: 'Two registered assessors of the region where the member lives' });

const indicatorScores = (indicator: (typeof INDICATORS)[number]) =>
  z.record(z.string(), z.number()).meta({
    description: `${indicator}: ${Object.entries(ITEMS[indicator])
      .map(([k, s]) => `${k} (${s.name}, 0–${s.max}${s.step > 1 ? ` in steps of ${s.step}` : ''})`)
      .join(', ')}`,
  });

export const scoresSchema = z
  .strictObject({
    scores: z.strictObject({
      adl: indicatorScores('adl'),
      cognition: indicatorScores('cognition'),
      perception: indicatorScores('perception'),
    }),
    comatose: z.boolean().default(false).meta({ description: '昏迷: perception and communication graded severe, as the standard directs' }),
  })
  .meta({ id: 'CareAssessmentScores' });

export const confirmationSchema = z
  .strictObject({
    agree: z.boolean().meta({ description: 'true concludes the round; false returns the scores to the first assessor' }),
    note: z.string().trim().max(500).optional(),
    concludedOn: z.iso.date().optional().meta({
      description:
        'The day the round is concluded: the result holds from it (default today, agency calendar; never later): a clerk records a paper step of an earlier day',
    }),
  })
  .meta({ id: 'CareAssessmentConfirmation' });

export const appealSchema = z
  .strictObject({
    reason: z.string().trim().min(1).max(500),
    appealedOn: z.iso.date().optional().meta({
      description:
        'The day of the appeal (within the window) (default today, agency calendar; never later): a clerk records a paper step of an earlier day',
    }),
  })
  .meta({ id: 'CareAssessmentAppeal' });

const isoDay = z.iso.date();
const periodSchema = z
  .strictObject({ from: isoDay, to: isoDay })
  .refine((p) => p.to >= p.from, { message: 'must not be before from', path: ['to'] });

export const careClaimSchema = z
  .strictObject({
    providerCode: providerCodeSchema,
    memberId: memberIdSchema,
    month: monthSchema,
    institutional: z
      .strictObject({
        periods: z.array(periodSchema).min(1).max(31),
        dailyChargeFen: fen.meta({ description: 'The institution’s charge per bed-day (fen)' }),
      })
      .optional(),
    homeCare: z
      .strictObject({
        visits: z
          .array(
            z.strictObject({
              date: isoDay,
              units: z.number().int().min(1).max(24).meta({ description: 'Visits (1) or hours, as the policy counts' }),
            }),
          )
          .min(1)
          .max(200),
        unitChargeFen: fen.meta({ description: 'The charge per visit or hour (fen)' }),
      })
      .optional(),
    familyCarer: z.strictObject({ periods: z.array(periodSchema).min(1).max(31) }).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.institutional && !c.homeCare && !c.familyCarer)
      ctx.addIssue({ code: 'custom', path: ['institutional'], message: 'bill at least one setting' });
    const inMonth = (d: string) => d.startsWith(`${c.month}-`);
    const check = (periods: { from: string; to: string }[] | undefined, path: string) => {
      if (!periods) return;
      periods.forEach((p, i) => {
        if (!inMonth(p.from) || !inMonth(p.to))
          ctx.addIssue({ code: 'custom', path: [path, 'periods', i], message: `a period lies within ${c.month}` });
      });
      const sorted = [...periods].sort((a, b) => a.from.localeCompare(b.from));
      for (let i = 1; i < sorted.length; i++)
        if (sorted[i]!.from <= sorted[i - 1]!.to) ctx.addIssue({ code: 'custom', path: [path, 'periods'], message: 'periods overlap' });
    };
    check(c.institutional?.periods, 'institutional');
    check(c.familyCarer?.periods, 'familyCarer');
    c.homeCare?.visits.forEach((v, i) => {
      if (!inMonth(v.date))
        ctx.addIssue({ code: 'custom', path: ['homeCare', 'visits', i, 'date'], message: `a visit lies within ${c.month}` });
    });
  })
  .meta({ id: 'CareClaim', description: 'One institution’s month of care for one member (idempotent by providerCode + memberId + month)' });

export const reversalSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) }).meta({ id: 'CareClaimReversal' });
