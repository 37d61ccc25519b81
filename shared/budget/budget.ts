/**
 * A region's fund budget for a year (基金预算) and how it is split: a global budget (总额预算) per
 * provider, the health communities' global budgets (the sum of their members'), the DRG budget that
 * point payment divides at the year-end, and each community's capitation fund (standard × capitated
 * members, drawn from the community's global budget: 慢特病按人头付费资金从医共体总额预算资金中列支).
 *
 * The capitation fund is fixed when the budget is set: members approved later in the year add
 * nothing to it (金医保发〔2023〕19号 六(一): 年度内新增慢特病患者在此预算之内不再增加预算额度).
 *
 * Pure: the handler loads the register and the policy, this checks the budget against them and
 * derives the figures, naming every field that breaks a rule.
 */
import * as z from 'zod';
import type { Fen } from '../money/fen.ts';
import type { FieldProblem } from '../http/validation.ts';
import { sum } from './arith.ts';
import type { HealthCommunity } from './community.ts';
import type { SettlementPolicy } from './policy.ts';

const fen = z.number().int().nonnegative();
export const providerCodeSchema = z.string().regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits');
export const communityIdSchema = z.string().regex(/^[A-Z0-9-]{3,40}$/, 'a community id is 3-40 upper-case letters, digits or hyphens');
export const regionSchema = z.string().regex(/^\d{6}$/, 'a region code is the 6-digit administrative division code');

/** What staff send: PUT /v1/budgets/{region}/{year}. */
export const budgetInputSchema = z
  .strictObject({
    /** The region's fund budget for the year (统筹基金支出预算). */
    totalFen: fen.positive(),
    /** The pool DRG point payment divides at the year-end. */
    drgBudgetFen: fen,
    /** The fund's accumulated reserve (累计结余) and the date it was counted: for the months-of-payment warning. */
    reserve: z.strictObject({ balanceFen: fen, asOf: z.iso.date() }).optional(),
    /**
     * Each scheme's own fund (职工 and 城乡居民 are kept apart): its payment budget for the year and its
     * accumulated reserve, for the fund accounts and the warnings per scheme (fund-account.ts).
     */
    schemes: z
      .strictObject({
        employee: z
          .strictObject({ budgetFen: fen, reserve: z.strictObject({ balanceFen: fen, asOf: z.iso.date() }).optional() })
          .optional(),
        resident: z
          .strictObject({ budgetFen: fen, reserve: z.strictObject({ balanceFen: fen, asOf: z.iso.date() }).optional() })
          .optional(),
      })
      .optional(),
    providers: z
      .array(
        z.strictObject({
          providerCode: providerCodeSchema,
          globalBudgetFen: fen,
          /** The prepayment agreement (a name in the policy's prepayment.agreements); the policy's default if absent. */
          agreement: z
            .string()
            .regex(/^[a-z0-9-]+$/)
            .optional(),
        }),
      )
      .max(20_000),
    healthCommunities: z
      .array(
        z.strictObject({
          communityId: communityIdSchema,
          /**
           * Members approved for the capitated chronic diseases when the budget is set. Left out, the
           * approvals register's count is used (members holding a chronic-disease approval certified by one
           * of the community's providers that year: store/capitated-population.ts).
           */
          capitatedMembers: z.number().int().nonnegative().optional(),
        }),
      )
      .max(2_000)
      .default([]),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.providers.forEach((p, i) => {
      if (seen.has(p.providerCode))
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'providerCode'], message: `provider ${p.providerCode} appears twice` });
      seen.add(p.providerCode);
    });
    const communities = new Set<string>();
    b.healthCommunities.forEach((c, i) => {
      if (communities.has(c.communityId))
        ctx.addIssue({
          code: 'custom',
          path: ['healthCommunities', i, 'communityId'],
          message: `community ${c.communityId} appears twice`,
        });
      communities.add(c.communityId);
    });
  });
export type BudgetInput = z.infer<typeof budgetInputSchema>;

export interface CommunityBudget {
  communityId: string;
  capitatedMembers: number;
  /** Where the count came from: typed into the budget, or the approvals register when the budget was set. */
  capitatedMembersFrom?: 'budget' | 'approvals-register';
  /** With the approvals register: members per approved disease group (a member with two groups counts in each). */
  capitatedByGroup?: Record<string, number>;
  /** The sum of its members' global budgets. */
  globalBudgetFen: Fen;
  /** standard × capitated members. */
  capitationFundFen: Fen;
}

/** A budget as stored: the input, checked, with its derived figures. */
export interface Budget extends BudgetInput {
  region: string;
  year: number;
  version: number;
  policyVersion: number;
  communities: CommunityBudget[];
  providersBudgetFen: Fen;
}

