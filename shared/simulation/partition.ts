/**
 * Member partitions (pure): a simulation replays each member's year on its own, so a region's claims
 * are split by member, and a run fans out over the partitions (worker threads on one machine, one
 * Lambda per partition on AWS). A household is kept whole: members who share a household's counters
 * (the family self-pay cap) are one replay unit, so they land in the same partition.
 */

/** How many partitions a region's year is split into (the fan-out's width; the index shards by it). */
export const SIMULATION_PARTITIONS = 16;

/** The replay unit of a claim: the member's household when it has one, else the member. */
export const replayUnit = (member: { memberId: string; householdId?: string | undefined }): string =>
  member.householdId ? `H:${member.householdId}` : `M:${member.memberId}`;

/** FNV-1a over the unit's key, modulo the partitions: stable across processes and machines. */
export function partitionOf(unit: string, partitions = SIMULATION_PARTITIONS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < unit.length; i++) {
    hash ^= unit.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
