import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'yibao-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a local cloud with a data folder', () => {
  it('keeps tables, dead letters and the signing key across a restart', async () => {
    const first = await startTestCloud({ dataDir });
    const staffToken = await first.mint({ sub: 'clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const ping = await api(first, 'POST', '/v1/ping', {
      token: staffToken,
      body: { message: 'before restart' },
      headers: { 'x-correlation-id': 'persist-1' },
    });
    expect(ping.status).toBe(200);
    await eventually(
      async () => ((await api(first, 'GET', '/v1/audit/persist-1', { token: staffToken })).body.events.length === 1 ? true : undefined),
      'archived',
    );
    await first.sqs.client.send(
      new SendMessageCommand({ QueueUrl: first.sqs.queues.fraudScoring.deadLetterUrl, MessageBody: '{"left":"for the operator"}' }),
    );
    await first.stop();

    const second = await startTestCloud({ dataDir });
    try {
      // The token minted before the restart still verifies: the key lives in the data folder.
      const trail = await api(second, 'GET', '/v1/audit/persist-1', { token: staffToken });
      expect(trail.status).toBe(200);
      expect(trail.body.events).toHaveLength(1);
      expect(trail.body.events[0].detail.message).toBe('before restart');
      const dead = await second.sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: second.sqs.queues.fraudScoring.deadLetterUrl, MaxNumberOfMessages: 10 }),
      );
      expect(dead.Messages?.map((m) => m.Body)).toEqual(['{"left":"for the operator"}']);
    } finally {
      await second.stop();
    }
  });

  it('runs in memory when given no folder: nothing survives', async () => {
    const first = await startTestCloud();
    const token = await first.mint({ sub: 'clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    await api(first, 'POST', '/v1/ping', { token, body: {}, headers: { 'x-correlation-id': 'memory-1' } });
    await eventually(
      async () => ((await api(first, 'GET', '/v1/audit/memory-1', { token })).body.events.length === 1 ? true : undefined),
      'archived',
    );
    await first.stop();
    const second = await startTestCloud();
    try {
      const token2 = await second.mint({ sub: 'clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
      expect((await api(second, 'GET', '/v1/audit/memory-1', { token: token2 })).body.events).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
