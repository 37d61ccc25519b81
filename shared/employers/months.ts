/**
 * Contribution months (YYYY-MM) as plain strings: they compare correctly as text, and no Date or
 * time zone is needed to step through them. Pure.
 */
export type Month = string;

export const monthOf = (date: string): Month => date.slice(0, 7);
export const yearOfMonth = (month: Month): number => Number(month.slice(0, 4));
export const firstDayOf = (month: Month): string => `${month}-01`;

/** The month `n` months after (before, if negative) the given one. */
export function addMonths(month: Month, n: number): Month {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function lastDayOf(month: Month): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included (none when `to` is before `from`). */
export function monthsFrom(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** "2025-05" or "2025-05–2025-08": a run of months for a clerk. */
export const spanText = (months: readonly Month[]): string =>
  months.length <= 1 ? (months[0] ?? '') : `${months[0]}–${months[months.length - 1]}`;
