/**
 * Validity periods: inclusive ISO dates (yyyy-mm-dd), the end left open when unknown. ISO dates
 * compare correctly as strings, so no Date object (and no time zone) is needed to ask "as of".
 */
export interface Period {
  validFrom: string;
  /** Last day of validity, inclusive; absent while open-ended. */
  validTo?: string | undefined;
}

export const FAR_FUTURE = '9999-12-31';

export function contains(period: Period, date: string): boolean {
  return period.validFrom <= date && date <= (period.validTo ?? FAR_FUTURE);
}

export function overlaps(a: Period, b: Period): boolean {
  return a.validFrom <= (b.validTo ?? FAR_FUTURE) && b.validFrom <= (a.validTo ?? FAR_FUTURE);
}

export const yearStart = (year: number): string => `${String(year).padStart(4, '0')}-01-01`;
export const yearEnd = (year: number): string => `${String(year).padStart(4, '0')}-12-31`;
export const yearOf = (date: string): number => Number(date.slice(0, 4));

/** The day before a date (a transfer closes the old enrolment the day before the new one opens). */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Months from the date's month to December, inclusive: what an employee owes for a part year. */
export function monthsToYearEnd(date: string): number {
  return 12 - Number(date.slice(5, 7)) + 1;
}
