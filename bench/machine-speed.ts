/**
 * How fast this machine is, measured the same way every run: one thread doing, a fixed number of times,
 * the kind of work a settlement does to a bill (JSON out and back, a SHA-256, a gzip, a sort). Machines
 * of the same kind have differed here by more than half from one session to the next (4 December: the
 * same `npm run drg` took 7.8–9.2 s of CPU on one and 13.5 s on the next), so the history keeps this
 * beside every run's figures: a figure that moved with the machine is not a regression of the code.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { seededRandom } from '../shared/runtime/seeded-random.ts';

const ROUNDS = 7;
const ITERATIONS = 1_500;

function sampleBill() {
  const random = seededRandom(2023);
  return {
    claimNo: 'C-20260101-0001',
    visit: { type: 'inpatient', serviceDate: '2026-01-01', dischargeDate: '2026-01-09' },
    lines: Array.from({ length: 30 }, (_, i) => ({
      code: `X${String(Math.floor(random() * 1e9)).padStart(9, '0')}`,
      name: `药品或诊疗项目${i}`,
      quantity: 1 + Math.floor(random() * 5),
      unitPriceFen: Math.floor(random() * 100_000),
    })),
  };
}

/** One round: the fixed work, in milliseconds. */
function round(bill: ReturnType<typeof sampleBill>): number {
  const started = performance.now();
  let sink = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const text = JSON.stringify({ ...bill, round: i });
    const back = JSON.parse(text) as typeof bill;
    sink += createHash('sha256').update(text).digest()[0]!;
    sink += gzipSync(text).byteLength;
    sink += back.lines.map((l) => l.unitPriceFen * l.quantity).sort((a, b) => a - b)[0]!;
  }
  if (sink < 0) throw new Error('unreachable: keeps the work from being optimised away');
  return performance.now() - started;
}

/**
 * The fastest of a few rounds after one to warm up, in milliseconds (lower is faster): what the machine
 * does when nothing else takes the core, since other work can only slow a round down.
 */
export function machineSpeedMs(): number {
  const bill = sampleBill();
  round(bill);
  return Number(Math.min(...Array.from({ length: ROUNDS }, () => round(bill))).toFixed(1));
}

/**
 * What a change against an earlier run owes to the machine: empty when the two machines ran the fixed
 * work within a tenth of each other (or either run did not measure it), else how much slower or faster
 * this one is, e.g. "machine ×1.62 slower".
 */
export function machineNote(previousMs: number | undefined, currentMs: number | undefined): string {
  if (!previousMs || !currentMs) return '';
  const ratio = currentMs / previousMs;
  if (ratio >= 1 / 1.1 && ratio <= 1.1) return '';
  return ratio > 1 ? `machine ×${ratio.toFixed(2)} slower` : `machine ×${(1 / ratio).toFixed(2)} faster`;
}
