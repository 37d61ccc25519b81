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
  const byType = (o: Record<string, number>) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${count(n)}`)
      .join(', ');
  const g = f.programmes;
  const programmes = g
    ? [
        `── programmes Zhoushan's papers do not give it: ${g.regionName} (${g.region}) ${g.year}, on Honghe's own policies ──`,
        `  members      ${count(g.members)} employees (${count(g.retirees)} retired); ${count(g.claims)} claims settled (${byType(g.claimsByType) || 'none'}), fund paid ${yuan(g.fundPaidFen)}`,
        `  care (长护)   ${count(g.longTermCare.assessments)} disability assessments (levels ${byType(g.longTermCare.byLevel) || 'none'}), ${count(g.longTermCare.qualifying)} qualifying;`,
        `               ${count(g.longTermCare.careClaims)} monthly care claims (${byType(g.longTermCare.careClaimsBySetting) || 'none'}): billed ${yuan(g.longTermCare.billedFen)}, fund paid ${yuan(g.longTermCare.fundPaidFen)}, refused ${yuan(g.longTermCare.refusedFen)}; fund income ${yuan(g.longTermCare.fundIncomeFen ?? 0)}`,
        `  maternity    ${count(g.maternity.pregnancies)} pregnancies registered, ${count(g.maternity.antenatal)} antenatal per capita, ${count(g.maternity.deliveries)} deliveries per case (${byType(g.maternity.deliveriesByType) || 'none'}), fund paid ${yuan(g.maternity.fundPaidFen)};`,
        `               ${count(g.maternity.allowances)} allowances granted, ${yuan(g.maternity.allowanceFen)}`,
        `  DIP          ${count(g.dip.cases)} stays scored by DIP${g.dip.totalCentipoints !== undefined ? `, ${(g.dip.totalCentipoints / 100).toFixed(2)} points` : ''}`,
      ]
    : [];
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
    `  time         ready in ${duration(f.timeToReadyMs ?? 0)}; ${f.claimsPerSecond ?? '—'} claims/s through the API${f.timeToConsoleMs !== undefined ? `; console usable ${duration(f.timeToConsoleMs)} after the start` : ''}`,
    ...programmes,
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
