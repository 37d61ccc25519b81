/**
 * The DRG result the provider rules (高编高套: CC/MCC share; cost and stay far above the DRG's mean)
 * count for a stay whose region-year is not paid by DRG points. Such a stay is never grouped for
 * payment (functions/drg-grouping leaves it alone, no CaseGrouped comes), so without this the two
 * rules were blind in every region-year without a DRG payment policy, which is most of them. The
 * audit groups the case itself with the CHS-DRG grouper, under the grouping rules of the region's
 * nearest DRG year when it has one: a measure of case mix, not a payment. Pure.
 */
import type { ClaimSettledPayload } from '../../events/claims.ts';
import type { GroupOptions } from '../drg/case.ts';
import type { GrouperVersion } from '../drg/package.ts';
import { grouperFor } from '../drg/rule-packages.ts';
import { drgCaseOf } from '../drg/settled-case.ts';
import type { FraudClaim } from './claim.ts';

export interface AuditGroupingRules extends GroupOptions {
  grouperVersion: GrouperVersion;
}

/** Without any DRG policy in the region: the newest CHS-DRG version, QY on, 医保版 codes. */
export const DEFAULT_AUDIT_GROUPING: AuditGroupingRules = { grouperVersion: '2.0', qy: true, codes: 'yibao' };

/** The stay's DRG and CC level as the provider rules count it, or undefined (not a stay, no clinical data, not grouped). */
export function auditGrouping(payload: ClaimSettledPayload, rules: AuditGroupingRules = DEFAULT_AUDIT_GROUPING): FraudClaim['drg'] {
  if (payload.visit.type !== 'inpatient') return undefined;
  const drgCase = drgCaseOf(payload);
  if (!drgCase) return undefined;
  const result = grouperFor(rules.grouperVersion).group(drgCase, {
    ...(rules.qy !== undefined ? { qy: rules.qy } : {}),
    ...(rules.codes ? { codes: rules.codes } : {}),
  });
  if (result.outcome !== 'grouped' || !result.drg) return undefined;
  return { code: result.drg, ccLevel: result.ccLevel ?? 'none' };
}
