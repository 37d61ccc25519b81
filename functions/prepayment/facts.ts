/**
 * The paymentFacts consumer: ClaimSettled, ClaimReversed and CaseGrouped events projected into the
 * monthly totals prepayment, warnings and the year-end read (shared/budget/facts.ts says what each
 * adds; shared/budget/store/facts.ts makes each addition happen once). Owning this projection keeps
 * budgets independent of how the claims and DRG tables are laid out.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ClaimReversed, ClaimSettled } from '../../events/claims.ts';
import { CaseGrouped } from '../../events/drg.ts';
import { FraudRecoveryConfirmed } from '../../events/fraud.ts';
import { ContributionRecorded } from '../../events/enrolment.ts';
import { EmployeeContributionPaid } from '../../events/employers.ts';
import { applyIncome } from '../../shared/budget/store/fund-accounts.ts';
import { applyRecoveryConfirmed } from '../../shared/budget/store/recoveries.ts';
import type { ReceivedEvent } from '../../shared/queue/consumer.ts';
import { PoisonMessageError } from '../../shared/queue/consumer.ts';
import { accountingDate, capitationExclusion, pooledFundPaid } from '../../shared/budget/facts.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import {
  applyCase,
  applyClaimReversed,
  applyClaimSettled,
  applyFirstSettlements,
  type CapitationCheck,
  type ClaimFact,
} from '../../shared/budget/store/facts.ts';
import { communitiesOfRegion } from '../../shared/budget/store/register.ts';
import { RegisterEntryChanged } from '../../events/registers.ts';
import { applyApprovalFact, applyContractFact } from '../../shared/budget/store/capitated-population.ts';

export const FACT_CONTRACTS = [
  ClaimSettled,
  ClaimReversed,
  CaseGrouped,
  RegisterEntryChanged,
  FraudRecoveryConfirmed,
  ContributionRecorded,
  EmployeeContributionPaid,
] as const;
export type FactContract = (typeof FACT_CONTRACTS)[number];

/**
 * A ClaimSettled as the projection takes it: its fact, and the check of the member's capitation
 * (read with the claim's marker, then decided here on the year's settlement policy); `communityId`
 * answers what was decided, for the log line.
 */
export function settledClaim(d: ReceivedEvent<typeof ClaimSettled>['detail'], logger: Logger) {
  const date = accountingDate(d.visit);
  const year = Number(date.slice(0, 4));
  const fundPaidFen = pooledFundPaid(d.totals);
  let communityId: string | null = null;
  const decide = async (capitated: { communityId: string; region: string } | undefined): Promise<string | null> => {
    if (!capitated) return null;
    const policy = await policies.forYear(yearEndKind, capitated.region, year);
    if (!policy)
      throw new PoisonMessageError(
        `Member capitated in ${capitated.communityId} (${capitated.region}) but no settlement policy for ${year}`,
      );
    const excluded = capitationExclusion(d, policy);
    if (excluded) logger.info('Claim outside the capitation package', { communityId: capitated.communityId, reason: excluded });
    communityId = excluded ? null : capitated.communityId;
    return communityId;
  };
  const fact: ClaimFact = {
    providerCode: d.claim.providerCode,
    claimNo: d.claim.claimNo,
    month: date.slice(0, 7),
    fundPaidFen,
    inpatient: d.visit.type === 'inpatient',
    stay: d.visit.type === 'inpatient' || d.visit.type === 'bed-day',
    communityId: null,
    settledAt: d.settledAt ?? null,
    ...(d.settlementNo !== undefined ? { settlementNo: d.settlementNo } : {}),
    // Claims without a scheme predate employee settlement: residents'.
    fund: { region: d.region, scheme: d.scheme ?? 'resident', byLayer: d.totals.byLayer ?? { basic: d.totals.fundPaidFen } },
  };
  return { fact, capitation: { memberId: d.memberId, year, decide } satisfies CapitationCheck, communityId: () => communityId };
}

/** The claim a fact names (a settlement, a reversal, a grouped case, a recovery), as `provider/claim`. */
export function claimNamed(detail: unknown): string | undefined {
  const claim = (detail as { claim?: { providerCode?: unknown; claimNo?: unknown } }).claim;
  return typeof claim?.providerCode === 'string' && typeof claim.claimNo === 'string'
    ? `${claim.providerCode}/${claim.claimNo}`
    : undefined;
}

/**
 * The batch's first settlements, projected together (store/facts.ts applyFirstSettlements: one
 * read and one transaction for the batch instead of two requests a claim). Only a ClaimSettled whose
 * claim no other message of the batch names: its projection then commutes with theirs (each claim's
 * marker is its own, and the totals they share are additions). Answers, by the message's index, the
 * log line of each one projected; the others, and any a transaction did not take, are projected one
 * by one (projectFact).
 */
export async function projectSettlementsTogether(
  events: readonly ReceivedEvent<FactContract>[],
  logger: Logger,
): Promise<Map<number, Record<string, unknown>>> {
  const named = new Map<string, number>();
  for (const e of events) {
    const claim = claimNamed(e.detail);
    if (claim) named.set(claim, (named.get(claim) ?? 0) + 1);
  }
  const together = [...events.keys()].filter(
    (i) => events[i]!.contract.detailType === ClaimSettled.detailType && named.get(claimNamed(events[i]!.detail)!) === 1,
  );
  if (together.length < 2) return new Map();
  const settled = together.map((i) => settledClaim(events[i]!.detail as ReceivedEvent<typeof ClaimSettled>['detail'], logger));
  const outcomes = await applyFirstSettlements(settled, new Date().toISOString());
  const done = new Map<number, Record<string, unknown>>();
  outcomes.forEach((outcome, k) => {
    if (outcome === 'applied')
      done.set(together[k]!, {
        outcome,
        together: together.length,
        fundPaidFen: settled[k]!.fact.fundPaidFen,
        capitation: settled[k]!.communityId(),
      });
  });
  return done;
}

