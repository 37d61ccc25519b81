/**
 * What `npm start` prints about the demo year: a progress line while it fills in, and at the end where
 * to look (the console, the progress page, curl commands that work as printed) and the year's figures.
 * Pure text, so the README quotes exactly what it prints.
 */
import { fenToYuan } from '../../../shared/money/fen.ts';
import type { DemoProgress } from './progress.ts';

const count = (n: number) => n.toLocaleString('en-US');
const yuan = (fen: number) =>
  `${Number(fenToYuan(fen)).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} yuan`;

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** One line: phase, how far, the figures so far. */
export function progressLine(p: DemoProgress, nowMs = Date.now()): string {
  const percent = p.total > 0 ? Math.floor((p.done * 100) / p.total) : 0;
  const elapsed = duration(nowMs - Date.parse(p.startedAt));
  return `[demo] ${String(percent).padStart(3)}%  ${p.phase.padEnd(12)} ${count(p.figures.members)} members, ${count(p.figures.claims)} claims, ${p.figures.prepaymentMonths} months advanced  (${elapsed})`;
}

/** The closing block: where to look and the year's figures. */
export function readyBlock(p: DemoProgress, apiUrl: string, note?: string): string {
  const f = p.figures;
  const port = new URL(apiUrl).port;
  const host = `localhost:${port}`;
  const types = Object.entries(f.claimsByType)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type} ${count(n)}`)
    .join(', ');
  const tiers = Object.entries(f.alertsByTier)
    .map(([tier, n]) => `${tier} ${count(n)}`)
    .join(', ');
  return [
    '',
    `── demo year: 舟山 Zhoushan (${p.region}) ${p.year}, ${count(p.scale)} members, seed ${p.seed} ${note ? `(${note}) ` : ''}──`,
    `  members      ${count(f.members)}: ${count(f.employees)} employees, ${count(f.residents)} residents (${count(f.poorMembers)} poor members), ${count(f.households)} households`,
    `  registers    ${count(f.providers)} providers with the 岱山 医共体, ${count(f.chronicApprovals)} chronic-disease approvals, ${count(f.familyDoctorContracts)} family-doctor contracts`,
    `  claims       ${count(f.claims)} settled through the API (${types})`,
    `               billed ${yuan(f.billedFen)}, fund paid ${yuan(f.fundPaidFen)}`,
    `  prepayments  ${f.prepaymentMonths} months advanced, ${yuan(f.prepaidFen)}`,
    `  alerts       ${count(f.alerts)} in the regulators' inbox (${tiers || 'none'}); ${f.injectedCaught} of ${f.injected} injected fraud patterns caught`,
    `  year-end     point value ${f.pointValue ?? '—'} yuan a point; ${count(f.staysByPoints ?? 0)} stays paid by points, ${count(f.staysByItems ?? 0)} by items`,
    `  time         ready in ${duration(f.timeToReadyMs ?? 0)}; ${f.claimsPerSecond ?? '—'} claims/s through the API`,
    '',
    `  Console      http://${host}/console`,
    `  Progress     curl -s ${host}/local/demo/progress`,
    '  Try',
    '    STAFF=$(npm run -s token -- --role staff)',
    `    curl -s ${host}/v1/reports/year-end/${p.region}/${p.year}/summary -H "authorization: Bearer $STAFF"`,
    `    curl -s '${host}/v1/reports/fund-accounts/${p.region}/${p.year}?through=${p.year}-12&format=csv' -H "authorization: Bearer $STAFF"`,
    `    REG=$(npm run -s token -- --role regulator --region ${p.region})`,
    `    curl -s '${host}/v1/alerts?limit=5' -H "authorization: Bearer $REG"`,
    '',
  ].join('\n');
}
