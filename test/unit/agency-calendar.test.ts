import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { agencyDate, agencyMonth, previousAgencyYear } from '../../shared/time/agency-calendar.ts';

describe('agency calendar (China Standard Time: UTC+8 all year since 1992)', () => {
  it('is the UTC date eight hours on, for any instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1992-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (instant) => {
        const shifted = new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
        expect(agencyDate(instant)).toBe(shifted);
      }),
    );
  });

  it('starts a month at 16:00 UTC on the last day of the month before', () => {
    expect(agencyMonth(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11');
    expect(agencyMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
    expect(previousAgencyYear(new Date('2026-12-31T16:00:00Z'))).toBe(2026);
    expect(previousAgencyYear(new Date('2027-03-31T19:00:00Z'))).toBe(2026);
  });
});