export async function projectFact(event: ReceivedEvent<FactContract>, logger: Logger): Promise<void> {
  const now = new Date().toISOString();
  const detailType = event.contract.detailType;

  if (detailType === RegisterEntryChanged.detailType) {
    // A chronic-disease approval: the capitated population follows the approvals register.
    const d = event.detail as ReceivedEvent<typeof RegisterEntryChanged>['detail'];
    // The register entry as the capitated population keeps it, tied to the community it counts for.
    const entry = (communityId: string | null) => ({
      entryId: d.entryId,
      version: d.version,
      status: d.status,
      validFrom: d.validFrom,
      validTo: d.validTo,
      diseaseGroup: d.subject,
      communityId,
    });
    if (d.register === 'family-doctor-contracts') {
      // A family-doctor contract: the provider's contracted members, the per-capita basis of its weight.
      const outcome = await applyContractFact(d.memberId, d.region, entry(d.providerCode ?? null), now);
      logger.info('Contract projected', { outcome, version: d.version, providerCode: d.providerCode });
      return;
    }
    if (d.register !== 'chronic-approvals') return;
    const community = d.providerCode
      ? (await communitiesOfRegion(d.region)).find((c) => c.members.some((m) => m.providerCode === d.providerCode))
      : undefined;
    const outcome = await applyApprovalFact(d.memberId, d.region, entry(community?.communityId ?? null), now);
    logger.info('Approval projected', { outcome, register: d.register, version: d.version, communityId: community?.communityId ?? null });
    return;
  }

  if (detailType === ContributionRecorded.detailType) {
    // Residents' contributions are their fund's income; employees' come month by month from their employers (below).
    const d = event.detail as ReceivedEvent<typeof ContributionRecorded>['detail'];
    if ((d.scheme ?? 'resident') !== 'resident') return;
    const outcome = await applyIncome(
      {
        eventId: d.eventId ?? event.envelope.id,
        region: d.region,
        scheme: 'resident',
        month: d.paidOn.slice(0, 7),
        income: d.shares,
        personalAccountFen: 0,
      },
      now,
    );
    logger.info('Contribution projected', { outcome, scheme: 'resident', amountFen: d.amountFen });
    return;
  }

  if (detailType === EmployeeContributionPaid.detailType) {
    // The employer part is the pooled fund's income; the individual part goes to the personal account.
    const d = event.detail as ReceivedEvent<typeof EmployeeContributionPaid>['detail'];
    const outcome = await applyIncome(
      {
        eventId: d.eventId ?? event.envelope.id,
        region: d.region,
        scheme: 'employee',
        month: d.paidOn.slice(0, 7),
        income: { employerFen: d.employerFen },
        personalAccountFen: d.individualFen,
      },
      now,
    );
    logger.info('Employee contribution projected', { outcome, scheme: 'employee', employerFen: d.employerFen });
    return;
  }

  if (detailType === FraudRecoveryConfirmed.detailType) {
    // Owed by the provider until taken from its next prepayment or its year-end.
    const d = event.detail as ReceivedEvent<typeof FraudRecoveryConfirmed>['detail'];
    const outcome = await applyRecoveryConfirmed(
      {
        alertId: d.alertId,
        providerCode: d.providerCode,
        region: d.region,
        ...(d.claim ? { claim: { providerCode: d.claim.providerCode, claimNo: d.claim.claimNo } } : {}),
        recoveryFen: d.recoveryFen,
        confirmedAt: d.confirmedAt,
      },
      now,
    );
    logger.info('Recovery projected', { outcome, alertId: d.alertId, providerCode: d.providerCode, recoveryFen: d.recoveryFen });
    return;
  }

  if (detailType === CaseGrouped.detailType) {
    const d = event.detail as ReceivedEvent<typeof CaseGrouped>['detail'];
    // Only the cuts this case made: a cut it suffered was projected with the later case's event.
    const cuts = d.readmissionCuts
      .filter(
        (c) => c.readmission.providerCode === d.claim.providerCode && c.readmission.claimNo === d.claim.claimNo && c.deltaCentipoints !== 0,
      )
      .map((c) => ({ earlier: c.earlier, deltaCentipoints: c.deltaCentipoints }));
    const outcome = await applyCase(
      {
        providerCode: d.claim.providerCode,
        claimNo: d.claim.claimNo,
        month: d.dischargeDate.slice(0, 7),
        centipoints: d.points.centipoints,
        method: d.method ?? 'drg',
        ...(d.points.pricing === 'bed-day' ? { bedDay: true } : {}),
      },
      cuts,
      now,
    );
    logger.info('Case projected', { outcome, centipoints: d.points.centipoints, cuts: cuts.length });
    return;
  }

  if (detailType === ClaimSettled.detailType) {
    const settled = settledClaim(event.detail as ReceivedEvent<typeof ClaimSettled>['detail'], logger);
    const outcome = await applyClaimSettled(settled.fact, now, settled.capitation);
    logger.info('Claim projected', { outcome, fundPaidFen: settled.fact.fundPaidFen, capitation: settled.communityId() });
    return;
  }

  const d = event.detail as ReceivedEvent<typeof ClaimReversed>['detail'];
  const outcome = await applyClaimReversed(d.claim.providerCode, d.claim.claimNo, now);
  logger.info('Reversal projected', { outcome });
}
