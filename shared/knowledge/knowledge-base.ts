/**
 * The knowledge base (知识库) as the audit rules read it: the layers in force for a region on a date
 * (national → province → pooling region) merged into one object with code indexes, built once per
 * set of versions and shared by every claim scored with it. Pure.
 *
 * How a rule reads it: the engine passes it beside the rule's parameters
 * (`evaluate(claim, params, { knowledge, … })`, shared/fraud/rules/define.ts); a rule asks it about
 * the codes of the claim (`indications('item', code)`, `quantityLimit(code)`, `diseaseGroupsOf(dx)`…)
 * and also honours any short list its own parameters still carry (a region's local addition).
 * How the scorer loads it: `knowledgeLookup()` (shared/policy/store/knowledge-lookup.ts) gives
 * `(region, date) => KnowledgeBase`, cached per set of versions; `scoreClaim(catalogue, claim,
 * { …, knowledge })`. Without one, `EMPTY_KNOWLEDGE` (the rules' own parameters only).
 */
import { anyMatches, CodeIndex, type CodeSystem } from './codes.ts';
import {
  SECTION_KEYS,
  SECTIONS,
  type Bundle,
  type DiseaseGroup,
  type Exclusion,
  type FrequentTreatment,
  type Indication,
  type KnowledgeDocument,
  type LevelLimit,
  type LongPrescription,
  type PriceLimit,
  type QuantityLimit,
  type SexAge,
} from './document.ts';

/** Which layer versions a knowledge base was built from (what a score names). */
export interface KnowledgeRef {
  region: string;
  version: number;
  effectiveFrom: string;
}

export type Level = 'primary' | 'secondary' | 'tertiary';

type Merged = { [S in keyof typeof SECTION_KEYS]: Parameters<(typeof SECTION_KEYS)[S]>[0][] };

/** Merges layers (most local first): an entry of a more local layer replaces the one with its key. */
export function mergeLayers(
  layers: readonly KnowledgeDocument[],
): Merged & { outpatientTreatable: string[]; transferDischargeModes: string[] } {
  const out = {} as Record<string, unknown[]>;
  for (const section of SECTIONS) {
    const byKey = new Map<string, unknown>();
    const key = SECTION_KEYS[section] as (e: unknown) => string;
    for (const layer of [...layers].reverse()) for (const e of layer[section] as unknown[]) byKey.set(key(e), e);
    out[section] = [...byKey.values()];
  }
  const union = (pick: (d: KnowledgeDocument) => string[]) => [...new Set(layers.flatMap(pick))];
  return {
    ...(out as unknown as Merged),
    outpatientTreatable: union((d) => d.outpatientTreatable),
    transferDischargeModes: union((d) => d.transferDischargeModes),
  };
}

function indexOf<T>(system: CodeSystem, entries: readonly T[], codes: (e: T) => readonly string[]): CodeIndex<T> {
  const index = new CodeIndex<T>(system);
  for (const e of entries) for (const c of codes(e)) index.add(c, e);
  return index;
}

const systemOf = (on: 'item' | 'diagnosis' | 'procedure'): CodeSystem => on;

export class KnowledgeBase {
  readonly versions: KnowledgeRef[];
  private readonly merged: ReturnType<typeof mergeLayers>;
  private readonly indicationIndex: Record<'item' | 'procedure', CodeIndex<Indication>>;
  private readonly sexAgeIndex: Record<'item' | 'diagnosis' | 'procedure', CodeIndex<SexAge>>;
  private readonly levelIndex: CodeIndex<LevelLimit>;
  private readonly priceIndex: CodeIndex<PriceLimit>;
  private readonly quantityIndex: CodeIndex<QuantityLimit>;
  private readonly exclusionIndex: CodeIndex<Exclusion>;
  private readonly bundleIndex: CodeIndex<Bundle>;
  private readonly componentIndex: CodeIndex<Bundle>;
  private readonly treatmentByItem: CodeIndex<FrequentTreatment>;
  private readonly treatmentByDiagnosis: CodeIndex<FrequentTreatment>;
  private readonly longRxIndex: CodeIndex<LongPrescription>;
  private readonly groupIndex: CodeIndex<DiseaseGroup>;
  private readonly outpatientIndex: CodeIndex<true>;
  private readonly transferModes: ReadonlySet<string>;
  private readonly courses: ReadonlyMap<string, FrequentTreatment>;

