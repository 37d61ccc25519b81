/**
 * The employee-contribution events: the shape personal accounts are credited from, and no personal
 * data beyond the member id.
 */
import { describe, expect, it } from 'vitest';
import { EmployeeContributionPaid, EmployerRecorded, EmploymentRecorded } from '../../events/employers.ts';

const paid = {
  memberId: 'M0123456789ABCDEF',
  region: '330900',
  month: '2025-03',
  wageBaseFen: 800000,
  declaredWageFen: 800000,
  employerFen: 48000,
  individualFen: 16000,
  kind: 'monthly',
  employmentStatus: 'in-service',
  employerCode: '91330900MA2A0B1C2X',
  paidOn: '2025-03-31',
  enrolmentId: 'M0123456789ABCDEF-2025-01',
  policyVersion: 1,
};

describe('EmployeeContributionPaid', () => {
  it('takes one paid month of one member, with its eventId and meta', () => {
    const detail = {
      ...paid,
      eventId: 'employee-contribution/M0123456789ABCDEF/2025-03/EmployeeContributionPaid',
      meta: { schemaVersion: 1, correlationId: 'c-1' },
    };
    expect(EmployeeContributionPaid.detail.parse(detail)).toEqual(detail);
  });

  it('refuses a month that is not YYYY-MM, fen that are not whole, an unknown kind, and any extra field', () => {
    expect(EmployeeContributionPaid.payload.safeParse({ ...paid, month: '2025-3' }).success).toBe(false);
    expect(EmployeeContributionPaid.payload.safeParse({ ...paid, month: '2025-13' }).success).toBe(false);
    expect(EmployeeContributionPaid.payload.safeParse({ ...paid, individualFen: 160.5 }).success).toBe(false);
    expect(EmployeeContributionPaid.payload.safeParse({ ...paid, kind: 'annual' }).success).toBe(false);
    expect(EmployeeContributionPaid.payload.safeParse({ ...paid, idNumber: '330902199001011234' }).success).toBe(false);
    expect(EmployeeContributionPaid.payload.safeParse({ ...paid, name: '张三' }).success).toBe(false);
  });

  it('a flexible worker has no employer; back-payment is a kind of its own', () => {
    const { employerCode: _none, ...flexible } = paid;
    expect(EmployeeContributionPaid.payload.safeParse({ ...flexible, kind: 'flexible', employmentStatus: 'flexible' }).success).toBe(true);
    expect(EmployeeContributionPaid.payload.safeParse({ ...paid, kind: 'back-payment' }).success).toBe(true);
  });
});

describe('the register events carry no name or ID number of a person', () => {
  it('EmploymentRecorded and EmployeeContributionPaid name the member by id only', () => {
    for (const contract of [EmploymentRecorded, EmployeeContributionPaid]) {
      const fields = Object.keys(contract.payload.shape);
      expect(fields).toContain('memberId');
      for (const personal of ['name', 'idNumber', 'maskedId']) expect(fields).not.toContain(personal);
    }
    expect(Object.keys(EmployerRecorded.payload.shape)).not.toContain('memberId');
  });
});
