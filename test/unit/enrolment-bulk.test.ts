/**
 * Reading bulk files (the part the endpoint and the command share): row numbers are the file's
 * line numbers, cells become the request a single route takes, unreadable lines become rejected rows.
 */
import { describe, expect, it } from 'vitest';
import {
  contributionRowInput,
  contributionRowSchema,
  enrolmentRowInput,
  parseCategoryCell,
  readBulkText,
} from '../../shared/enrolment/bulk.ts';
import { enrolmentRequestSchema } from '../../shared/enrolment/enrol.ts';
import { zodProblems } from '../../shared/enrolment/problems.ts';

describe('reading a CSV file', () => {
  const csv = [
    'idNumber,name,year,region,scheme,employeeKind,employerCode,monthlyBaseFen,validFrom,categories',
    '532501199001011239,张三,2025,532500,resident,,,,,dibao:2025-01-01:2025-12-31;tekun:2025-03-01',
    '',
    '532501199001011239,"李\n四",2025,532500,resident,,,,,',
    'too,few,cells',
    '532501199001011239,王五,twenty,532500,resident,,,,,',
  ].join('\n');

  it('numbers rows by the line they start on, skipping blank lines, and reports unreadable lines', () => {
    const { rows, unreadable } = readBulkText(csv, 'csv');
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 4, 7]);
    expect(unreadable).toEqual([{ rowNumber: 6, problems: [expect.objectContaining({ field: 'row', rule: 'csv_syntax' })] }]);
  });

  it('turns cells into the enrolment request: numbers, categories, blanks left out', () => {
    const { rows } = readBulkText(csv, 'csv');
    expect(enrolmentRequestSchema.parse(enrolmentRowInput(rows[0]!.record))).toEqual({
      idNumber: '532501199001011239',
      name: '张三',
      year: 2025,
      region: '532500',
      scheme: 'resident',
      categories: [
        { code: 'dibao', validFrom: '2025-01-01', validTo: '2025-12-31' },
        { code: 'tekun', validFrom: '2025-03-01' },
      ],
    });
    const bad = enrolmentRequestSchema.safeParse(enrolmentRowInput(rows[2]!.record));
    expect(bad.success).toBe(false);
    expect(zodProblems(bad.error!.issues)).toEqual([expect.objectContaining({ field: 'year', rule: 'invalid_type' })]);
  });

  it('names an unknown column instead of ignoring it', () => {
    const { rows } = readBulkText('idNumber,year,region,scheme,regoin\n532501199001011239,2025,532500,resident,x\n', 'csv');
    const parsed = enrolmentRequestSchema.safeParse(enrolmentRowInput(rows[0]!.record));
    expect(zodProblems(parsed.error!.issues)[0]).toMatchObject({ rule: 'unrecognized_keys' });
  });
});

describe('reading a JSON-lines file', () => {
  it('takes one object per line, and reports lines that are not one', () => {
    const text =
      '{"idNumber":"532501199001011239","year":2025,"region":"532500","scheme":"resident","categories":[{"code":"dibao","validFrom":"2025-01-01"}]}\n\n{"idNumber":\n[1,2]\n';
    const { rows, unreadable } = readBulkText(text, 'jsonl');
    expect(rows.map((r) => r.rowNumber)).toEqual([1]);
    expect(enrolmentRequestSchema.parse(enrolmentRowInput(rows[0]!.record)).categories).toEqual([
      { code: 'dibao', validFrom: '2025-01-01' },
    ]);
    expect(unreadable.map((u) => [u.rowNumber, u.problems[0]!.rule])).toEqual([
      [3, 'json'],
      [4, 'json_object'],
    ]);
  });
});

describe('cells', () => {
  it('reads a categories cell', () => {
    expect(parseCategoryCell(' dibao:2025-01-01 ; tekun:2025-02-01:2025-12-31 ')).toEqual([
      { code: 'dibao', validFrom: '2025-01-01' },
      { code: 'tekun', validFrom: '2025-02-01', validTo: '2025-12-31' },
    ]);
    expect(parseCategoryCell('')).toBeUndefined();
  });

  it('reads a contribution row, defaulting the channel to tax', () => {
    expect(
      contributionRowSchema.parse(
        contributionRowInput({
          idNumber: '532501199001011239',
          year: '2025',
          contributionId: 'T-1',
          amountFen: '40000',
          paidOn: '2025-01-05',
          channel: '',
        }),
      ),
    ).toEqual({
      idNumber: '532501199001011239',
      year: 2025,
      contributionId: 'T-1',
      amountFen: 40000,
      paidOn: '2025-01-05',
      channel: 'tax',
    });
  });
});
