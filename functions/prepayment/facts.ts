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
import { applyCase, applyClaimReversed, applyClaimSettled } from '../../shared/budget/store/facts.ts';
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
type FactContract = (typeof FACT_CONTRACTS)[number];

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
    const d = event.detail as ReceivedEvent<typeof ClaimSettled>['detail'];
    const date = accountingDate(d.visit);
    const year = Number(date.slice(0, 4));
    const fundPaidFen = pooledFundPaid(d.totals);
    // The member's capitation is read with the claim's marker (one BatchGetItem), then decided here.
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
    const outcome = await applyClaimSettled(
      {
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
      },
      now,
      { memberId: d.memberId, year, decide },
    );
    logger.info('Claim projected', { outcome, fundPaidFen, capitation: communityId });
    return;
  }

  const d = event.detail as ReceivedEvent<typeof ClaimReversed>['detail'];
  const outcome = await applyClaimReversed(d.claim.providerCode, d.claim.claimNo, now);
  logger.info('Reversal projected', { outcome });
}
