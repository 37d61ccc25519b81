/**
 * Every policy kind the registry knows. The admin function (publish, read) and the test that every
 * file under policies/ is registered and valid go through this list; a function that reads one kind
 * imports that kind's module only, so its bundle carries only its own documents.
 */
import { benefitsKind } from './benefits.ts';
import { dipKind } from './dip.ts';
import { drgKind } from './drg.ts';
import { enrolmentKind } from './enrolment.ts';
import { fraudRulesKind } from './fraud-rules.ts';
import { knowledgeBaseKind } from './knowledge-base.ts';
import { longTermCareKind } from './long-term-care.ts';
import { maternityKind } from './maternity.ts';
import type { PolicyKind } from './registry.ts';
import { yearEndKind } from './year-end.ts';

export const POLICY_KINDS: readonly PolicyKind<never>[] = [
  benefitsKind,
  enrolmentKind,
  drgKind,
  yearEndKind,
  fraudRulesKind,
  maternityKind,
  knowledgeBaseKind,
  longTermCareKind,
  dipKind,
] as never;

export const policyKind = (kind: string): PolicyKind<unknown> | undefined =>
  POLICY_KINDS.find((k) => k.kind === kind) as PolicyKind<unknown> | undefined;
