/**
 * The three member registers of issue 11 on the one shape (entry.ts): what each records, how an
 * entry is named (its natural key), what may not overlap, and its create request, flat as a clerk
 * or a bulk file gives it. A new register (households reuse the shape's history, events and bulk
 * import) is one more definition here.
 *
 *  - chronic-approvals (门诊慢特病认定): a disease group of the region's benefit policy
 *    (`visits['chronic-outpatient'].diseases[].code`), from/to, the certifying doctor and provider, the
 *    evidence as references (case numbers, report ids: never files). One approval per group at a time.
 *  - family-doctor-contracts (家庭医生签约): the contracted provider and team, from/to. One contract at a time.
 *  - supplementary-plans (惠民保 enrolment): the plan code the benefit policy's supplementary layer
 *    names (e.g. `zhouhuibao` for 舟惠保 in 330900), for an insurance year; the insurer's policy number.
 */
import * as z from 'zod';
import { yearEnd, yearStart } from '../enrolment/periods.ts';
import type { CreateRequest, RegisterDefinition } from './entry.ts';

const code = z.string().regex(/^[a-z0-9-]{1,48}$/, 'a lower-case code of the policy (letters, digits, -)');
const providerCode = z.string().regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits');
const isoDate = z.iso.date();
const reference = z.string().min(1).max(100);

export const approvalPayloadSchema = z.strictObject({
  diseaseGroup: code.meta({ description: "A chronic-outpatient disease code of the region's benefit policy", example: 'hypertension' }),
  certifyingProvider: providerCode.meta({ description: 'The provider whose doctor certified the disease (认定机构)' }),
  certifyingDoctor: z.strictObject({
    code: z.string().min(1).max(40).meta({ description: '医保医师代码 / 执业证书编码' }),
    name: z.string().min(1).max(50),
  }),
  evidence: z
    .array(
      z.strictObject({ kind: z.enum(['diagnosis-certificate', 'medical-record', 'test-report', 'discharge-summary', 'other']), reference }),
    )
    .min(1)
    .max(20)
    .meta({ description: 'References to the documents seen (case number, report id), never the files' }),
});
export type ApprovalPayload = z.infer<typeof approvalPayloadSchema>;

export const contractPayloadSchema = z.strictObject({
  providerCode: providerCode.meta({ description: 'The contracted primary-care provider (签约机构)' }),
  teamCode: z.string().min(1).max(40).meta({ description: 'The family-doctor team (签约团队)' }),
  reference: reference.optional().meta({ description: "The contract's number at the provider" }),
});
export type ContractPayload = z.infer<typeof contractPayloadSchema>;

export const planPayloadSchema = z.strictObject({
  planCode: code.meta({ description: "The plan as the benefit policy's supplementary layer names it", example: 'zhouhuibao' }),
  year: z.number().int().min(2000).max(2100),
  policyNumber: reference.optional().meta({ description: "The insurer's policy number (保单号)" }),
});
export type PlanPayload = z.infer<typeof planPayloadSchema>;

const period = { validFrom: isoDate, validTo: isoDate };

/** The create bodies, flat; each becomes the shape's CreateRequest. */
export const approvalRequestSchema = z.strictObject({ ...period, ...approvalPayloadSchema.shape }).meta({ id: 'ChronicApprovalRequest' });
export const contractRequestSchema = z
  .strictObject({ ...period, ...contractPayloadSchema.shape })
  .meta({ id: 'FamilyDoctorContractRequest' });
export const planRequestSchema = z
  .strictObject({
    ...planPayloadSchema.shape,
    validFrom: isoDate.optional().meta({ description: 'Defaults to 1 January of the year (a plan bought mid-year starts later)' }),
    validTo: isoDate.optional().meta({ description: 'Defaults to 31 December of the year' }),
  })
  .meta({ id: 'SupplementaryPlanRequest' });

/** A flat body's period and the rest, its payload. */
const split = (body: unknown): CreateRequest => {
  const { validFrom, validTo, ...payload } = body as Record<string, unknown> & { validFrom: string; validTo: string };
  return { validFrom, validTo, payload };
};

export interface RegisterSpec {
  definition: RegisterDefinition;
  /** The create body as a route or a bulk row sends it. */
  request: z.ZodType<unknown>;
  toCreate(body: unknown): CreateRequest;
  /** Only this register can be written by a certifying provider (for itself). */
  providersMayWrite: boolean;
}

const approvals: RegisterDefinition<ApprovalPayload> = {
  name: 'chronic-approvals',
  payload: approvalPayloadSchema,
  entryId: ({ validFrom, payload }) => `${payload.diseaseGroup}-${validFrom}`,
  conflictKey: (p) => p.diseaseGroup,
  subject: (p) => p.diseaseGroup,
  provider: (p) => p.certifyingProvider,
  fixed: ['diseaseGroup'],
};

const contracts: RegisterDefinition<ContractPayload> = {
  name: 'family-doctor-contracts',
  payload: contractPayloadSchema,
  entryId: ({ validFrom, payload }) => `${payload.providerCode}-${validFrom}`,
  // One family doctor at a time, whichever provider.
  conflictKey: () => 'contract',
  subject: (p) => p.providerCode,
  provider: (p) => p.providerCode,
  fixed: ['providerCode'],
};

const plans: RegisterDefinition<PlanPayload> = {
  name: 'supplementary-plans',
  payload: planPayloadSchema,
  entryId: ({ payload }) => `${payload.planCode}-${payload.year}`,
  conflictKey: (p) => p.planCode,
  subject: (p) => p.planCode,
  fixed: ['planCode', 'year'],
};

export const REGISTER_NAMES = ['chronic-approvals', 'family-doctor-contracts', 'supplementary-plans'] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number];

export const registerSpecs: Record<RegisterName, RegisterSpec> = {
  'chronic-approvals': {
    definition: approvals as unknown as RegisterDefinition,
    request: approvalRequestSchema,
    toCreate: split,
    providersMayWrite: true,
  },
  'family-doctor-contracts': {
    definition: contracts as unknown as RegisterDefinition,
    request: contractRequestSchema,
    toCreate: split,
    providersMayWrite: false,
  },
  'supplementary-plans': {
    definition: plans as unknown as RegisterDefinition,
    request: planRequestSchema,
    toCreate: (body) => {
      const { validFrom, validTo, ...payload } = body as z.infer<typeof planRequestSchema>;
      return { validFrom: validFrom ?? yearStart(payload.year), validTo: validTo ?? yearEnd(payload.year), payload };
    },
    providersMayWrite: false,
  },
};

/** A plan enrolment must lie inside its year. */
export function planYearProblem(request: CreateRequest): { field: string; rule: string; message: string } | undefined {
  const year = Number(request.payload.year);
  if (request.validFrom.slice(0, 4) !== String(year) || request.validTo.slice(0, 4) !== String(year))
    return { field: 'validFrom', rule: 'plan_year', message: `a ${year} plan enrolment lies within ${year}` };
  return undefined;
}
