/**
 * The agency's calendar is China Standard Time (UTC+8, no daylight saving since 1992): a month or a year
 * starts at local midnight, so a run fired at 02:00 on the 1st in Shanghai is 18:00 UTC on the
 * last day of the previous month. Periods are computed here, never from UTC dates.
 */
export const AGENCY_TIME_ZONE = 'Asia/Shanghai';

const parts = new Intl.DateTimeFormat('en-CA', { timeZone: AGENCY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The agency's local date of an instant, as yyyy-mm-dd. */
export function agencyDate(instant: Date): string {
  return parts.format(instant);
}

/** The month (yyyy-mm) an instant falls in, in the agency's time zone. */
export function agencyMonth(instant: Date): string {
  return agencyDate(instant).slice(0, 7);
}

/** The insurance year before the one an instant falls in (year-end settlement settles that one). */
export function previousAgencyYear(instant: Date): number {
  return Number(agencyDate(instant).slice(0, 4)) - 1;
}
