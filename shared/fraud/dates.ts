/**
 * Calendar arithmetic on ISO dates (yyyy-mm-dd), the only kind of date the rules look at. Dates are
 * counted as whole days in UTC so no time zone or daylight rule can shift a day; the claim's dates
 * are already the agency's local dates (see shared/time/agency-calendar.ts).
 */
const DAY_MS = 86_400_000;

export function dayNumber(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO date: ${date}`);
  return Math.floor(ms / DAY_MS);
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export const yearOf = (date: string): number => Number(date.slice(0, 4));
export const monthOf = (date: string): string => date.slice(0, 7);

/** The month `offset` months from `month` (yyyy-mm). */
export function addMonths(month: string, offset: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + offset;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function daysInMonth(month: string): number {
  const next = addMonths(month, 1);
  return dayNumber(`${next}-01`) - dayNumber(`${month}-01`);
}
