/**
 * The member's year so far, as the engine sees it: named integer counters (fen, or a count where
 * the name says so), read from the accumulator item and moved by the claim's deltas. The deltas are
 * what the adapter adds in the settling transaction and subtracts in a reversal.
 *
 * Counter names (settlement owns them; rule ids come from the policy, so keep ids stable across
 * the versions of a year to carry the year's totals over):
 *   claims, billed, fundPaid, patientPaid                 the year's totals (claims is a count)
 *   basic.paid                                            basic fund paid
 *   basic.cap.<capId>                                     basic paid against that annual cap
 *   basic.band.<ratioRuleId>                              the year's amount measured by year-banded ratios
 *   basic.deductible.<ruleId>.paid | .claims | .target   deductible paid, claims in the pool (count), the year's deductible
 *   basic.deductible.<ruleId>.on.<yyyy-mm-dd>.<fen>     claims in the pool admitted (served) that day whose level's
 *                                                       deductible is <fen> (count): deductibles that repeat count
 *                                                       the year by date (sequence, first claim, highest level), so
 *                                                       a claim settled again after a reversal takes its place by date
 *   catastrophic.base, catastrophic.paid                  大病保险 base so far (incl. below its deductible), paid
 *   assistance.deductible, assistance.paid, assistance.major.paid
 *   assistance.tilted.base, assistance.tilted.paid        倾斜救助 second round
 *   supplementary.<planId>.deductible, supplementary.<planId>.paid
 *   familyCap.base, familyCap.paid                        the member's counted self-pay, and what the cap paid
 */
export class YearToDate {
  private readonly deltas = new Map<string, number>();

  constructor(private readonly before: Readonly<Record<string, number>>) {}

  get(name: string): number {
    return (this.before[name] ?? 0) + (this.deltas.get(name) ?? 0);
  }

  add(name: string, amount: number): void {
    if (amount === 0 && this.deltas.has(name)) return;
    this.deltas.set(name, (this.deltas.get(name) ?? 0) + amount);
  }

  /** The counters whose names start with `prefix`, as they stand now (name without the prefix → value). */
  withPrefix(prefix: string): Map<string, number> {
    const found = new Map<string, number>();
    for (const name of Object.keys(this.before)) if (name.startsWith(prefix)) found.set(name.slice(prefix.length), this.get(name));
    for (const name of this.deltas.keys()) if (name.startsWith(prefix)) found.set(name.slice(prefix.length), this.get(name));
    return found;
  }

  /** Raises a counter to `value` if it is below it (the year's highest deductible). */
  raiseTo(name: string, value: number): void {
    const now = this.get(name);
    if (value > now) this.add(name, value - now);
  }

  /** The counters this claim moved: before, delta and after, by name (sorted for a stable statement). */
  summary(): { before: Record<string, number>; deltas: Record<string, number>; after: Record<string, number> } {
    const names = [...this.deltas.keys()].sort();
    const before: Record<string, number> = {};
    const deltas: Record<string, number> = {};
    const after: Record<string, number> = {};
    for (const name of names) {
      before[name] = this.before[name] ?? 0;
      deltas[name] = this.deltas.get(name)!;
      after[name] = this.get(name);
    }
    return { before, deltas, after };
  }
}
