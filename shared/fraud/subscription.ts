/**
 * Regulators' subscriptions: a filter (region, minimum severity, rule types, provider) and a signed
 * webhook. A regulator is bound to its region, so a subscription's region is always the
 * regulator's own. Webhooks go to HTTPS only; plain http to this machine only when the local cloud
 * says so (an environment flag a deployed stack never sets).
 */
import { isIP } from 'node:net';
import * as z from 'zod';
import { SEVERITIES, type Severity } from './rules/define.ts';
import { RULE_TYPE_NAMES } from './rules/index.ts';

/**
 * Set to "true" by the local cloud only: lets a webhook be plain http to this machine
 * (http://127.0.0.1:<port>/…), so tests and `npm start` can receive alerts. A deployed stack never sets it.
 */
export const ALLOW_LOCAL_WEBHOOKS_ENV = 'ALLOW_LOCAL_WEBHOOKS';

/** Rule types a filter may name: every catalogue type, and the provider risk score itself. */
export const FILTERABLE_RULE_TYPES = [...RULE_TYPE_NAMES, 'provider-risk'] as [string, ...string[]];

export const subscriptionFilterSchema = z.strictObject({
  region: z
    .string()
    .regex(/^\d{6}$/, 'a 6-digit region code')
    .optional(),
  minSeverity: z.enum(SEVERITIES).default('low'),
  ruleTypes: z.array(z.enum(FILTERABLE_RULE_TYPES)).min(1).max(30).optional(),
  providerCode: z
    .string()
    .regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits')
    .optional(),
});
export type SubscriptionFilter = z.output<typeof subscriptionFilterSchema>;

export const subscriptionRequestSchema = z.strictObject({
  description: z.string().trim().max(200).optional(),
  filter: subscriptionFilterSchema.default({ minSeverity: 'low' }),
  target: z.strictObject({
    type: z.literal('webhook').default('webhook'),
    url: z.string().max(2048),
  }),
});
export type SubscriptionRequest = z.output<typeof subscriptionRequestSchema>;

export interface Subscription {
  subscriptionId: string;
  region: string;
  description?: string;
  filter: SubscriptionFilter & { region: string };
  target: { type: 'webhook'; url: string };
  createdBy: string;
  createdAt: string;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Loopback, private, link-local (the instance metadata address) and unspecified addresses. */
function isInternalAddress(host: string): boolean {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) {
    const [a, b] = bare.split('.').map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(bare) === 6) {
    const lower = bare.toLowerCase();
    return (
      lower === '::1' ||
      lower === '::' ||
      lower.startsWith('fe80:') ||
      lower.startsWith('fc') ||
      lower.startsWith('fd') ||
      lower.startsWith('::ffff:')
    );
  }
  return false;
}

/**
 * Why a webhook URL is refused, or undefined when it is acceptable. Names given as literal internal
 * addresses are refused so a subscription cannot point the platform at its own network.
 */
export function webhookUrlProblem(url: string, allowLocal: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password) return 'a webhook URL carries no credentials (the signature authenticates the platform)';
  if (parsed.hash) return 'a webhook URL has no fragment';
  if (parsed.protocol === 'http:') {
    return allowLocal && LOCAL_HOSTS.has(parsed.hostname) ? undefined : 'a webhook must use https';
  }
  if (parsed.protocol !== 'https:') return 'a webhook must use https';
  if (isInternalAddress(parsed.hostname) && !(allowLocal && LOCAL_HOSTS.has(parsed.hostname)))
    return 'a webhook may not point at an internal address';
  return undefined;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Whether an alert passes a subscription's filter. */
export function matchesFilter(
  filter: SubscriptionFilter & { region: string },
  alert: { region: string; severity: Severity; providerCode: string; rules: readonly { type: string }[] },
): boolean {
  if (alert.region !== filter.region) return false;
  if (rank(alert.severity) < rank(filter.minSeverity)) return false;
  if (filter.providerCode && filter.providerCode !== alert.providerCode) return false;
  if (filter.ruleTypes && !alert.rules.some((r) => filter.ruleTypes!.includes(r.type))) return false;
  return true;
}
