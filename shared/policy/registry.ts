/**
 * The one policy registry, pure part: what a kind of policy document is, and which version of it is
 * in force on a date. Every kind (benefits, enrolment, drg, year-end, fraud-rules, and the kinds
 * still to come) is declared once with `definePolicyKind` and has the same lifecycle:
 *
 * - its shipped files (`policies/<kind>/<region>/….json`) are first versions, in force without
 *   being published, carried in the bundle of every function that reads the kind;
 * - staff publish later versions with `POST /v1/policies` (validated whole by the kind's schema,
 *   immutable, effective-dated, history kept: store/registry.ts);
 * - a reader asks for the version in force on a date under a key (region, and year or scheme as the
 *   kind needs), shipped and published alike, newest effective date first, then highest version.
 *
 * No I/O here: the DynamoDB side is shared/policy/store/registry.ts.
 */
import * as z from 'zod';
import { checkCitations } from './citations.ts';

/** What a kind keys its documents by, region first (e.g. region + scheme + year for benefits). */
export type PolicyKey = { region: string } & Record<string, string | number>;

/** What the registry needs to know of any parsed document. */
export interface VersionHeader {
  region: string;
  version: number;
  effectiveFrom: string;
  effectiveTo?: string | undefined;
}

export interface PolicyKind<P = unknown> {
  /** The document's `kind` and its folder under policies/. */
  kind: string;
  /** Validates a whole document; its output is what handlers work with (parsed, maybe compiled). */
  schema: z.ZodType<P>;
  /** The key fields beyond `region`, in the order they make the storage key (e.g. ['scheme', 'year']). */
  keyFields: readonly string[];
  keyOf(policy: P): PolicyKey;
  /** Where a shipped document of this kind lives below policies/<kind>/, e.g. 330900/2026.json. */
  fileOf(policy: P): string;
  header(policy: P): VersionHeader;
  /** Extra fields a version's summary shows (title, rule count…). */
  describe?(policy: P): Record<string, unknown>;
  /** A rule the schema cannot see alone (e.g. only the national baseline may be the fallback). */
  refuse?(policy: P): { field: string; rule: string; message: string } | undefined;
  /** The shipped documents: path under the repository root → raw document, as the file holds it. */
  shipped: Readonly<Record<string, unknown>>;
}

/**
 * Declares a kind. Its schema is wrapped so that every kind's per-figure citations are checked one
 * way (citations.ts) before the kind's own schema reads the document.
 */
export function definePolicyKind<P>(kind: PolicyKind<P>): PolicyKind<P> {
  const schema = z.unknown().superRefine(checkCitations).pipe(kind.schema) as unknown as z.ZodType<P>;
  return { ...kind, schema };
}

/** A version's summary, shipped or published, as the API lists it. */
export interface VersionSummary extends Record<string, unknown> {
  kind: string;
  region: string;
  version: number;
  effectiveFrom: string;
  effectiveTo?: string;
  /** Shipped with this build (in force without publishing), or published by staff. */
  source: 'shipped' | 'published';
  publishedAt: string;
  publishedBy: string;
}

/** One version: its summary, the document as shipped or published, and its parsed form. */
export interface PolicyVersion<P> {
  summary: VersionSummary;
  raw: unknown;
  policy: P;
}

export const keyParts = (kind: PolicyKind<never> | PolicyKind<unknown>, key: PolicyKey): string[] => [
  key.region,
  ...kind.keyFields.map((f) => String(key[f])),
];

export const sameKey = (kind: PolicyKind<never> | PolicyKind<unknown>, a: PolicyKey, b: PolicyKey): boolean =>
  keyParts(kind, a).join('#') === keyParts(kind, b).join('#');

