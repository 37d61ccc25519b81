/**
 * Fraud scoring: (1) the pure engine's per-claim throughput on one core with every per-claim rule
 * of the national baseline (and, for comparison, with the cross-claim rules over a member history
 * too); (2) on the local cloud, the end-to-end time from a ClaimSettled event put on the bus to the
 * signed webhook arriving at a local receiver (bus → scoring queue → scoring → FraudAlertRaised →
 * bus → delivery queue → delivery → webhook).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { BUS_NAME } from '../infra/topology.ts';
import { allCatalogues } from '../shared/policy/fraud-rules.ts';
import type { ClaimSummary, FraudClaim, FraudLine } from '../shared/fraud/claim.ts';
import { scoreClaim } from '../shared/fraud/engine.ts';
import { percentile, type Report } from './support.ts';

/** A deterministic stream of claims: most outpatient with a few lines, one in ten a stay with many. */
function claims(count: number): FraudClaim[] {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const codes = [
    '250101015',
    '250101001',
    '210300001',
    '120100002',
    'XB05AAR001',
    'XC09AA02',
    'XJ01CA04',
    'XA10AB01',
    'XL01FF01',
    '311201001',
  ];
  const categories = ['lab', 'lab', 'exam', 'bed', 'drug', 'drug', 'drug', 'drug', 'drug', 'treatment'];
  const diagnoses = ['J20.900', 'K35.800', 'I10.x00', 'E11.900', 'O80.000', 'J06.900', 'M54.500'];
  return Array.from({ length: count }, (_, i) => {
    const stay = rand(10) === 0;
    const lines: FraudLine[] = Array.from({ length: stay ? 30 + rand(50) : 2 + rand(6) }, (_, j) => {
      const k = rand(codes.length);
      const unit = 500 + rand(5_000);
      const quantity = 1 + rand(3);
      return {
        lineNo: j + 1,
        itemCode: codes[k]!,
        itemClass: (['A', 'B', 'C'] as const)[rand(3)]!,
        category: categories[k]!,
        quantity,
        unitPriceFen: unit,
        amountFen: unit * quantity,
        date: `2026-03-${String(1 + rand(stay ? 9 : 1)).padStart(2, '0')}`,
        ...(categories[k] === 'drug' ? { supplyDays: 1 + rand(30), traceCode: `84${i}${j}` } : {}),
      };
    });
    return {
      ref: { providerCode: `H${String(rand(50)).padStart(4, '0')}`, claimNo: `B-${i}` },
      memberId: `M-${rand(5_000)}`,
      region: '330900',
      provider: { code: 'H0001', level: (['primary', 'secondary', 'tertiary'] as const)[rand(3)]!, region: '330900' },
      visitType: stay ? 'inpatient' : 'outpatient',
      start: '2026-03-01',
      end: stay ? '2026-03-10' : '2026-03-01',
      emergency: rand(20) === 0,
      patient: { sex: rand(2) ? 'F' : 'M', ageYears: rand(90) },
      diagnoses: [diagnoses[rand(diagnoses.length)]!],
      procedures: stay && rand(2) ? ['47.0100'] : [],
      ...(stay ? { lengthOfStayDays: 9 } : {}),
      lines,
      totals: { billedFen: lines.reduce((s, l) => s + l.amountFen, 0), fundPaidFen: 0, patientPaidFen: 0 },
    };
  });
}

