import { checkCharacter } from '../../shared/enrolment/id-number.ts';

/**
 * Fresh valid ID numbers (身份证号) for a test file: each call gives one born a day after the one
 * before (the first a day after `firstBorn`), in `division`, with the three-digit `serial` (its
 * last digit the sex: odd male, even female).
 */
export function idNumbers(firstBorn: number): (division: string, serial: string) => string {
  let born = firstBorn;
  return (division, serial) => {
    born += 86_400_000;
    const first17 = `${division}${new Date(born).toISOString().slice(0, 10).replaceAll('-', '')}${serial}`;
    return first17 + checkCharacter(first17);
  };
}