export function summaryOf<P>(
  kind: PolicyKind<P>,
  policy: P,
  source: VersionSummary['source'],
  publishedAt: string,
  publishedBy: string,
): VersionSummary {
  const h = kind.header(policy);
  const key = kind.keyOf(policy);
  return {
    kind: kind.kind,
    ...key,
    region: h.region,
    version: h.version,
    effectiveFrom: h.effectiveFrom,
    ...(h.effectiveTo ? { effectiveTo: h.effectiveTo } : {}),
    ...kind.describe?.(policy),
    source,
    publishedAt,
    publishedBy,
  };
}

/** Oldest first: by effective date, then version. */
export const byEffectiveDate = (a: { effectiveFrom: string; version: number }, b: { effectiveFrom: string; version: number }) =>
  a.effectiveFrom.localeCompare(b.effectiveFrom) || a.version - b.version;

/**
 * The version in force on `date`: the newest effective date on or before it (then the highest
 * version), unless that version's own end date has passed. A later version supersedes an earlier one
 * from its effective date; nothing older comes back once the newest has ended.
 */
export function pickInForce<V extends { summary: { effectiveFrom: string; version: number; effectiveTo?: string } }>(
  versions: readonly V[],
  date: string,
): V | undefined {
  const newest = versions.filter((v) => v.summary.effectiveFrom <= date).sort((a, b) => byEffectiveDate(b.summary, a.summary))[0];
  if (!newest || (newest.summary.effectiveTo !== undefined && newest.summary.effectiveTo < date)) return undefined;
  return newest;
}

/** The date a year's policy is read on: the later of its first day and today (a year's policy as known now). */
export const yearPolicyDate = (year: number, today: string): string => {
  const first = `${year}-01-01`;
  return today > first ? today : first;
};

const shippedCache = new WeakMap<object, PolicyVersion<unknown>[]>();

/**
 * A kind's shipped documents, parsed once. A file that does not parse, or lies in the wrong folder,
 * is a build fault and throws naming the file: it fails at the first read, never settles anything.
 */
export function shippedVersions<P>(kind: PolicyKind<P>): PolicyVersion<P>[] {
  let versions = shippedCache.get(kind) as PolicyVersion<P>[] | undefined;
  if (!versions) {
    versions = Object.entries(kind.shipped).map(([file, raw]) => {
      const parsed = kind.schema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new Error(`${file} is not a valid ${kind.kind} policy: ${first?.path.join('.')}: ${first?.message}`);
      }
      const expected = `policies/${kind.kind}/${kind.fileOf(parsed.data)}`;
      if (file !== expected) throw new Error(`${file} holds what belongs in ${expected}`);
      return { summary: summaryOf(kind, parsed.data, 'shipped', 'build', `seed:policies/${kind.kind}`), raw, policy: parsed.data };
    });
    shippedCache.set(kind, versions as PolicyVersion<unknown>[]);
  }
  return versions;
}

/** Shipped versions under one key, oldest first. */
export const shippedUnder = <P>(kind: PolicyKind<P>, key: PolicyKey): PolicyVersion<P>[] =>
  shippedVersions(kind)
    .filter((v) => sameKey(kind, kind.keyOf(v.policy), key))
    .sort((a, b) => byEffectiveDate(a.summary, b.summary));

/** The shipped version in force on a date under a key (tests, benchmarks, tools: no table). */
export const shippedInForce = <P>(kind: PolicyKind<P>, key: PolicyKey, date: string): P | undefined =>
  pickInForce(shippedUnder(kind, key), date)?.policy;

/** Every shipped policy of a kind, parsed. */
export const shippedPolicies = <P>(kind: PolicyKind<P>): P[] => shippedVersions(kind).map((v) => v.policy);

/** A kind's shipped documents by their path below policies/<kind>/ (e.g. 532500/2025.json). */
export const shippedFiles = (kind: PolicyKind<unknown> | PolicyKind<never>): Readonly<Record<string, unknown>> =>
  Object.fromEntries(Object.entries(kind.shipped).map(([path, raw]) => [path.slice(`policies/${kind.kind}/`.length), raw]));
