import type { Logger } from '@aws-lambda-powertools/logger';
import type { ClaimSettledPayload } from '../../events/claims.ts';
import { CaseGrouped } from '../../events/drg.ts';
import type { EventPayload } from '../../events/contract.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry } from '../../shared/events/outbox.ts';
import { PoisonMessageError } from '../../shared/queue/consumer.ts';
import { admissionsToDrg, caseGroupedKey, caseItem, cutItem, getCase, recordCase, type CaseItem } from '../../shared/drg/store/case.ts';
import { drgKind, drgPayment } from '../../shared/policy/drg.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { grouperFor } from '../../shared/drg/rule-packages.ts';
import { cutsFor, paymentRegion, settleCase, stayDates } from '../../shared/drg/settled-case.ts';
import { dipKind } from '../../shared/policy/dip.ts';
import { settleDipCase } from '../../shared/dip/settled-case.ts';
import { dipCaseItem, getDipCase, recordDipCase, type DipCaseItem } from '../../shared/dip/store/case.ts';

/**
 * A settled stay (inpatient, or per bed-day): a DIP case where the region-year holds a DIP catalogue,
 * a DRG case where it pays by DRG; both where it holds both (the year-end terms say which pays).
 */
export async function recordSettledCase(claim: ClaimSettledPayload, correlationId: string, logger: Logger): Promise<void> {
  await recordSettledDipCase(claim, correlationId, logger);
  await recordSettledDrgCase(claim, correlationId, logger);
}

/**
 * A settled stay scored by the region-year's DIP catalogue, recorded in the drgCases table (method
 * dip) with its CaseGrouped (method dip) in one transaction, then delivered. Idempotent as the DRG
 * case is: keyed by provider + year + claim number, every write conditional on it being new.
 */
export async function recordSettledDipCase(claim: ClaimSettledPayload, correlationId: string, logger: Logger): Promise<void> {
  const { year, dischargeDate } = stayDates(claim);
  const region = paymentRegion(claim);
  const policy = await policies.inForce(dipKind, { region, year }, dischargeDate);
  if (!policy) return;
  const existing = await getDipCase(claim.claim.providerCode, year, claim.claim.claimNo);
  if (existing) {
    logger.info('DIP case already recorded; delivering its event if it still waits', { group: existing.dip.group });
    await deliverWaiting([existing.caseGroupedEventId], warnOn(logger));
    return;
  }
  const settled = settleDipCase(policy, claim);
  const item = dipCaseItem(settled, policy, new Date().toISOString());
  const event = outboxEntry(
    CaseGrouped,
    dipCaseGroupedPayload(item, policy.procedureClasses),
    correlationId,
    item.caseGroupedEventId,
    item.recordedAt,
  );
  if ((await recordDipCase(item, event)) === 'already-recorded') {
    logger.info('DIP case recorded meanwhile by another delivery', { claim: claim.claim });
    return;
  }
  logger.info('DIP case scored and recorded', {
    group: settled.result.group,
    pricing: settled.result.pricing,
    centipoints: settled.result.centipoints,
  });
  await deliverAfterCommit([event], warnOn(logger));
}

/** CaseGrouped for a DIP case: method dip, the group in `dip`, and `grouping` that no DRG reader takes for a DRG. */
export function dipCaseGroupedPayload(item: DipCaseItem, classesVersion: '1.1' | '2.0'): EventPayload<typeof CaseGrouped> {
  const d = item.dip;
  return {
    claim: item.claim,
    memberId: item.memberId,
    region: item.region,
    method: 'dip',
    year: item.year,
    admissionDate: item.admissionDate,
    dischargeDate: item.dischargeDate,
    grouping: { version: classesVersion, mdc: null, adrg: null, drg: d.group ?? '0000', ccLevel: null, outcome: d.outcome },
    dip: { group: d.group, kind: d.kind, treatment: d.treatment, catalogue: item.policy },
    points: {
      pricing: d.pricing,
      weight: null,
      baseCentipoints: d.baseCentipoints,
      coefficient: d.coefficient,
      addOns: [],
      centipoints: d.centipoints,
      review: d.review,
    },
    readmissionCuts: [],
    policy: item.policy,
  };
}

/**
 * A settled inpatient claim: group it, compute its points, record them on the provider's ledger
 * for the year with any readmission cut and the CaseGrouped event (outbox) in one transaction,
 * then deliver the event.
 *
 * Idempotent: the case's key is provider + year + claim number and every write is conditional on
 * it being new. A redelivered message finds the case recorded and changes nothing but delivering
 * its event if it still waits in the outbox (the first attempt stopped, or the bus refused it).
 */
export async function recordSettledDrgCase(claim: ClaimSettledPayload, correlationId: string, logger: Logger): Promise<void> {
  const { year, dischargeDate } = stayDates(claim);
  const region = paymentRegion(claim);
  // The year's policy in force on the discharge date, shipped or published (no redeploy for a new year).
  const [policyInForce, held] = await Promise.all([
    policies.inForce(drgKind, { region, year }, dischargeDate),
    policies.keys(drgKind, region),
  ]);
  const payment = drgPayment(
    policyInForce,
    held.map((k) => Number(k.year)),
    year,
  );
  if (payment.kind === 'not-drg-paid') {
    logger.info("Region does not pay this year's inpatient cases by DRG; not grouped", { region, year });
    return;
  }
  if (payment.kind === 'policy-missing') {
    throw new PoisonMessageError(
      `No DRG policy for region ${region} in ${year} (DRG payment since ${payment.since}): publish its DRG policy (POST /v1/policies, kind drg), then redrive`,
    );
  }
  const { policy } = payment;

  const existing = await getCase(claim.claim.providerCode, year, claim.claim.claimNo);
  if (existing) {
    logger.info('Case already grouped; delivering its event if it still waits', { drg: existing.grouping.drg });
    await deliverWaiting([caseGroupedKey(existing.claim.providerCode, existing.year, existing.claim.claimNo)], warnOn(logger));
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
  const event = caseGroupedEvent(item, correlationId);
  const outcome = await recordCase(
    item,
    cuts.map((cut) => cutItem(cut, regionOf(cut.earlier.providerCode, cut.earlier.claimNo), recordedAt)),
    event,
  );
  if (outcome === 'already-recorded') {
    // Another delivery of the same message got there first; it delivers.
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
  await deliverAfterCommit([event], warnOn(logger));
}

const warnOn = (logger: Logger) => (message: string, extra: Record<string, unknown>) => logger.warn(message, extra);

/** CaseGrouped as an outbox entry, keyed (and identified) by the case it reports. */
export const caseGroupedEvent = (item: CaseItem, correlationId: string) =>
  outboxEntry(
    CaseGrouped,
    caseGroupedPayload(item),
    correlationId,
    caseGroupedKey(item.claim.providerCode, item.year, item.claim.claimNo),
    item.recordedAt,
  );

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
