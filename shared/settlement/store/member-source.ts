/**
 * The engine's member, from enrolment's view of a member on a date (`memberStateFrom`) and the
 * member registers' entries holding that day (`registersOn`), both from one read of the member's
 * partition. The conversion is pure and refuses, naming the field, a member the register does not know
 * or who is not covered (active) on the date of service.
 */
import { memberStateFrom, registersOn, type MemberState as RegisterState, type RegistersOnDate } from '../../enrolment/state.ts';
import { employeeTermsFor } from '../../enrolment/store/member-state.ts';
import { readMemberItems } from '../../enrolment/store/members.ts';
import { householdOn } from '../../households/household.ts';
import { settlementDate, type Bill } from '../bill.ts';
import type { MemberState } from '../member.ts';
import { SettlementRefusal } from '../statement.ts';

/** The member groups an employment status puts a member in (the policies' memberGroups). */
function groupsOf(employment: RegisterState['employment']): string[] {
  return [...(employment?.status === 'retired' ? ['retired'] : []), ...(employment?.civilServant ? ['civil-servant'] : [])];
}

export function settlementMemberFrom(state: RegisterState | undefined, bill: Bill, registers?: RegistersOnDate): MemberState {
  const date = bill.visit.serviceDate;
  if (!state) throw new SettlementRefusal('memberId', 'not_found', `no member ${bill.memberId} in the register`);
  const enrolment = state.enrolment;
  if (enrolment?.status === 'suspended') {
    // An employee whose arrears of contributions suspend benefits: the refusal says which months and why.
    throw new SettlementRefusal(
      'memberId',
      'benefits_suspended',
      `member ${bill.memberId}'s benefits are suspended on the date of service ${date}: ${enrolment.coverage?.message ?? 'contributions in arrears'}`,
    );
  }
  if (enrolment?.status !== 'active') {
    const why = !enrolment
      ? 'not enrolled'
      : enrolment.status === 'pending-contribution'
        ? `enrolled but not yet covered (${enrolment.coverage?.message ?? 'contribution incomplete'})`
        : 'no longer enrolled (enrolment closed)';
    throw new SettlementRefusal('memberId', 'not_enrolled', `member ${bill.memberId} is ${why} on the date of service ${date}`);
  }
  return {
    memberId: state.member.memberId,
    sex: state.member.sex,
    birthDate: state.member.birthDate,
    enrolment: { region: enrolment.region, scheme: enrolment.scheme, year: enrolment.year },
    categories: state.categories.map((c) => c.code),
    // Member groups from the register: the employment status says who is retired (退休) and who is a civil servant (公务员).
    groups: groupsOf(state.employment),
    outOfAreaRegions: state.outOfArea.map((r) => r.region),
    ...fromRegisters(registers, bill),
  };
}

/**
 * What the member registers say on the date of care: the family-doctor contract (never the bill's
 * flag), the chronic-disease approvals and the supplementary plans. A caller without the registers
 * (a hand-made state in a test) keeps the old reading: the bill's flag, no approvals check, no plans.
 */
function fromRegisters(
  registers: RegistersOnDate | undefined,
  bill: Bill,
): Pick<MemberState, 'familyDoctorContract' | 'chronicApprovals' | 'supplementaryPlans'> {
  if (!registers) return { familyDoctorContract: bill.visit.familyDoctorContract ?? false, supplementaryPlans: [] };
  return {
    familyDoctorContract: registers.familyDoctorContracts.length > 0,
    chronicApprovals: registers.chronicApprovals.map((a) => ({ entryId: a.entryId, disease: a.diseaseGroup, validTo: a.validTo })),
    supplementaryPlans: [...new Set(registers.supplementaryPlans.map((p) => p.planCode))],
  };
}

/**
 * The member as covered on the bill's date of service (admission, for a stay), in the household it
 * belongs to on the settlement date (the year whose counters the claim moves).
 */
export async function loadSettlementMember(bill: Bill): Promise<MemberState> {
  // One consistent read of the member's partition: enrolment, categories and register entries together
  // (not the registers' history and locks, which a claim never needs).
  const items = await readMemberItems(bill.memberId, { registerBookkeeping: false });
  const date = bill.visit.serviceDate;
  // An employee's cover follows the monthly contributions, by the terms of the region's policy.
  const state = memberStateFrom(items, date, await employeeTermsFor(items, date));
  const member = settlementMemberFrom(state, bill, registersOn(items.registers, date));
  // The household whose year the claim moves: the one the member belongs to on the settlement date.
  const householdId = householdOn(items.registers, settlementDate(bill));
  return householdId ? { ...member, householdId } : member;
}
