import type { Logger } from '@aws-lambda-powertools/logger';
import type { ClaimSettledPayload } from '../../events/claims.ts';
import { CaseGrouped } from '../../events/drg.ts';
import type { EventPayload } from '../../events/contract.ts';
import { publish } from '../../shared/events/publish.ts';
import { PoisonMessageError } from '../../shared/queue/consumer.ts';
import { admissionsToDrg, caseItem, cutItem, getCase, markPublished, recordCase, type CaseItem } from '../../shared/drg/store/cases.ts';
import { drgPaymentFor } from '../../shared/drg/shipped-policies.ts';
import { grouperFor } from '../../shared/drg/rule-packages.ts';
import { cutsFor, paymentRegion, settleCase, stayDates } from '../../shared/drg/settled-case.ts';

/**
 * A settled inpatient claim: group it, compute its points, record them on the provider's ledger
 * for the year with any readmission cut, then publish CaseGrouped.
 *
 * Idempotent: the case's key is provider + year + claim number and every write is conditional on
 * it being new. A redelivered message finds the case recorded and published and changes nothing;
 * one that finds it recorded but not published (the first attempt stopped in between) publishes.
 */
export async function recordSettledCase(claim: ClaimSettledPayload, correlationId: string, logger: Logger): Promise<void> {
  const { year } = stayDates(claim);
  const region = paymentRegion(claim);
  const payment = drgPaymentFor(region, year);
  if (payment.kind === 'not-drg-paid') {
    logger.info("Region does not pay this year's inpatient cases by DRG; not grouped", { region, year });
    return;
  }
  if (payment.kind === 'policy-missing') {
    throw new PoisonMessageError(
      `No DRG policy for region ${region} in ${year} (DRG payment since ${payment.since}): add policies/drg/${region}/${year}.json, then redrive`,
    );
  }
  const { policy } = payment;

  const existing = await getCase(claim.claim.providerCode, year, claim.claim.claimNo);
  if (existing?.caseGroupedEventId) {
    logger.info('Case already grouped and published; nothing to do', { drg: existing.grouping.drg });
    return;
  }
  if (existing) {
    await publishCaseGrouped(existing, correlationId, logger);
    return;
  }

  const settled = settleCase(grouperFor(policy.grouperVersion), policy, claim);
  const others = settled.admission.drgPaid ? await admissionsToDrg(settled.memberId, settled.admission.drg) : [];
  // Each earlier admission is cut once: skip those another readmission already cut.
  const cuts = cutsFor(policy, settled, others).filter(
    (cut) => !others.some((o) => o.alreadyCut && o.claimNo === cut.earlier.claimNo && o.providerCode === cut.earlier.providerCode),
  );
  const regionOf = (providerCode: string, claimNo: string) =>
    others.find((o) => o.providerCode === providerCode && o.claimNo === claimNo)?.region ?? settled.region;

  const recordedAt = new Date().toISOString();
  const item = caseItem(settled, policy, cuts, recordedAt);
  const outcome = await recordCase(
    item,
    cuts.map((cut) => cutItem(cut, regionOf(cut.earlier.providerCode, cut.earlier.claimNo), recordedAt)),
  );
  if (outcome === 'already-recorded') {
    // Another delivery of the same message got there first; it publishes.
    logger.info('Case recorded meanwhile by another delivery', { claim: claim.claim });
    return;
  }
  logger.info('Case grouped and recorded', {
    drg: settled.grouping.drg,
    outcome: settled.grouping.outcome,
    pricing: settled.points.pricing,
    centipoints: settled.points.centipoints,
    readmissionCuts: cuts.length,
  });
  await publishCaseGrouped(item, correlationId, logger);
}

async function publishCaseGrouped(item: CaseItem, correlationId: string, logger: Logger): Promise<void> {
  const eventId = await publish(CaseGrouped, caseGroupedPayload(item), correlationId);
  await markPublished(item, eventId);
  logger.info('CaseGrouped published', { eventId });
}

export function caseGroupedPayload(item: CaseItem): EventPayload<typeof CaseGrouped> {
  const g = item.grouping;
  const p = item.points;
  return {
    claim: item.claim,
    memberId: item.memberId,
    region: item.region,
    year: item.year,
    admissionDate: item.admissionDate,
    dischargeDate: item.dischargeDate,
    grouping: { version: g.version, mdc: g.mdc, adrg: g.adrg, drg: g.drg, ccLevel: g.ccLevel, outcome: g.outcome },
    points: {
      pricing: p.pricing,
      weight: p.weight,
      baseCentipoints: p.baseCentipoints,
      coefficient: p.coefficient,
      addOns: p.addOns,
      centipoints: p.centipoints,
      review: p.review,
    },
    readmissionCuts: item.readmissionCuts,
    policy: item.policy,
  };
}
