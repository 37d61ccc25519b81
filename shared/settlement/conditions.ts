import type { Condition, HospitalLevel, VisitType } from './policy.ts';

/** The facts of one claim that a policy condition can test. */
export interface ClaimFacts {
  visitType: VisitType;
  level: HospitalLevel;
  inRegion: boolean;
  outOfAreaRegistered: boolean;
  familyDoctor: boolean;
  ageYears: number;
  groups: readonly string[];
  categories: readonly string[];
  disease?: string;
  programme?: string;
  emergency: boolean;
}

const anyOf = (wanted: readonly string[] | undefined, have: readonly string[]) =>
  wanted === undefined || wanted.some((w) => have.includes(w));
const oneOf = <T>(wanted: readonly T[] | undefined, value: T | undefined) =>
  wanted === undefined || (value !== undefined && wanted.includes(value));
const equals = (wanted: boolean | undefined, value: boolean) => wanted === undefined || wanted === value;

/** True when every field the condition names holds for the claim. */
export function holds(when: Condition, facts: ClaimFacts): boolean {
  return (
    oneOf(when.visitTypes, facts.visitType) &&
    oneOf(when.levels, facts.level) &&
    equals(when.inRegion, facts.inRegion) &&
    equals(when.outOfAreaRegistered, facts.outOfAreaRegistered) &&
    equals(when.familyDoctor, facts.familyDoctor) &&
    equals(when.emergency, facts.emergency) &&
    (when.ageFrom === undefined || facts.ageYears >= when.ageFrom) &&
    (when.ageBelow === undefined || facts.ageYears < when.ageBelow) &&
    anyOf(when.memberGroups, facts.groups) &&
    (when.exceptMemberGroups === undefined || !when.exceptMemberGroups.some((g) => facts.groups.includes(g))) &&
    anyOf(when.categories, facts.categories) &&
    oneOf(when.diseases, facts.disease) &&
    oneOf(when.programmes, facts.programme)
  );
}
