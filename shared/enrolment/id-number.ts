/**
 * The resident identity number (居民身份证号码), GB 11643-1999: 18 characters.
 *
 *   positions 1–6    address code (GB/T 2260): the first two digits are the province
 *   positions 7–14   birth date, YYYYMMDD
 *   positions 15–17  sequence code: odd for a man, even for a woman
 *   position  18     check character, ISO 7064 MOD 11-2 over the first 17 digits; 10 is written X
 *
 * Pure: no clock. The caller says what "today" is, so a birth date in the future is refused
 * against the agency's calendar, not the machine's.
 */
import { maskIdNumber } from '../privacy/mask.ts';

/** Province-level prefixes of GB/T 2260, plus 81/82/83 used on residence-permit numbers (HK, Macao, Taiwan). */
export const PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

/** Weights W(i) = 2^(17-i) mod 11 for positions 1..17 (ISO 7064 MOD 11-2). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** The check character for each value of (Σ aᵢ·Wᵢ) mod 11. */
const CHECK_CHARACTERS = '10X98765432';

/** The earliest birth year accepted: nobody alive, or ever enrolled, was born before it. */
export const EARLIEST_BIRTH_YEAR = 1900;

/** The check character GB 11643 gives to 17 digits. */
export function checkCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('checkCharacter needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

/** Which rule a number broke. The 400 names it as the rule of the `idNumber` field. */
export type IdNumberRule = 'id_format' | 'id_region' | 'id_birth_date' | 'id_check_digit';

export interface IdNumberFacts {
  /** The number as stored: trimmed, with a lower-case x written X. */
  idNumber: string;
  /** The 6-digit address code of the place of first registration (not the pooling region). */
  addressCode: string;
  birthDate: string;
  sex: 'M' | 'F';
  /** 5101**********1234: the only form allowed in events and logs. */
  maskedId: string;
}

export type IdNumberCheck = { ok: true; value: IdNumberFacts } | { ok: false; rule: IdNumberRule; message: string };

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/**
 * Checks a number in the order a clerk would want to hear about it: the shape first, then the
 * province, the birth date, and the check character last (a typo in the body usually shows up as
 * a wrong check character, so the more specific complaints come first).
 *
 * @param today yyyy-mm-dd in the agency's calendar; a birth date after it is impossible.
 */
export function checkIdNumber(input: string, today: string): IdNumberCheck {
  const idNumber = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) {
    return { ok: false, rule: 'id_format', message: 'an ID number is 17 digits followed by a digit or X (GB 11643)' };
  }
  if (!PROVINCE_PREFIXES.has(idNumber.slice(0, 2))) {
    return { ok: false, rule: 'id_region', message: `no province has the code ${idNumber.slice(0, 2)} (GB/T 2260)` };
  }
  const year = Number(idNumber.slice(6, 10));
  const month = Number(idNumber.slice(10, 12));
  const day = Number(idNumber.slice(12, 14));
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  if (!isCalendarDate(year, month, day)) {
    return { ok: false, rule: 'id_birth_date', message: `the birth date ${birthDate} is not a calendar date` };
  }
  if (year < EARLIEST_BIRTH_YEAR || birthDate > today) {
    return {
      ok: false,
      rule: 'id_birth_date',
      message: `the birth date ${birthDate} is impossible (before ${EARLIEST_BIRTH_YEAR} or after ${today})`,
    };
  }
  const expected = checkCharacter(idNumber.slice(0, 17));
  if (idNumber[17] !== expected) {
    return { ok: false, rule: 'id_check_digit', message: 'the check character does not match the first 17 digits (ISO 7064 MOD 11-2)' };
  }
  return {
    ok: true,
    value: {
      idNumber,
      addressCode: idNumber.slice(0, 6),
      birthDate,
      sex: Number(idNumber[16]) % 2 === 1 ? 'M' : 'F',
      maskedId: maskIdNumber(idNumber),
    },
  };
}

/** Age in whole years on a date (the day before a birthday the person is still the younger age). */
export function ageOn(birthDate: string, onDate: string): number {
  const years = Number(onDate.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return onDate.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
