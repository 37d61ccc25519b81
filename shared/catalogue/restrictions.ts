/**
 * 限定支付范围: whether a line falls inside its entry's restricted payment scope. Pure. Settlement
 * (shared/settlement/scope.ts) self-pays a line outside it and names the rule that failed, as a path
 * into the catalogue (`catalogue[XJ01DET084B0…].scope.indications`), with the published text.
 */
import type { RestrictedScope } from './entry.ts';

export interface ScopeFacts {
  /** Every diagnosis of the bill (principal first), ICD-10 医保版. */
  diagnoses: readonly string[];
  level: 'primary' | 'secondary' | 'tertiary';
  sex: 'M' | 'F';
  ageYears: number;
  visitType: string;
  /** Days the line's prescription supplies, where the bill says. */
  supplyDays?: number;
}

/** The first scope rule the line breaks: its name (a path below `scope`) and why, or undefined. */
export function scopeBreach(scope: RestrictedScope | undefined, facts: ScopeFacts): { rule: string; reason: string } | undefined {
  if (!scope) return undefined;
  if (scope.icd10 && !facts.diagnoses.some((d) => scope.icd10!.some((p) => d.startsWith(p))))
    return { rule: 'indications', reason: `no diagnosis of the bill is an indication (${scope.icd10.join(', ')})` };
  if (scope.levels && !scope.levels.includes(facts.level))
    return { rule: 'levels', reason: `paid at ${scope.levels.join('/')} providers, this one is ${facts.level}` };
  if (scope.sex && scope.sex !== facts.sex) return { rule: 'sex', reason: `paid for ${scope.sex === 'F' ? 'women' : 'men'} only` };
  if (scope.ageFrom !== undefined && facts.ageYears < scope.ageFrom)
    return { rule: 'age', reason: `paid from age ${scope.ageFrom}, the member is ${facts.ageYears}` };
  if (scope.ageBelow !== undefined && facts.ageYears >= scope.ageBelow)
    return { rule: 'age', reason: `paid below age ${scope.ageBelow}, the member is ${facts.ageYears}` };
  if (scope.chronicOnly && facts.visitType !== 'chronic-outpatient')
    return { rule: 'chronicOnly', reason: `paid on chronic and special outpatient visits (门诊慢特病) only, this is ${facts.visitType}` };
  if (scope.maxDays !== undefined) {
    if (facts.supplyDays === undefined)
      return { rule: 'maxDays', reason: `paid up to ${scope.maxDays} days a prescription: the line must say supplyDays` };
    if (facts.supplyDays > scope.maxDays)
      return { rule: 'maxDays', reason: `paid up to ${scope.maxDays} days a prescription, the line supplies ${facts.supplyDays}` };
  }
  return undefined;
}
