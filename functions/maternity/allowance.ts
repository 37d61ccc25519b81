/**
 * Granting the maternity allowance (生育津贴) of one birth: the delivery claim settled for the
 * pregnancy (its type, babies and day), the member's eligibility on that day by the same rule
 * settlement used, the wage basis (the employer's declared wages of the year before, from the
 * maternityWages projection; the member's own months where no employer paid and the policy allows),
 * the pure computation, then the allowance and its event in one conditional write: one per birth.
 */
import { MaternityAllowanceGranted } from '../../events/maternity.ts';
import { outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import { employmentOn } from '../../shared/employers/coverage.ts';
import { notFound } from '../../shared/http/errors.ts';
import { AllowanceError, computeAllowance, type Allowance, type WageBasis } from '../../shared/maternity/allowance.ts';
import { readEligibility } from '../../shared/maternity/store/eligibility.ts';
import {
  putAllowance,
  readAllowance,
  readClaimMarker,
  readEmployerWages,
  readPregnancy,
  type AllowanceRecord,
} from '../../shared/maternity/store/records.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import { readClaim } from '../../shared/settlement/store/claims.ts';

export type GrantOutcome =
  | { outcome: 'granted'; record: AllowanceRecord; event: OutboxEntry }
  | { outcome: 'unchanged'; record: AllowanceRecord };

const refuse = (field: string, rule: string, message: string) => fieldRefusal(400, [{ field, rule, message }]);

export async function grantAllowance(memberId: string, pregnancyId: string, by: string, correlationId: string): Promise<GrantOutcome> {
  const [granted, pregnancy, marker] = await Promise.all([
    readAllowance(memberId, pregnancyId),
    readPregnancy(memberId, pregnancyId),
    readClaimMarker(memberId, pregnancyId, 'delivery'),
  ]);
  if (granted) return { outcome: 'unchanged', record: granted };
  if (!pregnancy) throw notFound(`member ${memberId} has no registered pregnancy ${pregnancyId}`);
  if (marker?.state !== 'settled')
    throw refuse(
      'body.pregnancyId',
      'no_settled_delivery',
      `no delivery claim is settled for pregnancy ${pregnancyId}: the allowance follows the delivery`,
    );
  const claim = await readClaim(marker.providerCode, marker.claimNo);
  const m = claim?.statement.maternity;
  const deliveryDate = claim?.bill.maternity?.deliveryDate;
  if (claim?.status !== 'settled' || !m?.deliveryType || !deliveryDate)
    throw refuse(
      'body.pregnancyId',
      'no_settled_delivery',
      `the delivery claim ${marker.claimNo} of ${marker.providerCode} is not settled`,
    );

  const read = await readEligibility(memberId, deliveryDate, { region: claim.region, scheme: claim.scheme as 'employee' | 'resident' });
  const policy = read.policy;
  if (!policy)
    throw refuse('body.pregnancyId', 'no_policy', `no maternity policy of region ${claim.region} is in force on ${deliveryDate}`);
  if (!policy.allowance.schemes.includes(claim.scheme as 'employee'))
    throw refuse(
      'body.memberId',
      'allowance.schemes',
      `the maternity allowance is paid to ${policy.allowance.schemes.join(', ')} members; this birth was covered by the ${claim.scheme} scheme`,
    );
  if (!read.eligibility?.eligible)
    throw refuse('body.memberId', read.eligibility?.rule ?? 'eligibility', read.eligibility?.text ?? 'not eligible');

  // The wage basis: the employer's year before the delivery, else (no employer that day) the member's own months.
  const year = Number(deliveryDate.slice(0, 4)) - 1;
  const employment = employmentOn(read.items.employment ?? [], deliveryDate);
  const employerCode = employment?.status === 'in-service' ? employment.employerCode : undefined;
  let wages: WageBasis;
  if (employerCode) {
    const employer = await readEmployerWages(employerCode, year);
    if (!employer || employer.employeeMonths === 0)
      throw refuse(
        'body.memberId',
        'allowance.wages',
        `employer ${employerCode} declared no wages for ${year}: its average monthly wage is unknown`,
      );
    wages = { source: 'employer', year, employerCode, totalWagesFen: employer.totalWagesFen, employeeMonths: employer.employeeMonths };
  } else {
    const own = (read.items.months ?? []).filter((x) => x.month.startsWith(`${year}-`));
    if (!policy.allowance.memberOwnWhenNoEmployer || own.length === 0)
      throw refuse(
        'body.memberId',
        'allowance.memberOwnWhenNoEmployer',
        `the member is in no employer's service on ${deliveryDate}` +
          (own.length ? '' : ` and paid no month of ${year}`) +
          ': no wage basis for the allowance',
      );
    wages = { source: 'member', year, totalWagesFen: own.reduce((s, x) => s + x.declaredWageFen, 0), employeeMonths: own.length };
  }
  let allowance: Allowance;
  try {
    allowance = computeAllowance(policy, {
      deliveryType: m.deliveryType,
      babies: m.babies ?? 1,
      wages,
      ...(employerCode ? { inServiceEmployerCode: employerCode } : {}),
    });
  } catch (error) {
    if (error instanceof AllowanceError) throw refuse('body.memberId', `allowance.${error.rule}`, error.message);
    throw error;
  }
  const at = new Date().toISOString();
  const record: AllowanceRecord = {
    memberId,
    pregnancyId,
    region: claim.region,
    delivery: {
      providerCode: claim.providerCode,
      claimNo: claim.claimNo,
      deliveryDate,
      deliveryType: m.deliveryType,
      babies: m.babies ?? 1,
    },
    allowance,
    policy: { region: policy.region, year: policy.year, version: policy.version },
    grantedAt: at,
    grantedBy: by,
  };
  const event = outboxEntry(
    MaternityAllowanceGranted,
    {
      memberId,
      pregnancyId,
      region: claim.region,
      delivery: { providerCode: claim.providerCode, claimNo: claim.claimNo, deliveryDate },
      leaveDays: allowance.leave.total,
      amountFen: allowance.amountFen,
      payee: allowance.payee,
      policy: record.policy,
    },
    correlationId,
    `maternity-allowance/${memberId}/${pregnancyId}/MaternityAllowanceGranted`,
    at,
  );
  if (await putAllowance(record, event)) return { outcome: 'granted', record, event };
  // Granted by a racing request: one per birth, answered from what it stored.
  return { outcome: 'unchanged', record: (await readAllowance(memberId, pregnancyId))! };
}
