/**
 * The policies a simulation settles under (pure): for each scheme of the window the benefit
 * versions of the year (the one in force on a claim's settlement date is picked as the live path
 * picks it), the region's DRG versions and DIP catalogues of the year, and the draft. Carried as raw documents (a
 * worker thread or a partition's Lambda receives plain data) and compiled where they are used, by
 * the registry's own kind schemas, so the simulation reads exactly what settlement would read.
 */
import { benefitsKind } from '../policy/benefits.ts';
import { dipKind } from '../policy/dip.ts';
import { drgKind } from '../policy/drg.ts';
import type { DipPolicy } from '../dip/policy.ts';
import { pickInForce, type PolicyKind } from '../policy/registry.ts';
import type { DrgPolicy } from '../drg/policy.ts';
import type { BenefitPolicy } from '../settlement/policy.ts';
import type { SimulationWindow } from './request.ts';

/** One version as the registry holds it: its dates and the document as published (or shipped). */
export interface RawVersion {
  version: number;
  effectiveFrom: string;
  effectiveTo?: string | undefined;
  raw: unknown;
}

export interface BookSpec {
  window: SimulationWindow;
  /** Benefit versions of the window's year, per scheme the window reads. */
  benefits: Partial<Record<'employee' | 'resident', RawVersion[]>>;
  /** The region's DRG versions of the year (empty: the year is not DRG-paid). */
  drg: RawVersion[];
  /** The region's DIP catalogues of the year (empty: none). */
  dip?: RawVersion[];
  draft: { kind: 'benefits' | 'drg' | 'dip'; raw: unknown };
}

interface Compiled<P> {
  summary: { version: number; effectiveFrom: string; effectiveTo?: string };
  policy: P;
}

export interface PolicyBook {
  window: SimulationWindow;
  benefitsInForce(scheme: 'employee' | 'resident', date: string): BenefitPolicy | undefined;
  drgInForce(date: string): DrgPolicy | undefined;
  dipInForce(date: string): DipPolicy | undefined;
  /** The benefit draft, when the draft is one, and the scheme it is for. */
  benefitsDraft?: BenefitPolicy;
  drgDraft?: DrgPolicy;
  dipDraft?: DipPolicy;
}

function compile<P>(kind: PolicyKind<P>, versions: readonly RawVersion[]): Compiled<P>[] {
  return versions.map((v) => ({
    summary: { version: v.version, effectiveFrom: v.effectiveFrom, ...(v.effectiveTo ? { effectiveTo: v.effectiveTo } : {}) },
    policy: kind.schema.parse(v.raw),
  }));
}

/** Compiles a spec; the draft was validated before the run, so a failure here is a defect, not input. */
export function compileBook(spec: BookSpec): PolicyBook {
  const benefits = {
    employee: compile(benefitsKind, spec.benefits.employee ?? []),
    resident: compile(benefitsKind, spec.benefits.resident ?? []),
  };
  const drg = compile(drgKind, spec.drg);
  const dip = compile(dipKind, spec.dip ?? []);
  const dipCache = new Map<string, DipPolicy | undefined>();
  const cache = new Map<string, BenefitPolicy | undefined>();
  const drgCache = new Map<string, DrgPolicy | undefined>();
  const book: PolicyBook = {
    window: spec.window,
    benefitsInForce(scheme, date) {
      const key = `${scheme}#${date}`;
      if (!cache.has(key)) cache.set(key, pickInForce(benefits[scheme], date)?.policy);
      return cache.get(key);
    },
    drgInForce(date) {
      if (!drgCache.has(date)) drgCache.set(date, pickInForce(drg, date)?.policy);
      return drgCache.get(date);
    },
    dipInForce(date) {
      if (!dipCache.has(date)) dipCache.set(date, pickInForce(dip, date)?.policy);
      return dipCache.get(date);
    },
  };
  if (spec.draft.kind === 'benefits') book.benefitsDraft = benefitsKind.schema.parse(spec.draft.raw);
  else if (spec.draft.kind === 'drg') book.drgDraft = drgKind.schema.parse(spec.draft.raw);
  else book.dipDraft = dipKind.schema.parse(spec.draft.raw);
  return book;
}
