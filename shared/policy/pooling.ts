/**
 * Pooling regions (统筹区) at any code level. A provider is registered with the administrative code
 * of where it stands, often a district (定海区 330902), while the fund that pays it pools at the city
 * (舟山市 330900) or, in a few places, at the district itself (金安区 341502) or the province. The
 * pooling region of a place is the most local of its codes that holds a region's policies: the
 * place, its city (first four digits + 00), its province (first two + 0000). Pure: the caller says
 * which of those codes hold policies (shared/policy/store/pooling.ts asks the registry).
 */

/** A 6-digit code and the codes above it, most local first: 330902 → 330902, 330900, 330000. */
export function regionLevels(code: string): string[] {
  if (!/^\d{6}$/.test(code)) throw new RangeError(`not a 6-digit region code: ${code}`);
  const city = `${code.slice(0, 4)}00`;
  const province = `${code.slice(0, 2)}0000`;
  return [...new Set([code, city, province])];
}

/** The pooling region of a place among the regions that hold policies; the place itself when none does. */
export function poolingRegionAmong(place: string, holdsPolicies: (region: string) => boolean): string {
  return regionLevels(place).find(holdsPolicies) ?? place;
}

/** Whether a pooling region covers a place at some level (itself, or a code below it). */
export const coversPlace = (poolingRegion: string, place: string): boolean => regionLevels(place).includes(poolingRegion);
