/** Every rule type, by name: the catalogue schema and the engine both look types up here. */
import type { RuleType } from './define.ts';
import { crossClaimRuleTypes } from './cross-claim.ts';
import { perClaimRuleTypes } from './per-claim.ts';
import { providerRuleTypes } from './provider.ts';

export const ruleTypes: readonly RuleType[] = [...perClaimRuleTypes, ...crossClaimRuleTypes, ...providerRuleTypes] as unknown as RuleType[];

export const ruleTypeByName: ReadonlyMap<string, RuleType> = new Map(ruleTypes.map((t) => [t.type, t]));

export const RULE_TYPE_NAMES = ruleTypes.map((t) => t.type) as [string, ...string[]];
