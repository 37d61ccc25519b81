/**
 * Every key this capability writes in the providers table, in one place (infra/topology.ts lists
 * the access patterns). Versions are zero-padded so they sort.
 *
 *  provider profile        PROVIDER#<code>              PROFILE                     gsi1 REGION#<r> / PROVIDER#<code>
 *  health community        HC#<id>                      PROFILE                     gsi1 REGION#<r> / HC#<id>
 *  assessment              HC#<id>                      ASSESS#<yyyy>
 *  capitated member        MEMBER#<memberId>            CAPITATION#<yyyy>           (→ its community; source `approvals` when the approvals register put it)
 *  approvals seen          MEMBER#<memberId>            APPROVALS#<yyyy>            (the approvals register's facts and the member's standing that year)
 *  approval versions       MEMBER#<memberId>            APPROVAL#<entryId>          (latest version applied, the years it touched)
 *  capitated population    HC#<id>                      CAPCOUNT#<yyyy>             (members, and group_<code> per disease group)
 *  contracts seen          MEMBER#<memberId>            CONTRACTS#<yyyy> / CONTRACT#<entryId>   (family-doctor contracts, as approvals)
 *  contracted members      PROVIDER#<code>              CONTRACTED#<yyyy>           (members contracted with it that year)
 *  budget version / head   BUDGET#<r>#<yyyy>            V#<0001> / HEAD
 *  regions with a budget   BUDGETS#<yyyy>               REGION#<r>
 *  monthly totals          PROVIDER#<code>              TOTALS#<yyyy-mm>            (points, fund paid: the projection)
 *  year totals             PROVIDER#<code>              TOTALS#<yyyy>               (the same, for the year: what the year-end reads)
 *  ledger balance          PROVIDER#<code>              BALANCE#<yyyy>              (advances of the year; each year-end version's entry)
 *  capitation spending     HC#<id>                      SPENT#<yyyy-mm>
 *  projection markers      FACT#CASE|DIPCASE|CUT|CLAIM#<provider>#<claimNo>   FACT   (each fact applied once; CASE a DRG case, DIPCASE a DIP one)
 *  run version / head      RUN#<kind>#<r>#<period>      V#<0001> / HEAD
 *  prepayment line         PROVIDER#<code>              PREPAY#<yyyy-mm>#V#<0001>   gsi2 RUN#prepayment#<r>#<period> / V#<0001>#P#<code>
 *  year-end report         PROVIDER#<code> | HC#<id>    YEAREND#<yyyy>#V#<0001>     gsi2 RUN#year-end#<r>#<yyyy> / V#<0001>#P|C#<code>
 *  ledger entry            PROVIDER#<code>              LEDGER#<yyyy>#PREPAY#<yyyy-mm>#V#<0001> | LEDGER#<yyyy>#YEAREND#V#<0001>
 *  warning level           WARN#<r>#<yyyy>              <kind>#<subject>
 */
export type RunKind = 'prepayment' | 'year-end';

export const v = (version: number): string => `V#${String(version).padStart(4, '0')}`;

export const keys = {
  provider: (code: string) => ({ pk: `PROVIDER#${code}`, sk: 'PROFILE' }),
  community: (id: string) => ({ pk: `HC#${id}`, sk: 'PROFILE' }),
  assessment: (id: string, year: number) => ({ pk: `HC#${id}`, sk: `ASSESS#${year}` }),
  capitated: (memberId: string, year: number) => ({ pk: `MEMBER#${memberId}`, sk: `CAPITATION#${year}` }),
  approvalYear: (memberId: string, year: number) => ({ pk: `MEMBER#${memberId}`, sk: `APPROVALS#${year}` }),
  approvalEntry: (memberId: string, entryId: string) => ({ pk: `MEMBER#${memberId}`, sk: `APPROVAL#${entryId}` }),
  capitatedCount: (communityId: string, year: number) => ({ pk: `HC#${communityId}`, sk: `CAPCOUNT#${year}` }),
  contractYear: (memberId: string, year: number) => ({ pk: `MEMBER#${memberId}`, sk: `CONTRACTS#${year}` }),
  contractEntry: (memberId: string, entryId: string) => ({ pk: `MEMBER#${memberId}`, sk: `CONTRACT#${entryId}` }),
  contractedCount: (providerCode: string, year: number) => ({ pk: `PROVIDER#${providerCode}`, sk: `CONTRACTED#${year}` }),
  budget: (region: string, year: number, version: number) => ({ pk: `BUDGET#${region}#${year}`, sk: v(version) }),
  budgetHead: (region: string, year: number) => ({ pk: `BUDGET#${region}#${year}`, sk: 'HEAD' }),
  budgetIndex: (region: string, year: number) => ({ pk: `BUDGETS#${year}`, sk: `REGION#${region}` }),
  /** A month (yyyy-mm) or a whole year (yyyy): the projection adds every fact to both. */
  totals: (code: string, monthOrYear: string) => ({ pk: `PROVIDER#${code}`, sk: `TOTALS#${monthOrYear}` }),
  balance: (code: string, year: number) => ({ pk: `PROVIDER#${code}`, sk: `BALANCE#${year}` }),
  spent: (communityId: string, month: string) => ({ pk: `HC#${communityId}`, sk: `SPENT#${month}` }),
  fact: (kind: 'CASE' | 'DIPCASE' | 'CUT' | 'CLAIM', provider: string, claimNo: string) => ({
    pk: `FACT#${kind}#${provider}#${claimNo}`,
    sk: 'FACT',
  }),
  run: (kind: RunKind, region: string, period: string, version: number) => ({ pk: `RUN#${kind}#${region}#${period}`, sk: v(version) }),
  runHead: (kind: RunKind, region: string, period: string) => ({ pk: `RUN#${kind}#${region}#${period}`, sk: 'HEAD' }),
  runIndex: (kind: RunKind, region: string, period: string) => `RUN#${kind}#${region}#${period}`,
  prepaymentLine: (code: string, period: string, version: number) => ({ pk: `PROVIDER#${code}`, sk: `PREPAY#${period}#${v(version)}` }),
  yearEndReport: (owner: 'PROVIDER' | 'HC', id: string, year: number, version: number) => ({
    pk: `${owner}#${id}`,
    sk: `YEAREND#${year}#${v(version)}`,
  }),
  prepaymentLedger: (code: string, period: string, version: number) => ({
    pk: `PROVIDER#${code}`,
    sk: `LEDGER#${period.slice(0, 4)}#PREPAY#${period}#${v(version)}`,
  }),
  yearEndLedger: (code: string, year: number, version: number) => ({ pk: `PROVIDER#${code}`, sk: `LEDGER#${year}#YEAREND#${v(version)}` }),
  warning: (region: string, year: number, kind: string, subject: string) => ({ pk: `WARN#${region}#${year}`, sk: `${kind}#${subject}` }),
};

/** The run id events and reports carry: PREPAY#341502#2023-03, YEAREND#341502#2023. */
export const runId = (kind: RunKind, region: string, period: string): string =>
  `${kind === 'prepayment' ? 'PREPAY' : 'YEAREND'}#${region}#${period}`;
