/**
 * How fraud items are keyed in the alerts table. The fraud consumer keeps its own compact history
 * projection here (member claim summaries, trace scans, provider and peer counters) so the
 * cross-claim and provider rules never depend on the claims table's layout.
 *
 *   CLAIM#<provider>#<claimNo>   SCORE                  hits and score of a claim
 *                                EVENT#<eventId>        an event already applied (idempotency)
 *                                GROUPING               the claim's DRG result, as CaseGrouped reported it
 *   MEMBER#<memberId>            HIST#<start>#<p>#<n>   claim summary, by first day of care
 *                                DEATH                  the member's date of death, when a discharge says so
 *   TRACE#<traceCode>            SCAN#<p>#<n>#<line>    one scan of a drug traceability code
 *   PROVIDER#<code>              RISK#<yyyy>            running risk of the insurance year
 *                                STATS#<yyyy-mm>        claims and grouped cases of a month
 *                                DRG#<yyyy>#<drg>       cases, cost and stay per DRG
 *   PEERS#<region>#<level>       STATS#<yyyy-mm>        the same month counters, summed over the region's level
 *   PEERS#<region>               DRG#<yyyy>#<drg>       the same DRG counters, summed over the region
 *   ALERT#<alertId>              ALERT                  the alert and its case state   (byRegion: REGION#<region>, <raisedAt>#<id>)
 *                                EVENT#<at>#<n>         one change of the case
 *                                APPEAL#<appealId>      a provider's appeal (申诉) of the case
 *                                DELIVERY#<subId>       delivery state to one subscription
 *                                ATTEMPT#<subId>#<nn>   one delivery attempt
 *   WARNING#<warningId>          DELIVERY#<subId>       a fund warning's delivery state to one subscription (FundWarningRaised)
 *                                ATTEMPT#<subId>#<nn>   one delivery attempt of it
 *   SUB#<subscriptionId>         SUB                    a subscription       (bySubscriber: SUBSCRIBERS#<region>, <createdAt>#<id>)
 */
import type { ClaimRef } from '../claim.ts';

export const keys = {
  claim: (ref: ClaimRef) => `CLAIM#${ref.providerCode}#${ref.claimNo}`,
  score: 'SCORE',
  grouping: 'GROUPING',
  eventMarker: (eventId: string) => `EVENT#${eventId}`,
  member: (memberId: string) => `MEMBER#${memberId}`,
  history: (start: string, ref: ClaimRef) => `HIST#${start}#${ref.providerCode}#${ref.claimNo}`,
  historyBound: (date: string, upper: boolean) => `HIST#${date}${upper ? '#\uffff' : ''}`,
  death: 'DEATH',
  trace: (code: string) => `TRACE#${code}`,
  traceScan: (ref: ClaimRef, lineNo: number) => `SCAN#${ref.providerCode}#${ref.claimNo}#${lineNo}`,
  provider: (code: string) => `PROVIDER#${code}`,
  risk: (year: number) => `RISK#${year}`,
  month: (month: string) => `STATS#${month}`,
  drg: (year: number, drg: string) => `DRG#${year}#${drg}`,
  drgYear: (year: number) => `DRG#${year}#`,
  peers: (region: string, level: string | undefined) => `PEERS#${region}#${level ?? 'unknown'}`,
  regionDrgs: (region: string) => `PEERS#${region}`,
  alert: (alertId: string) => `ALERT#${alertId}`,
  alertItem: 'ALERT',
  warning: (warningId: string) => `WARNING#${warningId}`,
  appeal: (appealId: string) => `APPEAL#${appealId}`,
  appealPrefix: 'APPEAL#',
  caseEvent: (at: string, n: number) => `EVENT#${at}#${String(n).padStart(3, '0')}`,
  delivery: (subscriptionId: string) => `DELIVERY#${subscriptionId}`,
  attempt: (subscriptionId: string, n: number) => `ATTEMPT#${subscriptionId}#${String(n).padStart(2, '0')}`,
  regionInbox: (region: string) => `REGION#${region}`,
  inboxSort: (raisedAt: string, alertId: string) => `${raisedAt}#${alertId}`,
  subscription: (id: string) => `SUB#${id}`,
  subscriptionItem: 'SUB',
  subscribers: (region: string) => `SUBSCRIBERS#${region}`,
};
