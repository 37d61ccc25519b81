/**
 * Assistance categories (困难群众身份): who the state helps to enrol and, later, to pay. A member
 * holds each category for a validity period; settlement asks which ones hold on the date of care.
 *
 * The standard codes below exist everywhere; a pooling region may define more in its policy for
 * the year (a code of the same shape, listed in the policy's `categories`).
 */
import { contains, overlaps, type Period } from './periods.ts';

export const STANDARD_CATEGORIES = {
  tekun: '特困人员 (destitute persons)',
  dibao: '低保对象 (minimum living allowance)',
  'dibao-edge': '低保边缘家庭成员 (near-低保 households)',
  monitored: '返贫致贫人口 / 防返贫监测对象 (at risk of (re)falling into poverty)',
  'registered-poor': '脱贫人口 / 建档立卡贫困人口 (registered poor)',
  'severely-disabled': '重度残疾人 (severely disabled)',
} as const;

export type StandardCategory = keyof typeof STANDARD_CATEGORIES;

/** Lower-case words joined by hyphens: readable in a CSV cell and in an event. */
export const CATEGORY_CODE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const isStandardCategory = (code: string): code is StandardCategory => code in STANDARD_CATEGORIES;

export interface CategoryPeriod extends Period {
  code: string;
  /** The certificate or list the category comes from (民政 list number …), if given. */
  reference?: string | undefined;
}

/** The categories that hold on a date, in code order. */
export function categoriesOn<C extends CategoryPeriod>(periods: readonly C[], date: string): C[] {
  return periods.filter((p) => contains(p, date)).sort((a, b) => a.code.localeCompare(b.code) || a.validFrom.localeCompare(b.validFrom));
}

/** Another period of the same code that a new one would overlap (one code, one period at a time). */
export function overlappingPeriod<C extends CategoryPeriod>(existing: readonly C[], candidate: CategoryPeriod): C | undefined {
  return existing.find((p) => p.code === candidate.code && p.validFrom !== candidate.validFrom && overlaps(p, candidate));
}
