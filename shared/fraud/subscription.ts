/**
 * Regulators' subscriptions: a filter (region, minimum severity, rule types, provider) and a signed
 * webhook. A regulator is bound to its region, so a subscription's region is always the
 * regulator's own. Webhooks go to HTTPS only; plain http to this machine only when the local cloud
 * says so (an environment flag a deployed stack never sets).
 */
import type { LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
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

/**
 * What a subscription receives: fraud alerts (the default, and all a subscription made before fund
 * warnings could be chosen receives) and the fund's warnings per scheme (FundWarningRaised).
 */
export const NOTICE_TYPES = ['fraud.alert.raised', 'fund.warning.raised'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];
export const DEFAULT_NOTICES: NoticeType[] = ['fraud.alert.raised'];

/** Which fund warnings a subscription takes, when it takes them (every one of its region by default). */
export const fundWarningFilterSchema = z.strictObject({
  /** Only warnings about these schemes' own funds (a warning about the region's whole fund names no scheme and is then left out). */
  schemes: z
    .array(z.enum(['employee', 'resident']))
    .min(1)
    .max(2)
    .optional(),
  kinds: z
    .array(z.enum(['reserve-months', 'budget-execution']))
    .min(1)
    .max(2)
    .optional(),
  /** watch: every rise; alert: only rises to the most severe level. */
  minLevel: z.enum(['watch', 'alert']).default('watch'),
});
export type FundWarningFilter = z.output<typeof fundWarningFilterSchema>;

export const subscriptionFilterSchema = z.strictObject({
  events: z
    .array(z.enum(NOTICE_TYPES))
    .min(1)
    .max(10)
    .transform((e) => [...new Set(e)])
    .default([...DEFAULT_NOTICES]),
  fundWarnings: fundWarningFilterSchema.optional(),
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
  filter: subscriptionFilterSchema.default({ events: [...DEFAULT_NOTICES], minSeverity: 'low' }),
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

/** The hosts a local-cloud webhook may name over plain http (the flag a deployed stack never sets). */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Addresses no webhook may reach: the platform's own machine and network, and the cloud's instance
 * metadata (IANA special-purpose registries; node:net's BlockList does the matching).
 */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, the instance metadata service among it
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 3], // multicast, reserved and broadcast
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if it carries one. */
function embeddedIpv4(ipv6: string): string | undefined {
  const lower = ipv6.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const words = expandIpv6(lower);
  if (!words) return undefined;
  const asIpv4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return asIpv4(words[6]!, words[7]!); // ::ffff:a.b.c.d
  if (zeros(0, 6) && (words[6] !== 0 || words[7]! > 1)) return asIpv4(words[6]!, words[7]!); // ::a.b.c.d
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return asIpv4(words[6]!, words[7]!); // NAT64
  if (words[0] === 0x2002) return asIpv4(words[1]!, words[2]!); // 6to4
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (without a zone), or undefined when it is not one. */
function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.split('%')[0]!;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: tail === undefined ? 0 : fill }, () => 0), ...right];
}

/**
 * Whether a host (a name or an address, as a URL or a resolver gives it) is internal: loopback,
 * private, link-local, metadata, unspecified, multicast, or an IPv6 form carrying one of those
 * IPv4 addresses. `localhost.`, `x.localhost` and every other spelling with a trailing dot count.
 */
export function isInternalAddress(host: string): boolean {
  const bare = (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host).toLowerCase().replace(/\.+$/, '');
  if (bare === '' || bare === 'localhost' || bare.endsWith('.localhost')) return true;
  const family = isIP(bare.split('%')[0]!);
  if (family === 4) return INTERNAL.check(bare, 'ipv4');
  if (family === 6) {
    const address = bare.split('%')[0]!;
    const v4 = embeddedIpv4(address);
    return INTERNAL.check(address, 'ipv6') || (v4 !== undefined && INTERNAL.check(v4, 'ipv4'));
  }
  return false;
}

/** Whether a host is the local cloud's own machine, which a webhook may name when the local flag is on. */
export const isLocalWebhookHost = (host: string): boolean => LOCAL_HOSTS.has(host.toLowerCase().replace(/\.+$/, ''));

/**
 * Why a webhook URL is refused, or undefined when it is acceptable. Names given as literal internal
 * addresses are refused here; names that resolve to one are refused when the subscription is made
 * and again at every delivery (functions/alert-delivery/webhook.ts checks the addresses it connects to).
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
    return allowLocal && isLocalWebhookHost(parsed.hostname) ? undefined : 'a webhook must use https';
  }
  if (parsed.protocol !== 'https:') return 'a webhook must use https';
  if (isInternalAddress(parsed.hostname) && !(allowLocal && isLocalWebhookHost(parsed.hostname)))
    return 'a webhook may not point at an internal address';
  return undefined;
}

/** Every address a name resolves to: the caller's resolver (the system's in a function, a fake in a test). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

/** Why the target may not be reached now, or undefined. A name that does not resolve is left to fetch to fail on. */
export async function internalTargetProblem(url: string, resolve: Resolve, allowLocal: boolean): Promise<string | undefined> {
  const target = new URL(url);
  if (allowLocal && isLocalWebhookHost(target.hostname)) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isInternalAddress(host) ? `${host} is an internal address` : undefined;
  if (isInternalAddress(host)) return `${host} is an internal name`;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return undefined;
  }
  return addresses.some((a) => isInternalAddress(a.address)) ? `${host} resolves to an internal address` : undefined;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** The notices a stored filter takes (one stored before the choice existed takes fraud alerts only). */
export const noticesOf = (filter: Partial<Pick<SubscriptionFilter, 'events'>>): readonly NoticeType[] => filter.events ?? DEFAULT_NOTICES;

/** Whether an alert passes a subscription's filter. */
export function matchesFilter(
  filter: SubscriptionFilter & { region: string },
  alert: { region: string; severity: Severity; providerCode: string; rules: readonly { type: string }[] },
): boolean {
  if (!noticesOf(filter).includes('fraud.alert.raised')) return false;
  if (alert.region !== filter.region) return false;
  if (rank(alert.severity) < rank(filter.minSeverity)) return false;
  if (filter.providerCode && filter.providerCode !== alert.providerCode) return false;
  if (filter.ruleTypes && !alert.rules.some((r) => filter.ruleTypes!.includes(r.type))) return false;
  return true;
}

/**
 * Whether a fund warning passes a subscription's filter: the subscription chose fund warnings, of its
 * own region, and the scheme, kind and level it asked for. A provider filter takes only that
 * provider's budget-execution warnings.
 */
export function matchesWarning(
  filter: SubscriptionFilter & { region: string },
  warning: { region: string; scheme?: string | undefined; kind: string; level: 'watch' | 'alert'; providerCode?: string | undefined },
): boolean {
  if (!noticesOf(filter).includes('fund.warning.raised')) return false;
  if (warning.region !== filter.region) return false;
  if (filter.providerCode && filter.providerCode !== warning.providerCode) return false;
  const f = filter.fundWarnings;
  if (!f) return true;
  if (f.schemes && !(warning.scheme && (f.schemes as readonly string[]).includes(warning.scheme))) return false;
  if (f.kinds && !(f.kinds as readonly string[]).includes(warning.kind)) return false;
  if ((f.minLevel ?? 'watch') === 'alert' && warning.level !== 'alert') return false;
  return true;
}
