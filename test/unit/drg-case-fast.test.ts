/**
 * parseDrgCase: the batch command's direct path gives exactly drgCaseSchema's answer. On generated
 * cases (well-formed and not: wrong types, out-of-range ages, unknown keys, padded codes, nulls), it
 * succeeds exactly when the schema does, with the same case, and fails with the schema's own issues.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drgCaseSchema, parseDrgCase } from '../../shared/drg/case.ts';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, fc.constant(null)), { nil: undefined });
const code = fc.oneof(
  fc.constantFrom('K35.800', 'I10.x00', ' J18.900 ', '47.0901', '', '   ', 'X'.repeat(41), ` ${'Y'.repeat(40)} `),
  fc.string({ maxLength: 45 }),
);
const odd = fc.oneof(fc.constant(true), fc.constant('12'), fc.constant({}), fc.double(), fc.constant(-1));
const caseArb = fc.record(
  {
    id: maybe(fc.oneof(fc.string({ maxLength: 101 }), fc.integer())),
    sex: fc.oneof(fc.constantFrom('M', 'F', '1', '2'), fc.constantFrom('m', '3', '')),
    ageYears: maybe(fc.oneof(fc.integer({ min: -2, max: 152 }), fc.double({ min: 0, max: 150 }), odd)),
    ageDays: maybe(fc.oneof(fc.integer({ min: -1, max: 151 * 366 + 2 }), fc.integer({ min: 0, max: 400 }), odd)),
    birthWeightGrams: maybe(fc.oneof(fc.integer({ min: 50, max: 11_000 }), odd)),
    principalDiagnosis: fc.oneof(code, odd, fc.constant(null)),
    secondaryDiagnoses: maybe(
      fc.oneof(
        fc.array(fc.oneof(code, fc.constant(null)), { maxLength: 6 }),
        fc.array(fc.constant('A'), { minLength: 101, maxLength: 102 }),
        odd,
      ),
    ),
    procedures: maybe(fc.oneof(fc.array(fc.oneof(code, fc.constant(null), fc.integer()), { maxLength: 4 }), odd)),
    ventilationHours: maybe(fc.oneof(fc.double({ min: -1, max: 9000, noNaN: true }), odd)),
    lengthOfStayDays: maybe(fc.oneof(fc.integer({ min: -1, max: 3700 }), odd)),
    dischargeStatus: maybe(fc.oneof(fc.string({ maxLength: 22 }), odd)),
    extra: fc.option(fc.string(), { nil: undefined }),
  },
  { requiredKeys: ['sex', 'principalDiagnosis'] },
);

/** Mostly well-formed cases, so the direct path's answers (not only its refusals) are compared often. */
const validArb = fc.record(
  {
    id: maybe(fc.string({ minLength: 1, maxLength: 100 })),
    sex: fc.constantFrom('M', 'F', '1', '2'),
    ageYears: fc.integer({ min: 0, max: 150 }),
    ageDays: maybe(fc.integer({ min: 0, max: 1_000 })),
    birthWeightGrams: maybe(fc.integer({ min: 100, max: 10_000 })),
    principalDiagnosis: fc.constantFrom('K35.800', ' I10.x00', 'P07.100 '),
    secondaryDiagnoses: maybe(fc.array(fc.oneof(fc.constantFrom('I10.x00', ' E11.900 ', ''), fc.constant(null)), { maxLength: 16 })),
    procedures: maybe(fc.array(fc.constantFrom('47.0901', '96.7201'), { maxLength: 4 })),
    ventilationHours: maybe(fc.double({ min: 0, max: 200, noNaN: true })),
    lengthOfStayDays: maybe(fc.integer({ min: 0, max: 60 })),
    dischargeStatus: maybe(fc.constantFrom('1', '2', '5')),
  },
  { requiredKeys: ['sex', 'principalDiagnosis', 'ageYears'] },
);

describe('parseDrgCase', () => {
  it('answers as drgCaseSchema does, case for case', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(caseArb, validArb), (generated) => {
        // Keys left undefined are absent, as in a parsed JSON line.
        const raw = JSON.parse(JSON.stringify(generated)) as unknown;
        const direct = parseDrgCase(raw);
        const schema = drgCaseSchema.safeParse(raw);
        expect(direct.success).toBe(schema.success);
        if (direct.success && schema.success) {
          answered++;
          expect(direct.data).toEqual(schema.data);
        } else expect(direct.error?.issues).toEqual(schema.error?.issues);
      }),
      { numRuns: 3_000 },
    );
    expect(answered).toBeGreaterThan(500);
  });

  it('reads a well-formed line directly: trimmed codes, nulls and empty slots dropped, the age from days', () => {
    const raw = {
      id: 'c1',
      sex: '2',
      ageDays: 20,
      birthWeightGrams: 2_400,
      principalDiagnosis: ' P07.100 ',
      secondaryDiagnoses: [null, '', 'P22.000'],
      procedures: null,
    };
    expect(parseDrgCase(raw)).toEqual({
      success: true,
      data: {
        id: 'c1',
        sex: '2',
        ageYears: 0,
        ageDays: 20,
        birthWeightGrams: 2_400,
        principalDiagnosis: 'P07.100',
        secondaryDiagnoses: ['P22.000'],
        procedures: [],
      },
    });
  });
});
