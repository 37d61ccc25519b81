/**
 * The employer register (用人单位登记), pure: registering an employer under its unified social
 * credit code, and changing it (name, region, status) as an entry of its append-only history. The
 * profile is the employer as it stands; each revision keeps what an entry set, who recorded it and
 * when. Registering the same employer again with the same facts changes nothing; other facts are a
 * conflict, to be made as a change (so nothing is overwritten silently).
 */
import * as z from 'zod';
import { refuse, type Refused } from '../enrolment/problems.ts';
import { checkCreditCode } from './credit-code.ts';
import {
  EMPLOYER_PROFILE_SK,
  EMPLOYER_STATUSES,
  employerPk,
  employerRegionIndexKey,
  employerRevisionSk,
  type EmployerItem,
  type EmployerRevisionItem,
} from './items.ts';

const regionCode = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
const employerName = z.string().trim().min(1).max(200);

/** A credit code as typed: canonical (trimmed, upper case) when its check character holds. */
export const creditCodeInput = z.string().transform((value, ctx) => {
  const checked = checkCreditCode(value);
  if (checked.ok) return checked.code;
  ctx.addIssue({ code: 'custom', message: checked.message, params: { rule: checked.rule } });
  return z.NEVER;
});

export const employerRequestSchema = z
  .object({
    creditCode: creditCodeInput.meta({
      description: '统一社会信用代码 (GB 32100): 18 characters with its check character',
      example: '91330900MA28K3LQ0U',
    }),
    name: employerName,
    /** The pooling region the employer contributes in. */
    region: regionCode,
    validFrom: z.iso.date().optional().meta({ description: 'From when the registration holds; today if absent' }),
  })
  .strict()
  .meta({ id: 'EmployerRequest' });
export type EmployerRequest = z.infer<typeof employerRequestSchema>;

export const employerChangeSchema = z
  .object({
    name: employerName.optional(),
    region: regionCode.optional(),
    status: z.enum(EMPLOYER_STATUSES).optional().meta({ description: 'closed: deregistered (注销); no new in-service employment' }),
    validFrom: z.iso.date(),
    reason: z.string().trim().min(1).max(500).optional(),
    expectedRevision: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The revision the change was made against; a 409 if the employer changed since' }),
  })
  .strict()
  .meta({ id: 'EmployerChange' });
export type EmployerChange = z.infer<typeof employerChangeSchema>;

export interface Recorder {
  /** Who records (the principal's subject). */
  by: string;
  today: string;
  now: string;
}

export type EmployerPlan =
  | { ok: true; outcome: 'unchanged'; employer: EmployerItem }
  | {
      ok: true;
      outcome: 'registered' | 'changed';
      employer: EmployerItem;
      revision: EmployerRevisionItem;
      /** The revision the write is conditional on (0: the employer must not exist yet). */
      expectedRevision: number;
    };

function itemsFor(
  fields: Pick<EmployerItem, 'creditCode' | 'name' | 'region' | 'status' | 'validFrom' | 'revision'>,
  change: 'registered' | 'changed',
  registeredAt: string,
  who: Recorder,
  reason?: string,
): { employer: EmployerItem; revision: EmployerRevisionItem } {
  const pk = employerPk(fields.creditCode);
  return {
    employer: {
      pk,
      sk: EMPLOYER_PROFILE_SK,
      kind: 'employer',
      ...fields,
      registeredAt,
      updatedAt: who.now,
      updatedBy: who.by,
      gsi2pk: employerRegionIndexKey(fields.region),
      gsi2sk: fields.creditCode,
    },
    revision: {
      pk,
      sk: employerRevisionSk(fields.revision),
      kind: 'employer-revision',
      ...fields,
      change,
      ...(reason ? { reason } : {}),
      recordedAt: who.now,
      recordedBy: who.by,
    },
  };
}

export function planEmployerRegistration(
  existing: EmployerItem | undefined,
  request: EmployerRequest,
  who: Recorder,
): EmployerPlan | Refused {
  const validFrom = request.validFrom ?? who.today;
  if (existing) {
    if (existing.name === request.name && existing.region === request.region) return { ok: true, outcome: 'unchanged', employer: existing };
    return refuse(
      409,
      [
        {
          field: 'creditCode',
          rule: 'already_registered',
          message: `${request.creditCode} is registered with other facts; change it with PUT /v1/employers/${request.creditCode}`,
        },
      ],
      { revision: existing.revision },
    );
  }
  const fields = {
    creditCode: request.creditCode,
    name: request.name,
    region: request.region,
    status: 'active' as const,
    validFrom,
    revision: 1,
  };
  return { ok: true, outcome: 'registered', ...itemsFor(fields, 'registered', who.now, who), expectedRevision: 0 };
}

export function planEmployerChange(existing: EmployerItem, change: EmployerChange, who: Recorder): EmployerPlan | Refused {
  if (change.expectedRevision !== undefined && change.expectedRevision !== existing.revision) {
    return refuse(409, [
      {
        field: 'expectedRevision',
        rule: 'stale_revision',
        message: `the employer is at revision ${existing.revision}, not ${change.expectedRevision}`,
      },
    ]);
  }
  const next = {
    creditCode: existing.creditCode,
    name: change.name ?? existing.name,
    region: change.region ?? existing.region,
    status: change.status ?? existing.status,
  };
  if (next.name === existing.name && next.region === existing.region && next.status === existing.status) {
    return { ok: true, outcome: 'unchanged', employer: existing };
  }
  if (change.validFrom < existing.validFrom) {
    return refuse(409, [
      {
        field: 'validFrom',
        rule: 'out_of_order',
        message: `the employer's current entry holds from ${existing.validFrom}; a change dates from then or later`,
      },
    ]);
  }
  const fields = { ...next, validFrom: change.validFrom, revision: existing.revision + 1 };
  return {
    ok: true,
    outcome: 'changed',
    ...itemsFor(fields, 'changed', existing.registeredAt, who, change.reason),
    expectedRevision: existing.revision,
  };
}
