/**
 * 高编高套 and DRG-outlier rules where the region-year is not paid by DRG: the audit groups the stay
 * itself (no CaseGrouped ever comes for it), so the provider rules count its DRG and CC level.
 */
import { describe, expect, it } from 'vitest';
import type { ClaimSettledPayload } from '../../events/claims.ts';
import { auditDrgFor } from '../../functions/fraud-scoring/score-claim.ts';
import { auditGrouping } from '../../shared/fraud/audit-grouping.ts';
import { fromClaimSettled } from '../../shared/fraud/claim.ts';
import { countedFor, profileWithClaim } from '../../shared/fraud/counting.ts';
import { scoreProvider } from '../../shared/fraud/engine.ts';
import { policyRegistry } from '../../shared/policy/store/registry.ts';
import { catalogueOf, shippedRule } from './fraud-fixtures.ts';

const registry = policyRegistry({ shippedOnly: true });

function stayIn(year: number, secondary: string[] = ['J96.000', 'E87.100'], providerCode = 'H0100'): ClaimSettledPayload {
  return {
    claim: { providerCode, claimNo: `S-${year}-${secondary.length}` },
    memberId: 'M-1',
    region: '330900',
    provider: { code: providerCode, level: 'secondary', region: '330900' },
    visit: { type: 'inpatient', serviceDate: `${year}-05-10`, admissionDate: `${year}-05-01`, dischargeDate: `${year}-05-10` },
    patient: { sex: 'M', ageYears: 70 },
    diagnoses: { principal: 'J18.900', secondary },
    procedures: [],
    inpatient: { lengthOfStayDays: 9 },
    lines: [],
    totals: { billedFen: 1_200_000, fundPaidFen: 900_000, patientPaidFen: 300_000 },
  } as ClaimSettledPayload;
}

describe('the audit grouping of stays in region-years not paid by DRG', () => {
  it('groups a 2025 Zhoushan stay (DRG payment begins 2026) under the 2026 policy’s rules; leaves 2026 to CaseGrouped', async () => {
    const audit = await auditDrgFor(stayIn(2025), registry);
    expect(audit?.code).toMatch(/^E[A-Z]\d{2}$/);
    expect(audit?.ccLevel).not.toBe('none');
    expect(await auditDrgFor(stayIn(2026), registry)).toBeUndefined();
    // An outpatient claim, or a stay without clinical data, has nothing to group.
    expect(await auditDrgFor({ ...stayIn(2025), visit: { type: 'outpatient', serviceDate: '2025-05-10' } }, registry)).toBeUndefined();
    const { diagnoses: _none, ...bare } = stayIn(2025);
    expect(auditGrouping(bare as ClaimSettledPayload)).toBeUndefined();
  });

  it('lets 高编高套 fire for that year: a provider whose stays all group with CC/MCC against peers at a fifth', async () => {
    const claim = fromClaimSettled(stayIn(2025));
    const drg = await auditDrgFor(stayIn(2025), registry);
    const counted = countedFor({ ...claim, drg }, { score: 0, hits: [] } as never);
    expect(counted).toMatchObject({ grouped: 1, ccMcc: 1 });
    const months = ['2025-03', '2025-04', '2025-05'];
    const stored = {
      own: months.map((month) => ({ month, claims: 12, groupedCases: 12, ccMccCases: 11 })),
      peers: months.map((month) => ({ month, claims: 112, groupedCases: 112, ccMccCases: 31 })),
      ownDrgs: [],
      regionDrgs: [],
    };
    const profile = profileWithClaim(stored, claim, counted);
    const score = scoreProvider(catalogueOf([shippedRule('high-coding')]), profile, { claims: 40, scoreSum: 0 });
    expect(score.hits.map((h) => h.ruleId)).toEqual(['CN-HICODE-01']);
    // Without the audit's grouping the stay counts as no case at all, and the provider stays below minCases.
    const blind = profileWithClaim(
      { ...stored, own: months.map((month) => ({ month, claims: 9, groupedCases: 9, ccMccCases: 9 })) },
      claim,
      countedFor(claim, { score: 0, hits: [] } as never),
    );
    expect(scoreProvider(catalogueOf([shippedRule('high-coding')]), blind, { claims: 40, scoreSum: 0 }).hits).toEqual([]);
  });
});
