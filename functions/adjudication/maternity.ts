/**
 * What a delivery or antenatal bill needs besides what every bill does (shared/maternity): the
 * registered pregnancy it names, the maternity policy in force, the member's eligibility (months of
 * contribution before the delivery for employees, cover for residents), and which claim already holds
 * the pregnancy's delivery or antenatal care. The claim is then settled, stored, reversed and published
 * exactly as every claim (settle.ts, reverse.ts); the hold on the pregnancy is one more item of the
 * same transactions.
 */
import { conflict } from '../../shared/http/errors.ts';
import type { Eligibility } from '../../shared/maternity/eligibility.ts';
import { readEligibility } from '../../shared/maternity/store/eligibility.ts';
import type { MaternityPolicy, MaternityService } from '../../shared/maternity/policy.ts';
import type { Pregnancy } from '../../shared/maternity/pregnancy.ts';
import {
  heldByAnother,
  markerHold,
  markerRelease,
  readClaimMarker,
  readPregnancy,
  type ClaimMarker,
} from '../../shared/maternity/store/records.ts';
import type { OutboxTransactItem } from '../../shared/events/outbox.ts';
import type { Bill } from '../../shared/settlement/bill.ts';
import type { MemberState } from '../../shared/settlement/member.ts';
import { SettlementRefusal, type Statement } from '../../shared/settlement/statement.ts';

export interface MaternityContext {
  service: MaternityService;
  policy: MaternityPolicy;
  eligibility: Eligibility;
  pregnancy: Pregnancy;
  /** The claim holding the pregnancy's service when the bill was read (re-read before each retry). */
  marker: ClaimMarker | undefined;
}

export const isMaternityBill = (bill: Bill): boolean => bill.visit.type === 'delivery' || bill.visit.type === 'antenatal';

/** The day eligibility is judged on: the delivery's, or for antenatal care the day of the care. */
const judgedOn = (bill: Bill): string => (bill.visit.type === 'delivery' ? bill.maternity!.deliveryDate! : bill.visit.serviceDate);

/** A 409 naming the claim that holds the pregnancy's delivery or antenatal care. */
export function refuseIfHeld(marker: ClaimMarker | undefined, bill: Bill): void {
  if (!heldByAnother(marker, bill)) return;
  const what = marker!.service === 'delivery' ? 'delivery is paid per case' : 'antenatal care is paid per capita';
  throw conflict(
    `pregnancy ${marker!.pregnancyId}'s ${marker!.service} is already paid by claim ${marker!.claimNo} of provider ${marker!.providerCode} (settlement ${marker!.settlementNo}): a ${what}, once per pregnancy; reverse that claim first`,
    {
      field: 'body.maternity.pregnancyId',
      rule: 'one_per_pregnancy',
      claim: { providerCode: marker!.providerCode, claimNo: marker!.claimNo },
    },
  );
}

export async function loadMaternity(bill: Bill, member: MemberState): Promise<MaternityContext | undefined> {
  if (!isMaternityBill(bill)) return undefined;
  const service = bill.visit.type as MaternityService;
  const { pregnancyId } = bill.maternity!;
  const date = judgedOn(bill);
  const { region, scheme } = member.enrolment;
  const [pregnancy, read, marker] = await Promise.all([
    readPregnancy(bill.memberId, pregnancyId),
    readEligibility(bill.memberId, date, { region, scheme }),
    readClaimMarker(bill.memberId, pregnancyId, service),
  ]);
  if (!pregnancy)
    throw new SettlementRefusal(
      'maternity.pregnancyId',
      'not_registered',
      `member ${bill.memberId} has no registered pregnancy ${pregnancyId} (生育登记)`,
    );
  if (service === 'antenatal' && pregnancy.providerCode !== bill.providerCode)
    throw new SettlementRefusal(
      'providerCode',
      'not_the_pregnancy_provider',
      `antenatal care of pregnancy ${pregnancyId} is paid per capita to ${pregnancy.providerCode}, where it is registered (建档)`,
    );
  if (!read.policy || !read.eligibility)
    throw new SettlementRefusal(
      service === 'delivery' ? 'maternity.deliveryDate' : 'visit.serviceDate',
      'no_policy',
      `no maternity policy of region ${region} is in force on ${date}`,
    );
  return { service, policy: read.policy, eligibility: read.eligibility, pregnancy, marker };
}

/** The hold a settlement of this claim takes on its pregnancy's service. */
export function maternityHold(statement: Statement, settlementNo: number, at: string): OutboxTransactItem[] {
  const m = statement.maternity;
  if (!m) return [];
  const { providerCode, claimNo } = statement.claim;
  return [
    markerHold({ memberId: statement.memberId, pregnancyId: m.pregnancyId, service: m.service, providerCode, claimNo, settlementNo, at }),
  ];
}

/** The release a reversal of that settlement gives back. */
export function maternityRelease(statement: Statement, settlementNo: number, at: string): OutboxTransactItem[] {
  const m = statement.maternity;
  if (!m) return [];
  const { providerCode, claimNo } = statement.claim;
  return [
    markerRelease({
      memberId: statement.memberId,
      pregnancyId: m.pregnancyId,
      service: m.service,
      providerCode,
      claimNo,
      settlementNo,
      at,
    }),
  ];
}
