/**
 * A knowledge-base layer (知识库) as data: the clinical and payment facts the audit rules (规则库)
 * read, one document per region layer and version (kind `knowledge-base`, policies/knowledge-base/
 * <region>/v<n>.json). Layers stack like the catalogue's: the national base (000000), a province's
 * additions (330000), a pooling region's (330900); a more local entry with the same key replaces the
 * national one (knowledge-base.ts). Validated whole when it is loaded or published, so a bad entry is
 * refused with its path, never met while a claim is scored.
 *
 * Codes: items are exact catalogue codes or prefixes ending in `*`; diagnoses and procedures are
 * categories naming every code under them (codes.ts). Every entry may cite its `basis`.
 */
import * as z from 'zod';
import { checkCitations } from '../policy/citations.ts';
import { basisSchema, policyHeader } from '../policy/document-header.ts';

const itemCode = z.string().regex(/^[A-Za-z0-9\-_]+\*?$/, 'an item code, or a prefix ending in *');
const clinicalCode = z.string().regex(/^[A-Za-z0-9.\-_]+\*?$/, 'an ICD code or category (36.07 names 36.0700)');
const level = z.enum(['primary', 'secondary', 'tertiary']);
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'a lower-case id: dialysis, ihd');
const basis = basisSchema.optional();

/** 适应症/禁忌症: an item or procedure the fund pays for with these diagnoses, never with those. */
export const indicationSchema = z
  .strictObject({
    code: z.string().min(1),
    on: z.enum(['item', 'procedure']),
    name: z.string().max(100).optional(),
    /** Any one of these diagnoses makes it indicated; absent: no indication limit. */
    diagnoses: z.array(clinicalCode).min(1).optional(),
    /** A diagnosis that rules it out (禁忌症). */
    contraindications: z.array(clinicalCode).min(1).optional(),
    /** As published (限…患者), shown in the explanation. */
    text: z.string().max(200).optional(),
    basis,
  })
  .refine((e) => e.diagnoses || e.contraindications, 'an indication names diagnoses, contraindications or both')
  .superRefine((e, ctx) => {
    const shape = e.on === 'item' ? itemCode : clinicalCode;
    if (!shape.safeParse(e.code).success) ctx.addIssue({ code: 'custom', path: ['code'], message: `not a ${e.on} code or pattern` });
  });

/** 性别/年龄限定 on an item, a diagnosis or a procedure. */
export const sexAgeSchema = z
  .strictObject({
    code: z.string().min(1),
    on: z.enum(['item', 'diagnosis', 'procedure']),
    name: z.string().max(100).optional(),
    sex: z.enum(['M', 'F']).optional(),
    minAgeYears: z.number().int().nonnegative().optional(),
    maxAgeYears: z.number().int().nonnegative().optional(),
    basis,
  })
  .refine((r) => r.sex !== undefined || r.minAgeYears !== undefined || r.maxAgeYears !== undefined, 'names a sex or an age bound')
  .superRefine((e, ctx) => {
    const shape = e.on === 'item' ? itemCode : clinicalCode;
    if (!shape.safeParse(e.code).success) ctx.addIssue({ code: 'custom', path: ['code'], message: `not a ${e.on} code or pattern` });
  });

/** 限定医疗机构级别. */
export const levelSchema = z.strictObject({ code: itemCode, name: z.string().max(100).optional(), minLevel: level, basis });

/** 最高限价 per unit, by hospital level where the price list differs by level. */
export const priceLimitSchema = z.strictObject({
  code: itemCode,
  name: z.string().max(100).optional(),
  maxUnitPriceFen: z.number().int().nonnegative(),
  level: level.optional(),
  basis,
});

/**
 * Per-day and per-stay maximums (bed days, nursing levels, consultation fees, bedside glucose …):
 * `maxPerDay` units on one day, `maxPerStay` units in a stay, or `'length-of-stay'` (one a day of the
 * stay, the discharge day included when the admission day is not charged: up to LOS + 1).
 */
export const quantityLimitSchema = z
  .strictObject({
    code: itemCode,
    name: z.string().max(100).optional(),
    maxPerDay: z.number().positive().optional(),
    maxPerStay: z.union([z.number().positive(), z.literal('length-of-stay')]).optional(),
    basis,
  })
  .refine((q) => q.maxPerDay !== undefined || q.maxPerStay !== undefined, 'names maxPerDay, maxPerStay or both');

/** Items that exclude each other on one day (two nursing levels, two bed grades). */
export const exclusionSchema = z.strictObject({
  id,
  name: z.string().min(1).max(100),
  codes: z.array(itemCode).min(2),
  basis,
});

/** 组套: a bundled service and its components (分解收费 when charged with, or instead of, it). */
export const bundleSchema = z.strictObject({
  bundleCode: itemCode,
  name: z.string().max(100).optional(),
  componentCodes: z.array(itemCode).min(1),
  /** Without the bundle on the bill, this many distinct components on one day is a split charge. */
  minComponentsWithoutBundle: z.number().int().min(2).optional(),
  basis,
});

/**
 * A treatment that is legitimately frequent (dialysis three times a week, a radiotherapy course, a
 * rehabilitation course): a visit or stay is one of its sessions when it bills one of `items` or its
 * principal diagnosis is one of `diagnoses`. Sessions are counted against their own maximum, not the
 * visit-frequency rule's, and a stay for it is a planned one (no split stay).
 */
