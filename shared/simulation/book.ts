/**
 * The policies a simulation settles under (pure): for each scheme of the window the benefit
 * versions of the year (the one in force on a claim's settlement date is picked as the live path
 * picks it), the region's DRG versions, DIP catalogues and year-end terms of the year, and the draft. Carried as raw documents (a
 * worker thread or a partition's Lambda receives plain data) and compiled where they are used, by
 * the registry's own kind schemas, so the simulation reads exactly what settlement would read.
 */
import type { SettlementPolicy } from '../budget/policy.ts';
import { benefitsKind } from '../policy/benefits.ts';
import { yearEndKind } from '../policy/year-end.ts';
import { catalogueDraftSchema, readCatalogueDraft, type CatalogueDraft } from './catalogue-draft.ts';
import { dipKind } from '../policy/dip.ts';
import { drgKind } from '../policy/drg.ts';
import type { DipPolicy } from '../dip/policy.ts';
import { pickInForce, type PolicyKind } from '../policy/registry.ts';
import type { DrgPolicy } from '../drg/policy.ts';
import type { BenefitPolicy } from '../settlement/policy.ts';
import type { DraftKind, SimulationWindow } from './request.ts';

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
  /** The region's year-end terms of the year (empty: none). */
  yearEnd?: RawVersion[];
  draft: { kind: DraftKind; raw: unknown };
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
  /** The year-end terms in force at the window's end (the year-end settles the year under one version), and the draft's. */
  yearEndInForce?: SettlementPolicy;
  yearEndDraft?: SettlementPolicy;
  catalogueDraft?: CatalogueDraft;
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
  // Looked up for every claim on both sides: by scheme, then date (no key string made per claim).
  const cache = { employee: new Map<string, BenefitPolicy | undefined>(), resident: new Map<string, BenefitPolicy | undefined>() };
  const drgCache = new Map<string, DrgPolicy | undefined>();
  const book: PolicyBook = {
    window: spec.window,
    benefitsInForce(scheme, date) {
      const byDate = cache[scheme];
      let policy = byDate.get(date);
      if (policy === undefined && !byDate.has(date)) {
        policy = pickInForce(benefits[scheme], date)?.policy;
        byDate.set(date, policy);
      }
      return policy;
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
  const yearEnd = pickInForce(compile(yearEndKind, spec.yearEnd ?? []), spec.window.to)?.policy;
  if (yearEnd) book.yearEndInForce = yearEnd;
  if (spec.draft.kind === 'benefits') book.benefitsDraft = benefitsKind.schema.parse(spec.draft.raw);
  else if (spec.draft.kind === 'drg') book.drgDraft = drgKind.schema.parse(spec.draft.raw);
  else if (spec.draft.kind === 'dip') book.dipDraft = dipKind.schema.parse(spec.draft.raw);
  else if (spec.draft.kind === 'year-end') book.yearEndDraft = yearEndKind.schema.parse(spec.draft.raw);
  else {
    const read = readCatalogueDraft(catalogueDraftSchema.parse(spec.draft.raw));
    if ('problems' in read) throw new Error(`catalogue draft: ${read.problems[0]!.field}: ${read.problems[0]!.message}`);
    book.catalogueDraft = read.draft;
  }
  return book;
}