export interface Register {
  /** Registered providers: code → region. */
  providers: ReadonlyMap<string, { region: string; poolingRegion?: string }>;
  communities: ReadonlyMap<string, HealthCommunity>;
  /** The approvals register's capitated population per community (for communities whose count the input leaves out). */
  capitatedPopulation?: ReadonlyMap<string, { members: number; groups: Record<string, number> }>;
}

export type BudgetCheck = { ok: true; budget: Omit<Budget, 'version'> } | { ok: false; problems: FieldProblem[] };

export function checkBudget(region: string, year: number, input: BudgetInput, policy: SettlementPolicy, register: Register): BudgetCheck {
  const problems: FieldProblem[] = [];
  const problem = (field: string, rule: string, message: string) => problems.push({ field: `body.${field}`, rule, message });

  input.providers.forEach((p, i) => {
    const registered = register.providers.get(p.providerCode);
    if (!registered) problem(`providers.${i}.providerCode`, 'not_registered', `provider ${p.providerCode} is not in the provider register`);
    else if ((registered.poolingRegion ?? registered.region) !== region)
      problem(
        `providers.${i}.providerCode`,
        'other_region',
        `provider ${p.providerCode} belongs to region ${registered.poolingRegion ?? registered.region}`,
      );
    if (p.agreement !== undefined && !policy.prepayment.agreements.has(p.agreement)) {
      problem(
        `providers.${i}.agreement`,
        'unknown_agreement',
        `the ${region} ${year} settlement policy has no agreement ${p.agreement} (it has ${[...policy.prepayment.agreements.keys()].join(', ')})`,
      );
    }
  });

  const budgetOf = new Map(input.providers.map((p) => [p.providerCode, p.globalBudgetFen]));
  const communityOf = new Map<string, string>();
  const communities: CommunityBudget[] = [];
  input.healthCommunities.forEach((c, i) => {
    const community = register.communities.get(c.communityId);
    if (!community) {
      problem(`healthCommunities.${i}.communityId`, 'not_registered', `health community ${c.communityId} is not registered`);
      return;
    }
    if (community.region !== region) {
      problem(
        `healthCommunities.${i}.communityId`,
        'other_region',
        `health community ${c.communityId} belongs to region ${community.region}`,
      );
      return;
    }
    for (const m of community.members) {
      const other = communityOf.get(m.providerCode);
      if (other)
        problem(
          `healthCommunities.${i}.communityId`,
          'shared_member',
          `provider ${m.providerCode} is a member of both ${other} and ${c.communityId}`,
        );
      communityOf.set(m.providerCode, c.communityId);
    }
    const globalBudgetFen = sum(community.members.map((m) => budgetOf.get(m.providerCode) ?? 0));
    const fromRegister = c.capitatedMembers === undefined ? register.capitatedPopulation?.get(c.communityId) : undefined;
    const capitatedMembers = c.capitatedMembers ?? fromRegister?.members ?? 0;
    const capitationFundFen = policy.capitation.standardPerMemberFen * capitatedMembers;
    if (capitationFundFen > globalBudgetFen) {
      problem(
        `healthCommunities.${i}.capitatedMembers`,
        'capitation_exceeds_budget',
        `capitation fund ${capitationFundFen} fen (${capitatedMembers} × ${policy.capitation.standardPerMemberFen}) exceeds the community's global budget ${globalBudgetFen} fen, from which it is drawn`,
      );
    }
    communities.push({
      communityId: c.communityId,
      capitatedMembers,
      ...(c.capitatedMembers === undefined
        ? { capitatedMembersFrom: 'approvals-register' as const, capitatedByGroup: fromRegister?.groups ?? {} }
        : {}),
      globalBudgetFen,
      capitationFundFen,
    });
  });

  const providersBudgetFen = sum(input.providers.map((p) => p.globalBudgetFen));
  if (providersBudgetFen > input.totalFen)
    problem(
      'providers',
      'exceeds_total',
      `the providers' global budgets add up to ${providersBudgetFen} fen, more than the total ${input.totalFen}`,
    );
  if (input.drgBudgetFen > input.totalFen)
    problem('drgBudgetFen', 'exceeds_total', `the DRG budget ${input.drgBudgetFen} fen exceeds the total ${input.totalFen}`);

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, budget: { ...input, region, year, policyVersion: policy.version, communities, providersBudgetFen } };
}

/** The agreement a budget line is advanced under. */
export function agreementOf(line: BudgetInput['providers'][number] | undefined, policy: SettlementPolicy) {
  const name = line?.agreement ?? policy.prepayment.defaultAgreement;
  const agreement = policy.prepayment.agreements.get(name);
  if (!agreement) throw new Error(`settlement policy ${policy.region}/${policy.year} has no agreement ${name}`);
  return agreement;
}
