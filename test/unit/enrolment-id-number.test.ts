/**
 * GB 11643 resident identity numbers: worked examples from the standard, then properties over
 * generated numbers (fast-check): every well-formed number passes with the birth date and sex it
 * encodes; every kind of damage is refused with the rule that names it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ageOn, checkCharacter, checkIdNumber, PROVINCE_PREFIXES } from '../../shared/enrolment/id-number.ts';
import { idHash, MEMBER_ID_PATTERN, memberIdFor } from '../../shared/enrolment/identity.ts';

const TODAY = '2026-11-23';

// ---- generators ------------------------------------------------------------------------------

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
const province = fc.constantFrom(...PROVINCE_PREFIXES);
/** A calendar date between 1900-01-01 and TODAY, as yyyymmdd. */
const birthDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

interface Generated {
  idNumber: string;
  birthDate: string;
  sex: 'M' | 'F';
}

const validNumber: fc.Arbitrary<Generated> = fc.tuple(province, digits(4), birthDate, digits(3)).map(([p, rest, date, seq]) => {
  const first17 = `${p}${rest}${date.replaceAll('-', '')}${seq}`;
  return { idNumber: first17 + checkCharacter(first17), birthDate: date, sex: Number(seq[2]) % 2 === 1 ? 'M' : 'F' };
});

describe('GB 11643 check character (ISO 7064 MOD 11-2)', () => {
  it('reproduces the examples of the standard', () => {
    expect(checkCharacter('11010519491231002')).toBe('X'); // 北京市朝阳区, 1949-12-31, a woman
    expect(checkCharacter('44052418800101001')).toBe('4'); // 广东省汕头市潮阳县, 1880-01-01, a man
  });

  it('reads birth date, sex and the masked form from a valid number, accepting a lower-case x', () => {
    const id = checkIdNumber(' 11010519491231002x ', TODAY);
    expect(id).toEqual({
      ok: true,
      value: { idNumber: '11010519491231002X', addressCode: '110105', birthDate: '1949-12-31', sex: 'F', maskedId: '1101**********002X' },
    });
  });

  it('names the rule each kind of bad number breaks', () => {
    expect(checkIdNumber('11010519491231002', TODAY)).toMatchObject({ ok: false, rule: 'id_format' }); // 17 characters
    expect(checkIdNumber('1101051949123100XX', TODAY)).toMatchObject({ ok: false, rule: 'id_format' });
    expect(checkIdNumber('99010519491231002X', TODAY)).toMatchObject({ ok: false, rule: 'id_region' });
    expect(checkIdNumber('110105194902300021', TODAY)).toMatchObject({ ok: false, rule: 'id_birth_date' }); // 30 February
    expect(checkIdNumber('440524188001010014', TODAY)).toMatchObject({ ok: false, rule: 'id_birth_date' }); // 1880: the standard's example, but nobody alive
    expect(checkIdNumber('110105202701010015', TODAY)).toMatchObject({ ok: false, rule: 'id_birth_date' }); // born after today
    expect(checkIdNumber('110105194912310021', TODAY)).toMatchObject({ ok: false, rule: 'id_check_digit' });
  });

  it('counts age in whole years, a birthday not yet reached this year not counted', () => {
    expect(ageOn('1990-06-15', '2025-06-14')).toBe(34);
    expect(ageOn('1990-06-15', '2025-06-15')).toBe(35);
    expect(ageOn('2000-02-29', '2025-02-28')).toBe(24);
  });
});

describe('ID validator, property-tested', () => {
  it('accepts every well-formed number and reads its birth date and sex from it', () => {
    fc.assert(
      fc.property(validNumber, ({ idNumber, birthDate: date, sex }) => {
        const id = checkIdNumber(idNumber, TODAY);
        expect(id.ok).toBe(true);
        if (id.ok) {
          expect(id.value.birthDate).toBe(date);
          expect(id.value.sex).toBe(sex);
          expect(id.value.maskedId).toBe(`${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every single-character change of the body with id_check_digit or a more specific rule', () => {
    // MOD 11-2 detects every single substitution: a changed digit never keeps the same check character.
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), ({ idNumber }, position, delta) => {
        const changed = (Number(idNumber[position]) + delta) % 10;
        const damaged = idNumber.slice(0, position) + changed + idNumber.slice(position + 1);
        const id = checkIdNumber(damaged, TODAY);
        expect(id.ok).toBe(false);
        if (!id.ok) {
          const expected =
            position < 2 && !PROVINCE_PREFIXES.has(damaged.slice(0, 2))
              ? 'id_region'
              : position >= 6 && position < 14
                ? ['id_birth_date', 'id_check_digit']
                : 'id_check_digit';
          if (Array.isArray(expected)) expect(expected).toContain(id.rule);
          else expect(id.rule).toBe(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every wrong check character', () => {
    fc.assert(
      fc.property(validNumber, fc.constantFrom(...'0123456789X'), ({ idNumber }, check) => {
        fc.pre(check !== idNumber[17]);
        expect(checkIdNumber(idNumber.slice(0, 17) + check, TODAY)).toMatchObject({ ok: false, rule: 'id_check_digit' });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses impossible birth dates whatever the check character', () => {
    const impossible = fc.oneof(
      fc.tuple(fc.integer({ min: 1900, max: 2026 }), fc.constantFrom(0, 13, 19, 99), fc.integer({ min: 1, max: 28 })),
      fc.tuple(fc.integer({ min: 1900, max: 2026 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 32, 45, 99)),
      fc.tuple(
        fc.integer({ min: 1900, max: 2026 }).filter((y) => !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))),
        fc.constant(2),
        fc.constant(29),
      ),
      fc.tuple(fc.integer({ min: 1000, max: 1899 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })),
      fc.tuple(fc.integer({ min: 2027, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })),
    );
    fc.assert(
      fc.property(province, digits(4), impossible, digits(3), (p, rest, [y, m, d], seq) => {
        const first17 = `${p}${rest}${String(y).padStart(4, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
        expect(checkIdNumber(first17 + checkCharacter(first17), TODAY)).toMatchObject({ ok: false, rule: 'id_birth_date' });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses malformed text with id_format and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const id = checkIdNumber(text, TODAY);
        if (!/^\d{17}[\dXx]$/.test(text.trim())) expect(id).toMatchObject({ ok: false, rule: 'id_format' });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('keyed identity', () => {
  const secret = 'test-secret-test-secret-test-secret';
  it('gives one stable member id per person, different per secret, that says nothing of the number', () => {
    fc.assert(
      fc.property(validNumber, validNumber, (a, b) => {
        const idA = memberIdFor(a.idNumber, secret);
        expect(idA).toMatch(MEMBER_ID_PATTERN);
        expect(memberIdFor(a.idNumber, secret)).toBe(idA);
        expect(memberIdFor(a.idNumber, `${secret}!`)).not.toBe(idA);
        if (a.idNumber !== b.idNumber) expect(memberIdFor(b.idNumber, secret)).not.toBe(idA);
        expect(idHash(a.idNumber, secret)).toMatch(/^[0-9a-f]{64}$/);
        expect(idHash(a.idNumber, secret)).not.toContain(a.idNumber.slice(6, 14));
      }),
      { numRuns: 300 },
    );
  });
});
