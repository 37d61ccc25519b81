/**
 * How often a provider may look members up by ID number. A hospital looks a patient up at admission
 * and at the counter; a provider sending numbers faster than any counter could is testing numbers
 * against the register, so it is refused (429) until the minute turns. Staff are not limited (their
 * bulk work goes through the bulk routes), but every look-up, anyone's, is recorded in the audit trail.
 */
export const PROVIDER_LOOKUPS_PER_MINUTE = 60;

/** The minute a look-up counts in (UTC, `2025-03-01T08:15`), and when its counter may be forgotten. */
export function lookupWindow(now: Date): { window: string; expiresAt: number } {
  const window = now.toISOString().slice(0, 16);
  // Kept a day past its minute: long enough to read in an investigation of the day's look-ups.
  const expiresAt = Math.floor(now.getTime() / 1000) - now.getUTCSeconds() + 60 + 24 * 3600;
  return { window, expiresAt };
}

/** Seconds until the next window opens, for the refusal's retry hint. */
export const secondsToNextWindow = (now: Date): number => 60 - now.getUTCSeconds();
