/**
 * The platform's own overhead on the local cloud: the authenticated ping through the HTTP front,
 * authorizer and handler (which also publishes to the bus), and the time from PutEvents to the
 * consumer holding the event (bus → rule → SQS → poller → handler).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { BUS_NAME } from '../infra/topology.ts';
import { percentile, reportLatencies, runConcurrently, type Report } from './support.ts';

export default async function platformBench(report: Report): Promise<void> {
  const started = performance.now();
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  report({ name: 'local cloud start (in memory) to ready', value: performance.now() - started, unit: 'ms' });
  try {
    const token = await cloud.mint({ sub: 'bench', role: 'provider', providerCode: 'H0001' });
    const ping = () =>
      fetch(`${cloud.apiUrl}/v1/ping`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"message":"bench"}',
      }).then(async (res) => {
        if (res.status !== 200) throw new Error(`ping ${res.status}`);
        await res.arrayBuffer();
      });
    await runConcurrently(200, 8, ping); // warm-up
    reportLatencies(report, 'POST /v1/ping, 32 concurrent callers (2,000 calls)', await runConcurrently(2000, 32, ping));

    // Bus to consumer: time from PutEvents to the audit consumer being handed the event, one event
    // at a time, once the pings' own events have drained (so no backlog is measured).
    const bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
    for (;;) {
      const depth = (await cloud.queueDepths()).audit!;
      if (depth.visible + depth.inFlight === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const waiting = new Map<string, () => void>();
    cloud.lambda.observe((fn, event, trigger) => {
      if (fn !== 'audit' || trigger !== 'sqs') return;
      for (const record of (event as { Records: { body: string }[] }).Records) {
        const id = (JSON.parse(record.body) as { detail: { meta: { correlationId: string } } }).detail.meta.correlationId;
        waiting.get(id)?.();
      }
    });
    const total = 200;
    const delays: number[] = [];
    for (let i = 0; i < total; i++) {
      const id = `bench-${i}`;
      const delivered = new Promise<void>((resolve) => waiting.set(id, resolve));
      const t0 = performance.now();
      await bus.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: BUS_NAME,
              Source: 'yibao.bench',
              DetailType: 'Bench',
              Detail: JSON.stringify({ meta: { schemaVersion: 1, correlationId: id } }),
            },
          ],
        }),
      );
      await delivered;
      delays.push(performance.now() - t0);
    }
    delays.sort((a, b) => a - b);
    report({
      name: 'PutEvents → rule → SQS → consumer: p50',
      value: percentile(delays, 50),
      unit: 'ms',
      note: `${total} events, one at a time`,
    });
    report({ name: 'PutEvents → rule → SQS → consumer: p99', value: percentile(delays, 99), unit: 'ms' });
    bus.destroy();
  } finally {
    await cloud.stop();
  }
}
