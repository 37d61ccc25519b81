/** Alerts, case work, subscriptions, webhook signatures and the delivery retry policy (pure parts). */
import { describe, expect, it } from 'vitest';
import { fraudAlertPayload } from '../../events/fraud.ts';
import { claimAlert, claimAlertId, providerAlert, providerAlertId } from '../../shared/fraud/alert.ts';
import { transition, transitionRequestSchema } from '../../shared/fraud/case.ts';
import { backoffSeconds, webhookBody } from '../../shared/fraud/delivery.ts';
import { scoreClaim, scoreProvider } from '../../shared/fraud/engine.ts';
import { secretFrom, signature, verifySignature } from '../../shared/fraud/signing.ts';
import { matchesFilter, subscriptionRequestSchema, webhookUrlProblem } from '../../shared/fraud/subscription.ts';
import { catalogueOf, claim, line, shippedRule } from './fraud-fixtures.ts';

const scored = () => {
  const c = claim({ lines: [line(1, '250101015', { category: 'lab' }), line(2, '250101015', { category: 'lab' })] });
  return { c, score: scoreClaim(catalogueOf([shippedRule('duplicate-charge')]), c, { memberHistory: [], traceScans: [] }) };
};

describe('alerts', () => {
  it('carry the claim, provider, rules with explanations, score and amounts, and fit the event contract', () => {
    const { c, score } = scored();
    const alert = claimAlert(c, score, 'evt-1', '2026-03-10T08:00:00.000Z');
    expect(alert).toMatchObject({
      kind: 'claim',
      region: '330900',
      providerCode: 'H0001',
      providerLevel: 'secondary',
      claim: c.ref,
      memberId: 'M-1',
      severity: 'high',
      score: 60,
      threshold: 60,
      result: 'violation',
      amounts: { billedFen: 2_000, fundPaidFen: 7_000, atStakeFen: 1_000 },
      rules: [{ ruleId: 'CN-DUP-01', type: 'duplicate-charge', explanations: [expect.stringContaining('收费 2 次')], amountFen: 1_000 }],
    });
    expect(fraudAlertPayload.safeParse(alert).success).toBe(true);
    // Nothing in it is a name or an 18-character ID number.
    expect(JSON.stringify(alert)).not.toMatch(/\d{17}[\dXx]/);
    expect(Object.keys(alert)).not.toEqual(expect.arrayContaining(['name', 'idNumber']));
  });

  it('have ids derived from what raised them: the same scoring gives the same id, a re-scoring a new one', () => {
    const ref = { providerCode: 'H0001', claimNo: 'C-1' };
    expect(claimAlertId(ref, 'evt-1')).toBe(claimAlertId(ref, 'evt-1'));
    expect(claimAlertId(ref, 'evt-1')).not.toBe(claimAlertId(ref, 'evt-2'));
    expect(providerAlertId('H0001', 2026)).toMatch(/^P-[0-9a-f]{20}$/);
  });

  it('for a provider, show the mean claim score as a rule of its own', () => {
    const p = scoreProvider(
      catalogueOf([shippedRule('volume-surge')]),
      { providerCode: 'H0001', region: '330900', asOf: '2026-03-15', own: [], peers: [], ownDrgs: [], regionDrgs: [] },
      { claims: 40, scoreSum: 2_400 },
    );
    const alert = providerAlert({ code: 'H0001', region: '330900' }, 2026, p, { region: '330900', version: 1 }, '2026-03-15T00:00:00.000Z');
    expect(alert).toMatchObject({ kind: 'provider', year: 2026, score: 60, rules: [{ type: 'provider-risk', weight: 60 }] });
    expect(fraudAlertPayload.safeParse(alert).success).toBe(true);
  });
});

describe('case work', () => {
  const at = '2026-03-11T09:00:00.000Z';
  it('goes open → investigating → confirmed with the amount to recover, recording who and when', () => {
    const first = transition('open', transitionRequestSchema.parse({ to: 'investigating' }), 'reg-1', at);
    expect(first).toEqual({ ok: true, change: { from: 'open', to: 'investigating', by: 'reg-1', at } });
    const second = transition(
      'investigating',
      transitionRequestSchema.parse({ to: 'confirmed', recoveryFen: 12_345, note: '现场核查属实' }),
      'reg-2',
      at,
    );
    expect(second).toEqual({
      ok: true,
      change: { from: 'investigating', to: 'confirmed', by: 'reg-2', at, recoveryFen: 12_345, note: '现场核查属实' },
    });
    expect(transition('investigating', transitionRequestSchema.parse({ to: 'dismissed', note: '合理用药' }), 'reg-1', at)).toMatchObject({
      ok: true,
    });
  });

  it('refuses skipping investigation, leaving a final state, confirming without an amount, dismissing without a reason', () => {
    expect(transition('open', { to: 'confirmed', recoveryFen: 1 }, 'r', at)).toEqual({
      ok: false,
      reason: 'An alert that is open can only become investigating',
    });
    expect(transition('dismissed', { to: 'investigating' }, 'r', at)).toEqual({
      ok: false,
      reason: 'An alert that is dismissed can no longer change',
    });
    expect(transitionRequestSchema.safeParse({ to: 'confirmed' }).success).toBe(false);
    expect(transitionRequestSchema.safeParse({ to: 'confirmed', recoveryFen: 12.5 }).success).toBe(false);
    expect(transitionRequestSchema.safeParse({ to: 'dismissed' }).success).toBe(false);
    expect(transitionRequestSchema.safeParse({ to: 'open' }).success).toBe(false);
  });
});

