/**
 * Out-of-area registration (异地就医备案), pure: the member lives or works outside the pooling
 * region for a period, so care there is settled as local-with-registration rather than as
 * unregistered out-of-area care.
 *
 *  - The member must be enrolled on the first day, and the place must be another region.
 *  - A registration is keyed by its first day and place: posting it again changes nothing, posting
 *    it with another last day changes it (how a registration is ended).
 *  - A member is registered in one place at a time: registrations never overlap.
 */
import * as z from 'zod';
import { regionCodeSchema } from './enrol.ts';
import { memberPk, OUT_OF_AREA_KINDS, outOfAreaSk, type MemberItems, type OutOfAreaItem } from './items.ts';
import { contains, overlaps } from './periods.ts';
import { refuse, type Refused } from './problems.ts';

export const outOfAreaRequestSchema = z
  .object({
    kind: z.enum(OUT_OF_AREA_KINDS).meta({
      description:
        'long-term-residence (异地长期居住), work-elsewhere (常驻异地工作), relocated-retiree (异地安置), referral (转诊转院), temporary (临时外出就医)',
    }),
    region: regionCodeSchema.meta({ description: 'Where the member lives or works: a 6-digit region code' }),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional(),
    reference: z.string().min(1).max(100).optional(),
  })
  .strict()
  .meta({ id: 'OutOfAreaRequest' });
export type OutOfAreaRequest = z.infer<typeof outOfAreaRequestSchema>;

export type OutOfAreaPlan =
  | { ok: true; outcome: 'unchanged'; registration: OutOfAreaItem }
  | { ok: true; outcome: 'registered' | 'period-changed'; registration: OutOfAreaItem; previous?: OutOfAreaItem | undefined };

export function planOutOfArea(items: MemberItems, memberId: string, request: OutOfAreaRequest, now: string): OutOfAreaPlan | Refused {
  if (request.validTo !== undefined && request.validTo < request.validFrom) {
    return refuse(400, [{ field: 'validTo', rule: 'period_order', message: 'validTo is before validFrom' }]);
  }
  const enrolment = items.enrolments.find((e) => contains(e, request.validFrom));
  if (!enrolment) {
    return refuse(409, [{ field: 'validFrom', rule: 'not_enrolled', message: `the member is not enrolled on ${request.validFrom}` }]);
  }
  if (enrolment.region === request.region) {
    return refuse(400, [{ field: 'region', rule: 'same_region', message: `${request.region} is the member's own pooling region` }]);
  }
  const previous = items.outOfArea.find((r) => r.validFrom === request.validFrom && r.region === request.region);
  if (previous && previous.registrationKind === request.kind && (previous.validTo ?? null) === (request.validTo ?? null)) {
    return { ok: true, outcome: 'unchanged', registration: previous };
  }
  const clash = items.outOfArea.find((r) => r !== previous && overlaps(r, request));
  if (clash) {
    return refuse(409, [
      {
        field: 'validFrom',
        rule: 'registration_overlap',
        message: `the member is already registered in ${clash.region} from ${clash.validFrom}${clash.validTo ? ` to ${clash.validTo}` : ''}`,
      },
    ]);
  }
  const registration: OutOfAreaItem = {
    pk: memberPk(memberId),
    sk: outOfAreaSk(request.validFrom, request.region),
    kind: 'out-of-area',
    memberId,
    registrationKind: request.kind,
    region: request.region,
    validFrom: request.validFrom,
    ...(request.validTo ? { validTo: request.validTo } : {}),
    ...(request.reference ? { reference: request.reference } : {}),
    recordedAt: now,
  };
  return { ok: true, outcome: previous ? 'period-changed' : 'registered', registration, previous };
}