export const frequentTreatmentSchema = z
  .strictObject({
    id,
    name: z.string().min(1).max(100),
    items: z.array(itemCode).default([]),
    diagnoses: z.array(clinicalCode).default([]),
    /** The most sessions in `windowDays` that are still the course (dialysis 3×/week: 14 in 30 days with a make-up session). */
    maxSessions: z.number().int().positive(),
    windowDays: z.number().int().positive().max(366),
    /** Planned readmissions: a stay for this treatment is not a split stay. */
    plannedStays: z.boolean().default(false),
    basis,
  })
  .refine((t) => t.items.length + t.diagnoses.length > 0, 'names items, diagnoses or both');

/** 长期处方: a stable chronic disease allows a longer supply (4 weeks generally, up to 12). */
export const longPrescriptionSchema = z.strictObject({
  id,
  name: z.string().min(1).max(100),
  diagnoses: z.array(clinicalCode).min(1),
  /** The drugs it covers (prefixes); absent: any drug of the prescription. */
  drugs: z.array(itemCode).optional(),
  maxSupplyDays: z.number().int().positive().max(366),
  basis,
});

/** Related diagnoses (not only the same code) for split stays, and categories a rule may name. */
export const diseaseGroupSchema = z.strictObject({
  id,
  name: z.string().min(1).max(100),
  diagnoses: z.array(clinicalCode).min(1),
  basis,
});

export const knowledgeDocumentSchema = z
  .strictObject({
    ...policyHeader('knowledge-base'),
    title: z.string().min(1).max(200),
    indications: z.array(indicationSchema).default([]),
    sexAge: z.array(sexAgeSchema).default([]),
    levels: z.array(levelSchema).default([]),
    priceLimits: z.array(priceLimitSchema).default([]),
    quantityLimits: z.array(quantityLimitSchema).default([]),
    exclusions: z.array(exclusionSchema).default([]),
    bundles: z.array(bundleSchema).default([]),
    frequentTreatments: z.array(frequentTreatmentSchema).default([]),
    longPrescriptions: z.array(longPrescriptionSchema).default([]),
    diseaseGroups: z.array(diseaseGroupSchema).default([]),
    /** Conditions an outpatient visit treats (低标准入院 when admitted for them alone). */
    outpatientTreatable: z.array(clinicalCode).default([]),
    /** Discharge modes (离院方式) that mean a transfer on the doctor's orders (医嘱转院). */
    transferDischargeModes: z.array(z.string().min(1).max(20)).default([]),
  })
  .superRefine((doc, ctx) => {
    checkCitations(doc, ctx);
    const unique = (section: string, keys: string[]) => {
      const seen = new Set<string>();
      keys.forEach((k, i) => {
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [section, i], message: `${k} is listed twice in ${section}` });
        seen.add(k);
      });
    };
    unique(
      'indications',
      doc.indications.map((e) => `${e.on}:${e.code}`),
    );
    unique(
      'sexAge',
      doc.sexAge.map((e) => `${e.on}:${e.code}`),
    );
    unique(
      'levels',
      doc.levels.map((e) => e.code),
    );
    unique(
      'priceLimits',
      doc.priceLimits.map((e) => `${e.code}@${e.level ?? 'any'}`),
    );
    unique(
      'quantityLimits',
      doc.quantityLimits.map((e) => e.code),
    );
    unique(
      'exclusions',
      doc.exclusions.map((e) => e.id),
    );
    unique(
      'bundles',
      doc.bundles.map((e) => e.bundleCode),
    );
    unique(
      'frequentTreatments',
      doc.frequentTreatments.map((e) => e.id),
    );
    unique(
      'longPrescriptions',
      doc.longPrescriptions.map((e) => e.id),
    );
    unique(
      'diseaseGroups',
      doc.diseaseGroups.map((e) => e.id),
    );
  });
export type KnowledgeDocument = z.output<typeof knowledgeDocumentSchema>;
export type KnowledgeDocumentInput = z.input<typeof knowledgeDocumentSchema>;

export type Indication = KnowledgeDocument['indications'][number];
export type SexAge = KnowledgeDocument['sexAge'][number];
export type LevelLimit = KnowledgeDocument['levels'][number];
export type PriceLimit = KnowledgeDocument['priceLimits'][number];
export type QuantityLimit = KnowledgeDocument['quantityLimits'][number];
export type Exclusion = KnowledgeDocument['exclusions'][number];
export type Bundle = KnowledgeDocument['bundles'][number];
export type FrequentTreatment = KnowledgeDocument['frequentTreatments'][number];
export type LongPrescription = KnowledgeDocument['longPrescriptions'][number];
export type DiseaseGroup = KnowledgeDocument['diseaseGroups'][number];

/** The sections of a layer, and the key an entry replaces a less local layer's entry by. */
export const SECTION_KEYS = {
  indications: (e: Indication) => `${e.on}:${e.code}`,
  sexAge: (e: SexAge) => `${e.on}:${e.code}`,
  levels: (e: LevelLimit) => e.code,
  priceLimits: (e: PriceLimit) => `${e.code}@${e.level ?? 'any'}`,
  quantityLimits: (e: QuantityLimit) => e.code,
  exclusions: (e: Exclusion) => e.id,
  bundles: (e: Bundle) => e.bundleCode,
  frequentTreatments: (e: FrequentTreatment) => e.id,
  longPrescriptions: (e: LongPrescription) => e.id,
  diseaseGroups: (e: DiseaseGroup) => e.id,
} as const;
export type SectionName = keyof typeof SECTION_KEYS;
export const SECTIONS = Object.keys(SECTION_KEYS) as SectionName[];