  /** `layers` most local first (330902, 330900, 330000, 000000), each the version in force. */
  constructor(layers: readonly KnowledgeDocument[]) {
    this.versions = layers.map((l) => ({ region: l.region, version: l.version, effectiveFrom: l.effectiveFrom }));
    const m = mergeLayers(layers);
    this.merged = m;
    this.indicationIndex = {
      item: indexOf(
        'item',
        m.indications.filter((e) => e.on === 'item'),
        (e) => [e.code],
      ),
      procedure: indexOf(
        'procedure',
        m.indications.filter((e) => e.on === 'procedure'),
        (e) => [e.code],
      ),
    };
    this.sexAgeIndex = {
      item: indexOf(
        'item',
        m.sexAge.filter((e) => e.on === 'item'),
        (e) => [e.code],
      ),
      diagnosis: indexOf(
        'diagnosis',
        m.sexAge.filter((e) => e.on === 'diagnosis'),
        (e) => [e.code],
      ),
      procedure: indexOf(
        'procedure',
        m.sexAge.filter((e) => e.on === 'procedure'),
        (e) => [e.code],
      ),
    };
    this.levelIndex = indexOf('item', m.levels, (e) => [e.code]);
    this.priceIndex = indexOf('item', m.priceLimits, (e) => [e.code]);
    this.quantityIndex = indexOf('item', m.quantityLimits, (e) => [e.code]);
    this.exclusionIndex = indexOf('item', m.exclusions, (e) => e.codes);
    this.bundleIndex = indexOf('item', m.bundles, (e) => [e.bundleCode]);
    this.componentIndex = indexOf('item', m.bundles, (e) => e.componentCodes);
    this.treatmentByItem = indexOf('item', m.frequentTreatments, (e) => e.items);
    this.treatmentByDiagnosis = indexOf('diagnosis', m.frequentTreatments, (e) => e.diagnoses);
    this.longRxIndex = indexOf('diagnosis', m.longPrescriptions, (e) => e.diagnoses);
    this.groupIndex = indexOf('diagnosis', m.diseaseGroups, (e) => e.diagnoses);
    this.outpatientIndex = new CodeIndex<true>('diagnosis');
    for (const c of m.outpatientTreatable) this.outpatientIndex.add(c, true);
    this.transferModes = new Set(m.transferDischargeModes);
    this.courses = new Map(m.frequentTreatments.map((t) => [t.id, t]));
  }

  /** Entries per section (the route and the README's counts). */
  get counts(): Record<string, number> {
    const m = this.merged;
    return {
      ...Object.fromEntries(SECTIONS.map((s) => [s, (m[s] as unknown[]).length])),
      outpatientTreatable: m.outpatientTreatable.length,
      transferDischargeModes: m.transferDischargeModes.length,
    };
  }

  /** The most specific indication entry for an item or procedure, if the base has one. */
  indication(on: 'item' | 'procedure', code: string): Indication | undefined {
    return this.indicationIndex[on].find(code)[0];
  }

  /** Every sex/age limit naming the code (a category and a code under it may both limit). */
  sexAge(on: 'item' | 'diagnosis' | 'procedure', code: string): SexAge[] {
    return this.sexAgeIndex[systemOf(on) as typeof on].find(code);
  }

  minLevel(itemCode: string): LevelLimit | undefined {
    return this.levelIndex.find(itemCode)[0];
  }

