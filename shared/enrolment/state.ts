/**
 * A member as of a date: the pure half of `loadMemberState` (member-state.ts), which settlement
 * and the eligibility route use. Given the items of one member partition it answers, for the
 * date of care: which enrolment covered that day and in what state, which assistance categories
 * held, and which out-of-area registrations held. No clock: the date is always the caller's.
 */
import { coverageOn, employmentOn, type Coverage, type CoverageTerms } from '../employers/coverage.ts';
import type { EmploymentStatus } from '../../events/employers.ts';
import { categoriesOn } from './categories.ts';
import type { EmployeeKind, Scheme } from './contribution.ts';
import type { MemberItems, EnrolmentItem } from './items.ts';
import { contains, yearOf } from './periods.ts';
import { holdingOn, type EntryItem, type RegisterItems } from '../registers/entry.ts';

export interface MemberState {
  member: {
    memberId: string;
    sex: 'M' | 'F';
    birthDate: string;
    /** 5101**********1234: the only form of the ID number that leaves enrolment. */
    maskedId: string;
  };
  /** The date asked about (yyyy-mm-dd, agency calendar). */
  onDate: string;
  /** The enrolment that covered onDate; null when the member was not enrolled on that day. */
  enrolment: EnrolmentOnDate | null;
  /** Assistance categories valid on onDate (drive the catastrophic and assistance layers). */
  categories: { code: string; validFrom: string; validTo?: string | undefined }[];
  /** Out-of-area registrations (异地就医备案) valid on onDate. */
  outOfArea: { kind: string; region: string; validFrom: string; validTo?: string | undefined }[];
  /** The employment status (在职, 灵活就业, 退休) holding on onDate; absent when none is recorded. */
  employment?: {
    status: EmploymentStatus;
    employerCode?: string | undefined;
    /** A civil servant (公务员): the member group civil-servant. */
    civilServant?: boolean | undefined;
    validFrom: string;
    validTo?: string | undefined;
  };
}

/** The member registers' entries holding on a date (shared/registers), as settlement reads them. */
export interface RegistersOnDate {
  chronicApprovals: { entryId: string; diseaseGroup: string; certifyingProvider: string; validFrom: string; validTo: string }[];
  familyDoctorContracts: { entryId: string; providerCode: string; teamCode: string; validFrom: string; validTo: string }[];
  supplementaryPlans: { entryId: string; planCode: string; validFrom: string; validTo: string }[];
}

/** The register entries holding on a date, in the shapes settlement and the eligibility answer use. */
export function registersOn(items: RegisterItems | undefined, onDate: string): RegistersOnDate {
  const on = (register: string) => (items ? holdingOn(items, register, onDate) : []);
  const period = (e: EntryItem) => ({ entryId: e.entryId, validFrom: e.validFrom, validTo: e.validTo });
  return {
    chronicApprovals: on('chronic-approvals').map((e) => ({
      ...period(e),
      diseaseGroup: String(e.payload.diseaseGroup),
      certifyingProvider: String(e.payload.certifyingProvider),
    })),
    familyDoctorContracts: on('family-doctor-contracts').map((e) => ({
      ...period(e),
      providerCode: String(e.payload.providerCode),
      teamCode: String(e.payload.teamCode),
    })),
    supplementaryPlans: on('supplementary-plans').map((e) => ({ ...period(e), planCode: String(e.payload.planCode) })),
  };
}
/**
 * The employee terms of a region's policy for a year (shared/employers/coverage.ts), when it has
 * them: the caller reads them from the registry (store/member-state.ts).
 */
export type CoverageTermsLookup = (region: string, year: number) => CoverageTerms | undefined;

export interface EnrolmentOnDate {
  enrolmentId: string;
  year: number;
  /** The pooling region (统筹区) whose policy settles care on that date. */
  region: string;
  scheme: Scheme;
  /** Only for employees: through an employer, or as a flexible worker. */
  employeeKind?: EmployeeKind | undefined;
  /**
   * As of onDate, not as of now:
   *  - active: covered (contribution complete or fully subsidised, and onDate ≥ activeFrom);
   *  - pending-contribution: enrolled on that day but not yet covered;
   *  - closed: the year's enrolment had ended before onDate with nothing after it.
   *  - suspended: an employee whose benefits are suspended that day by arrears of contributions
   *    (coverage.ts says which months and why).
   * An enrolment later closed by a transfer is still `active` for the days it covered.
   */
  status: 'active' | 'pending-contribution' | 'closed' | 'suspended';
  /**
   * For an employee with an employment status on onDate whose region's policy has monthly terms:
   * what the monthly contributions (or retirement) say about that day, which decides `status`.
   */
  coverage?: Coverage | undefined;
  validFrom: string;
  validTo: string;
  activeFrom?: string | undefined;
}