describe('subscriptions', () => {
  it('accept https webhooks; plain http only to this machine and only when the local flag is on', () => {
    expect(webhookUrlProblem('https://supervision.example.gov.cn/hooks/yibao', false)).toBeUndefined();
    expect(webhookUrlProblem('http://supervision.example.gov.cn/hooks', false)).toBe('a webhook must use https');
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', false)).toBe('a webhook must use https');
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', true)).toBeUndefined();
    expect(webhookUrlProblem('http://10.0.0.5/hook', true)).toBe('a webhook must use https');
  });

  it('refuse internal addresses, credentials in the URL, and what is not a URL', () => {
    for (const url of [
      'https://169.254.169.254/latest',
      'https://10.1.2.3/x',
      'https://192.168.1.1/x',
      'https://[::1]/x',
      'https://localhost/x',
    ]) {
      expect(webhookUrlProblem(url, false), url).toBe('a webhook may not point at an internal address');
    }
    expect(webhookUrlProblem('https://user:pw@example.com/x', false)).toMatch(/credentials/);
    expect(webhookUrlProblem('ftp://example.com/x', false)).toBe('a webhook must use https');
    expect(webhookUrlProblem('not a url', false)).toBe('not a URL');
  });

  it('match an alert on region, minimum severity, rule types and provider', () => {
    const alert = { region: '330900', severity: 'high' as const, providerCode: 'H0001', rules: [{ type: 'duplicate-charge' }] };
    const filter = (f: object) => ({
      ...subscriptionRequestSchema.parse({ filter: f, target: { url: 'https://x' } }).filter,
      region: '330900',
    });
    expect(matchesFilter(filter({}), alert)).toBe(true);
    expect(matchesFilter(filter({ minSeverity: 'high' }), alert)).toBe(true);
    expect(matchesFilter(filter({ minSeverity: 'critical' }), alert)).toBe(false);
    expect(matchesFilter(filter({ ruleTypes: ['duplicate-charge', 'readmission'] }), alert)).toBe(true);
    expect(matchesFilter(filter({ ruleTypes: ['readmission'] }), alert)).toBe(false);
    expect(matchesFilter(filter({ providerCode: 'H0002' }), alert)).toBe(false);
    expect(matchesFilter(filter({}), { ...alert, region: '532500' })).toBe(false);
    expect(subscriptionRequestSchema.safeParse({ filter: { ruleTypes: ['gut-feeling'] }, target: { url: 'https://x' } }).success).toBe(
      false,
    );
  });
});

describe('webhook signatures', () => {
  const secret = secretFrom(new Uint8Array(32).fill(7));
  const body = '{"type":"fraud.alert.raised"}';
  it('verify over timestamp and body, and fail for another body, another secret, or an old timestamp', () => {
    const sig = signature(secret, 1_800_000_000, body);
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    const headers = { signature: sig, timestamp: '1800000000' };
    expect(verifySignature(secret, headers, body, 1_800_000_010)).toBe(true);
    expect(verifySignature(secret, headers, `${body} `, 1_800_000_010)).toBe(false);
    expect(verifySignature(secretFrom(new Uint8Array(32).fill(8)), headers, body, 1_800_000_010)).toBe(false);
    expect(verifySignature(secret, headers, body, 1_800_000_000 + 301)).toBe(false);
    expect(verifySignature(secret, { signature: sig, timestamp: '1800000001' }, body, 1_800_000_010)).toBe(false);
  });

  it('use a secret drawn from at least 32 random bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(() => secretFrom(new Uint8Array(16))).toThrow();
  });
});

describe('delivery policy', () => {
  it("backs off 30 s, 2, 8 and 32 minutes, never beyond SQS's 12 hours", () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n))).toEqual([30, 120, 480, 1_920]);
    expect(backoffSeconds(20)).toBe(43_200);
  });

  it('sends the same body on every attempt, with a delivery id a receiver can deduplicate by', () => {
    const { c, score } = scored();
    const alert = claimAlert(c, score, 'evt-1', '2026-03-10T08:00:00.000Z');
    expect(webhookBody(alert, 'sub_1')).toBe(webhookBody(alert, 'sub_1'));
    expect(JSON.parse(webhookBody(alert, 'sub_1'))).toMatchObject({
      type: 'fraud.alert.raised',
      deliveryId: `${alert.alertId}.sub_1`,
      subscriptionId: 'sub_1',
      alert: { alertId: alert.alertId },
    });
  });
});
