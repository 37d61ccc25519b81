/**
 * The bill a provider sends: every rule it can break is a problem naming the field and the rule.
 */
import { describe, expect, it } from 'vitest';
import { billSchema, type BillInput } from '../../shared/settlement/bill.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { lineAmount } from '../../shared/settlement/quantity.ts';

const good = (): BillInput => ({
  providerCode: 'H33090200001',
  claimNo: 'IP-2023-0001',
  memberId: 'M0001',
  visit: { type: 'inpatient', serviceDate: '2023-11-01', dischargeDate: '2023-11-08' },
  diagnoses: { principal: 'K35.800', secondary: ['I10.x00', 'A18.100+N33.0*'] },
  procedures: ['47.0901', '01.6x00'],
  lines: [exampleLine(1, 'A', 'drug', 12.5, 4), exampleLine(2, 'B', 'material', 300)],
});

/** The problems of a bill as [field, rule] pairs (rule: our own name for cross-field rules, zod's otherwise). */
function problems(bill: unknown): [string, string][] {
  const r = billSchema.safeParse(bill);
  if (r.success) return [];
  return r.error.issues.map((i) => [i.path.join('.'), (i as { params?: { rule?: string } }).params?.rule ?? i.code]);
}

describe('bill validation', () => {
  it('accepts a well-formed bill with 医保版 ICD-10 and ICD-9-CM-3 codes', () => {
    expect(problems(good())).toEqual([]);
  });

  it('refuses malformed diagnosis and procedure codes, naming the field', () => {
    const bill = good();
    bill.diagnoses.principal = 'K35';
    bill.procedures = ['47.0901', '4709'];
    expect(problems(bill)).toEqual([
      ['diagnoses.principal', 'invalid_format'],
      ['procedures.1', 'invalid_format'],
    ]);
  });

  it('refuses a negative or zero quantity and a line total that does not match unit price × quantity', () => {
    const bill = good();
    bill.lines[0] = { ...bill.lines[0]!, quantity: -1 };
    bill.lines[1] = { ...bill.lines[1]!, amountFen: bill.lines[1]!.amountFen + 1 };
    expect(problems(bill)).toEqual([
      ['lines.0.quantity', 'too_small'],
      ['lines.1.amountFen', 'line_total'],
    ]);
  });

  it('rounds unit price × a fractional quantity half up to the fen', () => {
    expect(lineAmount(333, 0.5)).toBe(167); // 166.5 → 167
    expect(lineAmount(333, 0.25)).toBe(83); // 83.25 → 83
    expect(lineAmount(1_999_999_999, 123_456.5)).toBe(246_912_999_876_544); // past 2^53 in ten-thousandths: exact via BigInt
  });

  it('refuses a stay without a discharge date, a chronic visit without its disease, duplicate line numbers and a wrong total', () => {
    const stay = good();
    delete stay.visit.dischargeDate;
    expect(problems(stay)).toEqual([['visit.dischargeDate', 'required']]);
    const chronic = good();
    chronic.visit = { type: 'chronic-outpatient', serviceDate: '2023-11-01' };
    expect(problems(chronic)).toEqual([['visit.disease', 'required']]);
    const dup = good();
    dup.lines[1] = { ...dup.lines[1]!, lineNo: 1 };
    dup.totalFen = 1;
    expect(problems(dup)).toEqual([
      ['lines.1.lineNo', 'duplicate'],
      ['totalFen', 'bill_total'],
    ]);
  });

  it('refuses unknown fields and an item class outside 甲/乙/丙', () => {
    const bill = good() as Record<string, unknown>;
    bill.discount = 10;
    (bill.lines as Record<string, unknown>[])[0]!.itemClass = 'D';
    const found = problems(bill).map(([field, rule]) => `${field}:${rule}`);
    expect(found).toContain(':unrecognized_keys');
    expect(found).toContain('lines.0.itemClass:invalid_value');
  });
});
