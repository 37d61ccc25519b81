/**
 * A pregnancy registered (生育登记 / 孕产妇建档), pure: the record every maternity claim and the
 * allowance name. Its id is the expected delivery date (P20250620), unique within the member: two
 * pregnancies of one woman cannot expect a delivery within `MIN_DAYS_BETWEEN` days of each other, so a
 * second registration of the same pregnancy (another expected date, another hospital) is refused,
 * naming the one registered, instead of opening a second per-capita payment.
 */
import * as z from 'zod';
import { daysBetween } from '../settlement/member.ts';

/** Two registered pregnancies of one member expect their deliveries at least this far apart. */
export const MIN_DAYS_BETWEEN = 180;

export const pregnancyRequestSchema = z
  .strictObject({
    memberId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a member id'),
    expectedDeliveryDate: z.iso.date().meta({ description: 'The expected delivery date (预产期); the pregnancy id is P and this date' }),
    providerCode: z
      .string()
      .regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits')
      .meta({ description: 'The provider holding the record (建档), paid the antenatal care per capita' }),
    registeredOn: z.iso.date().meta({ description: 'The day of registration (not after the expected delivery)' }),
  })
  .superRefine((r, ctx) => {
    if (r.registeredOn > r.expectedDeliveryDate)
      ctx.addIssue({
        code: 'custom',
        path: ['registeredOn'],
        message: 'registered after the expected delivery',
        params: { rule: 'date_order' },
      });
    else if (daysBetween(r.registeredOn, r.expectedDeliveryDate) > 300)
      ctx.addIssue({
        code: 'custom',
        path: ['expectedDeliveryDate'],
        message: 'more than 300 days after the registration: a pregnancy is registered once it is confirmed',
        params: { rule: 'too_far' },
      });
  })
  .meta({ id: 'PregnancyRequest' });
export type PregnancyRequest = z.infer<typeof pregnancyRequestSchema>;

export interface Pregnancy extends PregnancyRequest {
  pregnancyId: string;
  region: string;
  scheme: 'employee' | 'resident';
  registeredAt: string;
  registeredBy: string;
}

export const pregnancyIdOf = (expectedDeliveryDate: string): string => `P${expectedDeliveryDate.replaceAll('-', '')}`;

export type PregnancyPlan =
  | { outcome: 'registered'; pregnancy: Pregnancy }
  | { outcome: 'unchanged'; pregnancy: Pregnancy }
  | { outcome: 'conflict'; field: string; rule: string; message: string; existing: Pregnancy };

export function planPregnancy(
  request: PregnancyRequest,
  existing: readonly Pregnancy[],
  enrolment: { region: string; scheme: 'employee' | 'resident' },
  by: string,
  at: string,
): PregnancyPlan {
  const pregnancyId = pregnancyIdOf(request.expectedDeliveryDate);
  const same = existing.find((p) => p.pregnancyId === pregnancyId);
  if (same) {
    if (same.providerCode === request.providerCode && same.registeredOn === request.registeredOn)
      return { outcome: 'unchanged', pregnancy: same };
    return {
      outcome: 'conflict',
      field: 'body.expectedDeliveryDate',
      rule: 'already_registered',
      message: `pregnancy ${pregnancyId} is already registered with ${same.providerCode} on ${same.registeredOn}`,
      existing: same,
    };
  }
  const near = existing.find((p) => Math.abs(daysBetween(p.expectedDeliveryDate, request.expectedDeliveryDate)) < MIN_DAYS_BETWEEN);
  if (near) {
    return {
      outcome: 'conflict',
      field: 'body.expectedDeliveryDate',
      rule: 'overlapping_pregnancy',
      message: `pregnancy ${near.pregnancyId} (expected ${near.expectedDeliveryDate}) is registered less than ${MIN_DAYS_BETWEEN} days from this one: the same pregnancy cannot be registered twice`,
      existing: near,
    };
  }
  return { outcome: 'registered', pregnancy: { ...request, pregnancyId, ...enrolment, registeredAt: at, registeredBy: by } };
}