function onDateView(e: EnrolmentItem, status: EnrolmentOnDate['status']): EnrolmentOnDate {
  return {
    enrolmentId: e.enrolmentId,
    year: e.year,
    region: e.region,
    scheme: e.scheme,
    ...(e.employeeKind ? { employeeKind: e.employeeKind } : {}),
    status,
    validFrom: e.validFrom,
    validTo: e.validTo,
    ...(e.activeFrom ? { activeFrom: e.activeFrom } : {}),
  };
}

/** The enrolment covering a date, with its state on that date (see EnrolmentOnDate.status). */
export function enrolmentOn(enrolments: readonly EnrolmentItem[], onDate: string): EnrolmentOnDate | null {
  const ofYear = enrolments.filter((e) => e.year === yearOf(onDate));
  const covering = ofYear.find((e) => contains(e, onDate));
  if (covering) {
    const active = covering.activeFrom !== undefined && covering.activeFrom <= onDate;
    return onDateView(covering, active ? 'active' : 'pending-contribution');
  }
  // Ended earlier in the year with no successor (a transfer always opens the next one the next day).
  const ended = ofYear.filter((e) => e.validTo < onDate).sort((a, b) => b.validTo.localeCompare(a.validTo))[0];
  return ended ? onDateView(ended, 'closed') : null;
}

/**
 * An employee's enrolment as the monthly contributions say on the date: covered (active), suspended
 * by arrears, or not yet covered; unchanged where no employment status or no monthly terms apply.
 */
function followContributions(enrolment: EnrolmentOnDate | null, items: MemberItems, onDate: string, termsOf?: CoverageTermsLookup) {
  if (enrolment?.scheme !== 'employee' || enrolment.status === 'closed' || !termsOf) return enrolment;
  const terms = termsOf(enrolment.region, enrolment.year);
  const coverage = terms ? coverageOn(items.employment ?? [], items.months ?? [], terms, onDate) : undefined;
  if (!coverage) return enrolment;
  const status: EnrolmentOnDate['status'] =
    coverage.status === 'covered' ? 'active' : coverage.status === 'suspended' ? 'suspended' : 'pending-contribution';
  return { ...enrolment, status, coverage };
}

/**
 * The member as of a date, from the items of its partition; undefined when there is no such member.
 * @param termsOf the employee terms of a region's policy; without it, coverage is the enrolment's alone.
 */
export function memberStateFrom(items: MemberItems, onDate: string, termsOf?: CoverageTermsLookup): MemberState | undefined {
  if (!items.member) return undefined;
  const { memberId, sex, birthDate, maskedId } = items.member;
  const employment = employmentOn(items.employment ?? [], onDate);
  return {
    member: { memberId, sex, birthDate, maskedId },
    onDate,
    enrolment: followContributions(enrolmentOn(items.enrolments, onDate), items, onDate, termsOf),
    categories: categoriesOn(items.categories, onDate).map(({ code, validFrom, validTo }) => ({
      code,
      validFrom,
      ...(validTo ? { validTo } : {}),
    })),
    outOfArea: items.outOfArea
      .filter((r) => contains(r, onDate))
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom))
      .map((r) => ({ kind: r.registrationKind, region: r.region, validFrom: r.validFrom, ...(r.validTo ? { validTo: r.validTo } : {}) })),
    ...(employment
      ? {
          employment: {
            status: employment.status,
            ...(employment.employerCode ? { employerCode: employment.employerCode } : {}),
            ...(employment.civilServant ? { civilServant: true } : {}),
            validFrom: employment.validFrom,
            ...(employment.validTo ? { validTo: employment.validTo } : {}),
          },
        }
      : {}),
  };
}