function engineThroughput(report: Report): void {
  const national = allCatalogues().find((c) => c.region === '000000')!;
  const perClaimOnly = { ...national, rules: national.rules.filter((r) => r.scope === 'claim') };
  const stream = claims(20_000);
  const empty = { memberHistory: [], traceScans: [] };
  // Scoring is synchronous on this one thread: the process's CPU time is the core's time, which stays
  // meaningful when other work shares the machine (wall time is reported beside it).
  const time = (catalogue: typeof national, context: (c: FraudClaim) => Parameters<typeof scoreClaim>[2]) => {
    for (const c of stream.slice(0, 2_000)) scoreClaim(catalogue, c, context(c)); // warm-up
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let hits = 0;
    for (const c of stream) hits += scoreClaim(catalogue, c, context(c)).hits.length;
    const cpu = process.cpuUsage(cpu0);
    return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, hits };
  };
  const perClaim = time(perClaimOnly, () => empty);
  report({
    name: `scoring, ${perClaimOnly.rules.length} per-claim rules: throughput (CPU time)`,
    value: stream.length / (perClaim.cpuMs / 1000),
    unit: 'claims/s',
    note: `one core, ${stream.length.toLocaleString('en-US')} claims, ${perClaim.hits.toLocaleString('en-US')} hits`,
  });
  report({
    name: `scoring, ${perClaimOnly.rules.length} per-claim rules: throughput (wall time)`,
    value: stream.length / (perClaim.ms / 1000),
    unit: 'claims/s',
  });
  report({ name: 'scoring, per-claim rules: CPU time per claim', value: (perClaim.cpuMs * 1000) / stream.length, unit: 'µs' });

  const history: ClaimSummary[] = Array.from({ length: 20 }, (_, i) => ({
    ref: { providerCode: 'H0002', claimNo: `P-${i}` },
    memberId: 'M-1',
    providerCode: 'H0002',
    providerRegion: '330900',
    visitType: i % 5 === 0 ? 'inpatient' : 'outpatient',
    start: `2026-02-${String(1 + i).padStart(2, '0')}`,
    end: `2026-02-${String(2 + i).padStart(2, '0')}`,
    principalDiagnosis: 'K35.800',
    drugs: [{ itemCode: 'XC09AA02', date: `2026-02-${String(1 + i).padStart(2, '0')}`, supplyDays: 14 }],
    billedFen: 10_000,
  }));
  const withHistory = time(national, () => ({ memberHistory: history, traceScans: [] }));
  report({
    name: `scoring, all ${national.rules.filter((r) => r.scope !== 'provider').length} claim rules + 20-claim history (CPU)`,
    value: stream.length / (withHistory.cpuMs / 1000),
    unit: 'claims/s',
    note: 'per-claim and cross-claim rules',
  });
}

async function endToEnd(report: Report): Promise<void> {
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  const waiting = new Map<string, () => void>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alert: { claim?: { claimNo: string } } };
      const claimNo = body.alert.claim?.claimNo;
      if (claimNo) waiting.get(claimNo)?.();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  try {
    const token = await cloud.mint({ sub: 'bench-regulator', role: 'regulator', region: '330900' });
    const res = await fetch(`${cloud.apiUrl}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: {}, target: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` } }),
    });
    if (res.status !== 201) throw new Error(`subscription: ${res.status} ${await res.text()}`);

    const settle = async (claimNo: string) => {
      const delivered = new Promise<void>((resolve) => waiting.set(claimNo, resolve));
      const t0 = performance.now();
      await bus.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: BUS_NAME,
              Source: 'yibao.adjudication',
              DetailType: 'ClaimSettled',
              Detail: JSON.stringify({
                claim: { providerCode: 'HBENCH1', claimNo },
                memberId: `M-${claimNo}`,
                region: '330900',
                provider: { code: 'HBENCH1', level: 'secondary', region: '330900' },
                visit: { type: 'outpatient', serviceDate: '2026-03-10' },
                patient: { sex: 'F', ageYears: 40 },
                diagnoses: { principal: 'J20.900', secondary: [] },
                lines: [1, 2].map((lineNo) => ({
                  lineNo,
                  itemCode: '250101015',
                  itemClass: 'A',
                  category: 'lab',
                  quantity: 1,
                  unitPriceFen: 2_000,
                  amountFen: 2_000,
                })),
                totals: { billedFen: 4_000, fundPaidFen: 2_800, patientPaidFen: 1_200 },
                meta: { schemaVersion: 1, correlationId: `bench-${claimNo}` },
              }),
            },
          ],
        }),
      );
      await delivered;
      return performance.now() - t0;
    };
    for (let i = 0; i < 10; i++) await settle(`W-${i}`); // warm-up: handlers loaded, tables touched
    const total = 100;
    const delays: number[] = [];
    for (let i = 0; i < total; i++) delays.push(await settle(`E-${i}`));
    delays.sort((a, b) => a - b);
    report({
      name: 'ClaimSettled on the bus → signed webhook received: p50',
      value: percentile(delays, 50),
      unit: 'ms',
      note: `${total} alerting claims, one at a time, local cloud`,
    });
    report({ name: 'ClaimSettled on the bus → signed webhook received: p99', value: percentile(delays, 99), unit: 'ms' });
  } finally {
    bus.destroy();
    await new Promise((resolve) => receiver.close(resolve));
    await cloud.stop();
  }
}

export default async function fraudBench(report: Report): Promise<void> {
  engineThroughput(report);
  await endToEnd(report);
}
