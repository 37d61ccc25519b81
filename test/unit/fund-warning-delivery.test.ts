/**
 * Fund warnings to regulators' webhooks (issue 14, point 5): which subscriptions a warning passes,
 * the stable body and id every attempt carries, and old subscriptions (stored before a filter could
 * choose its notices) taking fraud alerts only.
 */
import { describe, expect, it } from 'vitest';
import { warningIdOf, warningWebhookBody, type FundWarningPayload } from '../../shared/fraud/delivery.ts';
import { matchesFilter, matchesWarning, subscriptionRequestSchema, type SubscriptionFilter } from '../../shared/fraud/subscription.ts';

const warning = (o: Partial<FundWarningPayload> = {}): FundWarningPayload => ({
  region: '330900',
  year: 2026,
  throughMonth: '2026-01',
  kind: 'reserve-months',
  scheme: 'resident',
  level: 'alert',
  previousLevel: 'none',
  value: 0,
  threshold: 300,
  message: "the residents' fund reserve covers 0.00 months of payment (line: 3.00)",
  ...o,
});
const filterOf = (filter: Record<string, unknown>) =>
  ({
    ...subscriptionRequestSchema.parse({ filter, target: { url: 'https://x.example/h' } }).filter,
    region: '330900',
  }) as SubscriptionFilter & {
    region: string;
  };
const alert = { region: '330900', severity: 'high' as const, providerCode: 'H1', rules: [{ type: 'duplicate-charge' }] };

describe('which subscriptions a fund warning passes', () => {
  it('a subscription takes fraud alerts only unless it chose fund warnings (and one stored without a choice too)', () => {
    const byDefault = filterOf({});
    expect(byDefault.events).toEqual(['fraud.alert.raised']);
    expect([matchesWarning(byDefault, warning()), matchesFilter(byDefault, alert)]).toEqual([false, true]);
    const stored = { region: '330900', minSeverity: 'low' } as SubscriptionFilter & { region: string };
    expect([matchesWarning(stored, warning()), matchesFilter(stored, alert)]).toEqual([false, true]);
    const warningsOnly = filterOf({ events: ['fund.warning.raised'] });
    expect([matchesWarning(warningsOnly, warning()), matchesFilter(warningsOnly, alert)]).toEqual([true, false]);
    const both = filterOf({ events: ['fund.warning.raised', 'fraud.alert.raised', 'fund.warning.raised'] });
    expect(both.events).toEqual(['fund.warning.raised', 'fraud.alert.raised']);
    expect([matchesWarning(both, warning()), matchesFilter(both, alert)]).toEqual([true, true]);
  });

  it('by region, scheme, kind, level and provider', () => {
    const f = filterOf({
      events: ['fund.warning.raised'],
      fundWarnings: { schemes: ['resident'], kinds: ['reserve-months'], minLevel: 'alert' },
    });
    expect(matchesWarning(f, warning())).toBe(true);
    expect(matchesWarning(f, warning({ region: '532500' }))).toBe(false);
    expect(matchesWarning(f, warning({ scheme: 'employee' }))).toBe(false);
    // The region's whole fund names no scheme: a scheme filter leaves it out; no filter takes it.
    expect(matchesWarning(f, warning({ scheme: undefined }))).toBe(false);
    expect(matchesWarning(filterOf({ events: ['fund.warning.raised'] }), warning({ scheme: undefined }))).toBe(true);
    expect(matchesWarning(f, warning({ kind: 'budget-execution' }))).toBe(false);
    expect(matchesWarning(f, warning({ level: 'watch' }))).toBe(false);
    const provider = filterOf({ events: ['fund.warning.raised'], providerCode: 'ZS0001' });
    expect(matchesWarning(provider, warning({ kind: 'budget-execution', scheme: undefined, providerCode: 'ZS0001' }))).toBe(true);
    expect(matchesWarning(provider, warning({ kind: 'budget-execution', scheme: undefined, providerCode: 'ZS0201' }))).toBe(false);
    expect(matchesWarning(provider, warning())).toBe(false);
  });

  it('refuses an unknown notice, scheme or level, naming the path', () => {
    const problems = (filter: Record<string, unknown>) =>
      subscriptionRequestSchema.safeParse({ filter, target: { url: 'https://x.example/h' } }).error?.issues.map((i) => i.path.join('.'));
    expect(problems({ events: [] })).toEqual(['filter.events']);
    expect(problems({ events: ['fund.warning'] })).toEqual(['filter.events.0']);
    expect(problems({ fundWarnings: { schemes: ['retired'] } })).toEqual(['filter.fundWarnings.schemes.0']);
    expect(problems({ fundWarnings: { minLevel: 'none' } })).toEqual(['filter.fundWarnings.minLevel']);
  });
});

describe('the webhook body of a fund warning', () => {
  it('is the same bytes on every attempt, its id derived from the fact, without the event meta', () => {
    const eventId = 'warning/330900/2026/reserve-months/scheme:resident/2026-02-01T00:00:00.000Z/FundWarningRaised';
    const id = warningIdOf(eventId);
    expect(id).toBe(warningIdOf(eventId));
    expect(id).toMatch(/^FW[0-9a-f]{24}$/);
    expect(warningIdOf(`${eventId}x`)).not.toBe(id);
    const withMeta = { ...warning(), meta: { schemaVersion: 1, correlationId: 'c' }, eventId } as FundWarningPayload;
    const body = warningWebhookBody(withMeta, id, 'sub_1');
    expect(body).toBe(warningWebhookBody(withMeta, id, 'sub_1'));
    expect(JSON.parse(body)).toEqual({
      type: 'fund.warning.raised',
      deliveryId: `${id}.sub_1`,
      subscriptionId: 'sub_1',
      warning: { warningId: id, ...warning() },
    });
  });
});