  /** The price limit for the provider's level, else the one for every level; the most specific code first. */
  priceLimit(itemCode: string, level: Level | undefined): PriceLimit | undefined {
    const found = this.priceIndex.find(itemCode);
    return found.find((p) => p.level !== undefined && p.level === level) ?? found.find((p) => p.level === undefined);
  }

  quantityLimit(itemCode: string): QuantityLimit | undefined {
    return this.quantityIndex.find(itemCode)[0];
  }

  exclusionsOf(itemCode: string): Exclusion[] {
    return this.exclusionIndex.find(itemCode);
  }

  /** The bundles a line may take part in: as the bundle itself, or as one of its components. */
  bundlesTouching(itemCode: string): Bundle[] {
    return [...this.bundleIndex.find(itemCode), ...this.componentIndex.find(itemCode)];
  }

  /** The legitimately frequent treatments a visit or stay is a session of, by its items or its principal diagnosis. */
  frequentTreatments(visit: { principalDiagnosis?: string | undefined; itemCodes?: readonly string[] }): FrequentTreatment[] {
    const found = new Set<FrequentTreatment>();
    for (const code of new Set(visit.itemCodes ?? [])) for (const t of this.treatmentByItem.find(code)) found.add(t);
    if (visit.principalDiagnosis) for (const t of this.treatmentByDiagnosis.find(visit.principalDiagnosis)) found.add(t);
    return [...found];
  }

  /** The first of them (a visit is rarely a session of two courses). */
  frequentTreatment(visit: { principalDiagnosis?: string | undefined; itemCodes?: readonly string[] }): FrequentTreatment | undefined {
    return this.frequentTreatments(visit)[0];
  }

  /** A course by its id (what a past visit's summary records). */
  course(id: string): FrequentTreatment | undefined {
    return this.courses.get(id);
  }

  /** A planned stay: one for a course the knowledge base marks plannedStays (chemotherapy, radiotherapy, dialysis). */
  plannedStay(visit: { principalDiagnosis?: string | undefined; itemCodes?: readonly string[] }): FrequentTreatment | undefined {
    return this.frequentTreatments(visit).find((t) => t.plannedStays);
  }

  /** The longest supply a chronic disease of the claim allows for this drug (长期处方), if any. */
  longPrescriptionDays(diagnoses: readonly string[], drugCode: string): { days: number; entry: LongPrescription } | undefined {
    let best: { days: number; entry: LongPrescription } | undefined;
    for (const dx of diagnoses) {
      for (const entry of this.longRxIndex.find(dx)) {
        if (entry.drugs && !anyMatches('item', entry.drugs, drugCode)) continue;
        if (!best || entry.maxSupplyDays > best.days) best = { days: entry.maxSupplyDays, entry };
      }
    }
    return best;
  }

  /** The disease groups (related diagnoses) a diagnosis belongs to. */
  diseaseGroupsOf(diagnosis: string): DiseaseGroup[] {
    return this.groupIndex.find(diagnosis);
  }

  /** Whether two diagnoses are the same disease for a readmission: one group holds both. */
  related(a: string, b: string): DiseaseGroup | undefined {
    const groups = this.diseaseGroupsOf(a);
    if (groups.length === 0) return undefined;
    const other = new Set(this.diseaseGroupsOf(b).map((g) => g.id));
    return groups.find((g) => other.has(g.id));
  }

  outpatientTreatable(diagnosis: string): boolean {
    return this.outpatientIndex.find(diagnosis).length > 0;
  }

  /** 离院方式 医嘱转院 (the national discharge-mode code 2, or a region's own spelling). */
  isTransfer(dischargeMode: string | undefined): boolean {
    return dischargeMode !== undefined && this.transferModes.has(dischargeMode.trim());
  }
}

/** No knowledge: every rule judges by its own parameters only (a test, or a region that loaded none). */
export const EMPTY_KNOWLEDGE = new KnowledgeBase([]);
