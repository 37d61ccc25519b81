/**
 * What the engine needs to know about the member and the provider, as plain data. The handler
 * builds these from enrolment's `loadMemberState` and the provider register; the engine never
 * reads a table, so it can be tested and benchmarked with literals.
 */
import type { HospitalLevel } from './policy.ts';

export interface MemberState {
  memberId: string;
  sex: 'M' | 'F';
  /** yyyy-mm-dd */
  birthDate: string;
  /** The enrolment in force on the settlement date (the caller refuses a claim without one). */
  enrolment: { region: string; scheme: 'employee' | 'resident'; year: number };
  /** Assistance categories valid on the date (特困, 低保, 建档立卡…), as codes the policies use. */
  categories: string[];
  /** Member groups that change ratios: retired (退休)… */
  groups: string[];
  /** Regions of out-of-area registrations (异地就医备案) valid on the date. */
  outOfAreaRegions: string[];
  /** A family-doctor contract (家庭医生签约) holds on the date: from the contracts register. */
  familyDoctorContract: boolean;
  /**
   * A plain list of approved disease codes, for callers without the approvals register (tests, the
   * benchmark): a declared chronic disease outside it is refused. Undefined: not checked.
   * `chronicApprovals`, when present, takes its place.
   */
  approvedDiseases?: string[];
  /**
   * The chronic-disease approvals (门诊慢特病认定) holding on the date, from the register. When present,
   * a chronic-outpatient bill is settled under an approved group whose ICD-10 prefixes cover the
   * bill's principal diagnosis, else as ordinary outpatient with a note (engine.ts `chronicCover`).
   */
  chronicApprovals?: { entryId: string; disease: string; validTo: string }[];
  /** Supplementary plans the member is enrolled in (惠民保…). */
  supplementaryPlans: string[];
  /** The household (家庭) the member belongs to on the settlement date; absent: a household of one. */
  householdId?: string;
}

export interface ProviderProfile {
  code: string;
  level: HospitalLevel;
  region: string;
  /** The pooling region that pays it, when registered below it (a district of a city region). */
  poolingRegion?: string;
}

/**
 * Whether a pooling region covers a place: a city-level code (330900) covers its districts
 * (3309xx), a provincial one (330000) the whole province, a district code only itself.
 */
export function regionCovers(poolingRegion: string, place: string): boolean {
  const prefix = poolingRegion.replace(/(00)+$/, '');
  return place.startsWith(prefix);
}

/** Whole years and days of age on a date (the date of service; for a stay, admission). */
export function ageOn(birthDate: string, onDate: string): { years: number; days: number } {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  let years = y - by;
  if (m < bm || (m === bm && d < bd)) years -= 1;
  const days = Math.round((Date.UTC(y, m - 1, d) - Date.UTC(by, bm - 1, bd)) / 86_400_000);
  return { years: Math.max(0, years), days: Math.max(0, days) };
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
