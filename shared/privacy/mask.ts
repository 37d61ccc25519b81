/**
 * Personal data stays inside. A resident identity number (GB 11643: 17 digits and a check
 * character) is shown, where it must be shown at all, as its region prefix and last four:
 * 5101**********1234. The same rule masks any such number that slips into a log line.
 */
const ID_NUMBER_ANYWHERE = /(?<![0-9])(\d{4})\d{10}(\d{3}[0-9Xx])(?![0-9A-Za-z])/g;

export function maskIdNumber(idNumber: string): string {
  if (idNumber.length !== 18) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`;
}

/** Masks every 18-character identity number inside a free text. */
export function maskIdNumbersIn(text: string): string {
  return text.replace(ID_NUMBER_ANYWHERE, (_match, head: string, tail: string) => `${head}**********${tail}`);
}
