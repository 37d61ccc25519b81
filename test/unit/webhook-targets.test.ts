/**
 * Webhook targets: no subscription and no delivery may reach the platform's own machine or network,
 * whatever spelling the host takes (trailing dots, *.localhost, IPv6 forms carrying an IPv4 address)
 * or whatever a name resolves to at the moment of delivery.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../functions/alert-delivery/webhook.ts';
import { isInternalAddress, isLocalWebhookHost, type Resolve, webhookUrlProblem } from '../../shared/fraud/subscription.ts';

const INTERNAL_HOSTS = [
  'localhost',
  'localhost.',
  'LOCALHOST..',
  'alerts.localhost',
  'alerts.localhost.',
  '127.0.0.1',
  '127.1.2.3',
  '0.0.0.0',
  '10.20.30.40',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '100.100.100.200',
  '198.18.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '[::1]',
  '[0:0:0:0:0:0:0:1]',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::ffff:a9fe:a9fe]',
  '[::127.0.0.1]',
  '[64:ff9b::a00:1]',
  '[2002:c0a8:0101::1]',
  '[fe80::1]',
  '[fd12:3456::1]',
  '[fec0::1]',
  '[ff02::1]',
];
const PUBLIC_HOSTS = [
  'supervision.example.gov.cn',
  '8.8.8.8',
  '172.32.0.1',
  '100.128.0.1',
  '[2001:4860:4860::8888]',
  '[::ffff:8.8.8.8]',
  'localhost.example.com',
];

describe('internal addresses', () => {
  it.each(INTERNAL_HOSTS)('%s is internal, as a URL host or as a resolver answer', (host) => {
    expect(isInternalAddress(new URL(`https://${host}/x`).hostname)).toBe(true);
    expect(isInternalAddress(host.replace(/^\[|\]$/g, ''))).toBe(true);
  });

  it.each(PUBLIC_HOSTS)('%s is not', (host) => {
    expect(isInternalAddress(new URL(`https://${host}/x`).hostname)).toBe(false);
  });

  it.each(INTERNAL_HOSTS)(
    'a webhook to https://%s/ is refused, and with the local flag on too unless it is the local machine itself',
    (host) => {
      const url = `https://${host}/hook`;
      expect(webhookUrlProblem(url, false)).toBe('a webhook may not point at an internal address');
      // The local flag allows only the local machine itself, whatever the spelling (LOCALHOST.., [0:0:0:0:0:0:0:1]).
      if (!isLocalWebhookHost(new URL(url).hostname))
        expect(webhookUrlProblem(url, true)).toBe('a webhook may not point at an internal address');
    },
  );

  it('allows plain http only to the local machine named literally, and only with the local flag', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', true)).toBeUndefined();
    expect(webhookUrlProblem('http://[::1]:8080/hook', true)).toBeUndefined();
    expect(webhookUrlProblem('http://alerts.localhost:8080/hook', true)).toBe('a webhook must use https');
    expect(webhookUrlProblem('http://[::ffff:127.0.0.1]:8080/hook', true)).toBe('a webhook must use https');
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', false)).toBe('a webhook must use https');
  });
});

describe('a delivery checks where its target resolves now', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.headers.host} ${req.url}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const resolvingTo =
    (address: string, family = 4): Resolve =>
    async () => [{ address, family }];

  it('refuses a name that resolves to loopback now (it may not have when subscribed), sending nothing', async () => {
    const before = received.length;
    const post = postWebhook(2_000, { resolve: resolvingTo('127.0.0.1'), allowLocal: false });
    const result = await post(`http://rebound.example.com:${port}/hook`, '{}', { 'content-type': 'application/json' });
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/^refused: rebound\.example\.com resolves to an internal address/);
    expect(received.length).toBe(before);
  });

  it('refuses it even with the local flag on: only the local machine named literally is allowed', async () => {
    const post = postWebhook(2_000, { resolve: resolvingTo('127.0.0.1'), allowLocal: true });
    expect((await post(`http://rebound.example.com:${port}/hook`, '{}', {})).error).toMatch(/internal address/);
    const mapped = postWebhook(2_000, { resolve: resolvingTo('::ffff:127.0.0.1', 6), allowLocal: true });
    expect((await mapped(`http://rebound.example.com:${port}/hook`, '{}', {})).error).toMatch(/internal address/);
  });

  it('refuses an internal address literal or name without a lookup, and a metadata address', async () => {
    const post = postWebhook(2_000, { resolve: resolvingTo('8.8.8.8'), allowLocal: false });
    expect((await post(`http://127.0.0.1:${port}/hook`, '{}', {})).error).toBe('refused: 127.0.0.1 is an internal address');
    expect((await post('https://169.254.169.254/latest/meta-data', '{}', {})).error).toBe(
      'refused: 169.254.169.254 is an internal address',
    );
  });

  it('delivers to the local machine named literally when the local flag is on', async () => {
    const before = received.length;
    const post = postWebhook(2_000, { allowLocal: true });
    const result = await post(`http://127.0.0.1:${port}/hook`, '{"alert":1}', { 'content-type': 'application/json' });
    expect(result).toMatchObject({ status: 204 });
    expect(received.slice(before)).toEqual([`127.0.0.1:${port} /hook`]);
  });
});
