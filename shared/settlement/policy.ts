/**
 * The benefit policy document (kind = "benefits"): one pooling region, one scheme, one insurance
 * year, one version. Code holds the mechanisms of settlement; this document holds every number and
 * every regional choice of mechanism (how a deductible repeats, which base a band is measured on,
 * whether 乙类先行自付 enters the catastrophic base…), so a new region or year is a new document,
 * never new code.
 *
 * Written as the papers write it: ratios as percent strings ("85%", "-10%" for a reduction), money
 * as yuan (3070 or "3070.50"). Parsing turns them into basis points and integer fen, so the engine
 * never sees a float. Every rule carries its `basis` (the one citation shape of every kind): the
 * clause of a paper listed in `sources`, by its id, or `illustrative` with the reason, so a figure the papers leave out can never pass for policy.
 */
import * as z from 'zod';
import { personalAccountTermsSchema } from '../accounts/policy.ts';
import { checkCitations } from '../policy/citations.ts';
import { basisSchema, policyHeader, policyYear } from '../policy/document-header.ts';
import { hospitalLevels, itemClasses, visitTypes } from '../../events/claims.ts';
import { percent, yuan } from '../policy/units.ts';

export type VisitType = (typeof visitTypes)[number];
export type HospitalLevel = (typeof hospitalLevels)[number];
export type ItemClass = (typeof itemClasses)[number];

/** The kinds of line a bill may carry (the event contract documents the same list). */
export const lineCategories = [
  'drug',
  'tcm-herbal',
  'tcm-patent',
  'tcm-service',
  'material',
  'exam',
  'lab',
  'treatment',
  'surgery',
  'bed',
  'nursing',
  'other',
] as const;
export type LineCategory = (typeof lineCategories)[number];

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

// Ratios and money as the papers write them: shared/policy/units.ts (one definition for every document).

/** One value for every hospital level, or one per level. */
const byLevel = <S extends z.ZodType>(value: S) => z.union([value, z.strictObject({ primary: value, secondary: value, tertiary: value })]);
export type ByLevel<T> = T | Record<HospitalLevel, T>;

export function atLevel<T>(value: ByLevel<T>, level: HospitalLevel): T {
  if (value !== null && typeof value === 'object' && 'primary' in (value as object)) return (value as Record<HospitalLevel, T>)[level];
  return value as T;
}

const ruleId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,47}$/,
    'a rule id: lower-case letters, digits and dashes (it names year-to-date counters, keep it stable across versions)',
  );
const code = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'a code: lower-case letters, digits and dashes');

// ---------------------------------------------------------------------------------------------
// Where a figure comes from
// ---------------------------------------------------------------------------------------------

// One shape for every kind of policy document (shared/policy/document-header.ts): the clause of a
// listed source, by its id, or `illustrative` with the reason. Re-exported for the engine and statements.
export { basisSchema, type Basis } from '../policy/document-header.ts';
export { forEachBasis } from '../policy/citations.ts';

// ---------------------------------------------------------------------------------------------
// Conditions: when a rule applies
// ---------------------------------------------------------------------------------------------

/** Every listed field must hold; an empty condition always holds. */
export const conditionSchema = z.strictObject({
  visitTypes: z.array(z.enum(visitTypes)).min(1).optional(),
  levels: z.array(z.enum(hospitalLevels)).min(1).optional(),
  /** The provider lies in the member's pooling region (市内 / 统筹区内). */
  inRegion: z.boolean().optional(),
  /** The member has an out-of-area registration (异地就医备案) covering the provider's region. */
  outOfAreaRegistered: z.boolean().optional(),
  /** The member has signed a family-doctor contract (家庭医生签约). */
  familyDoctor: z.boolean().optional(),
  /** Age in whole years on the date of service: ageFrom ≤ age < ageBelow. */
  ageFrom: z.number().int().nonnegative().optional(),
  ageBelow: z.number().int().positive().optional(),
  /** Member groups enrolment records, e.g. retired (退休). Any one suffices. */
  memberGroups: z.array(code).min(1).optional(),
  /** The member is in none of these groups (in-service employees: not retired). */
  exceptMemberGroups: z.array(code).min(1).optional(),
  /** Assistance categories valid on the date (特困, 低保…). Any one suffices. */
  categories: z.array(code).min(1).optional(),
  /** The chronic disease (or 两病 disease) the visit is for. */
  diseases: z.array(code).min(1).optional(),
  /** The per-bed-day programme of the stay. */
  programmes: z.array(code).min(1).optional(),
  emergency: z.boolean().optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

// ---------------------------------------------------------------------------------------------
// Items: classes, first self-pay, price limits, special items
// ---------------------------------------------------------------------------------------------

const itemMatchSchema = z
  .strictObject({
    itemCodes: z.array(z.string().min(1)).min(1).optional(),
    itemCodePrefixes: z.array(z.string().min(1)).min(1).optional(),
    categories: z.array(z.enum(lineCategories)).min(1).optional(),
  })
  .refine((m) => m.itemCodes || m.itemCodePrefixes || m.categories, 'name item codes, code prefixes or categories');

export const itemsSchema = z.strictObject({
  /** 乙类先行自付: the share of a 乙 item the patient pays first, before any layer. */
  classB: z.strictObject({
    firstSelfPay: percent(),
    /** Per line category, where a region differs (e.g. materials 20%). */
    byCategory: z.partialRecord(z.enum(lineCategories), percent()).default({}),
    basis: basisSchema,
  }),
  /**
   * Items with their own terms, 甲 or 乙: a first self-pay ratio (imported implants, relaxed exams…)
   * and/or a fund ratio (a negotiated drug the fund pays at 70% wherever it is dispensed…). An item
   * with a fund ratio is paid at that ratio by basic, outside the claim's deductible and
   * coinsurance (its own ratio is its whole coinsurance), within the basic caps.
   */
  special: z
    .array(
      z
        .strictObject({
          id: ruleId,
          name: z.string().min(1),
          match: itemMatchSchema,
          firstSelfPay: percent().optional(),
          fundRatio: percent().optional(),
          basis: basisSchema,
        })
        .refine((s) => s.firstSelfPay !== undefined || s.fundRatio !== undefined, 'a special item sets firstSelfPay, fundRatio or both'),
    )
    .default([]),
  /** Catalogue entries the region sets itself: class, first self-pay, price limit per unit (最高限价). */
  catalogue: z
    .array(
      z.strictObject({
        itemCode: z.string().min(1),
        name: z.string().optional(),
        class: z.enum(itemClasses).optional(),
        firstSelfPay: percent().optional(),
        priceLimit: yuan.optional(),
        /** The item's own fund ratio, outside the claim's deductible and coinsurance (see `special`). */
        fundRatio: percent().optional(),
        basis: basisSchema,
      }),
    )
    .default([]),
  /**
   * A code in no catalogue in force (shared/catalogue): `self-pay` (目录外, the patient's, noted on
   * the line; the default) or `refuse` (the bill is refused naming the line: the region settles only
   * items its catalogue lists, so the hospital must map its items first, 对码). Read only where a
   * catalogue is in force.
   */
  outOfCatalogue: z.strictObject({ mode: z.enum(['self-pay', 'refuse']), basis: basisSchema }).optional(),
});

// ---------------------------------------------------------------------------------------------
// Visit types the policy covers
// ---------------------------------------------------------------------------------------------

const diseaseSchema = z.strictObject({
  code,
  name: z.string().min(1),
  /** ICD-10 医保版 prefixes that identify it on a bill (informative; approval is what entitles). */
  icd10: z.array(z.string().min(1)).default([]),
});

const visitCoverSchema = z.strictObject({
  /** Only these line categories are covered on this visit type; other lines are self-paid. */
  onlyCategories: z.array(z.enum(lineCategories)).min(1).optional(),
  basis: basisSchema,
});

export const visitsSchema = z.strictObject({
  outpatient: visitCoverSchema.optional(),
  'chronic-outpatient': visitCoverSchema
    .extend({
      diseases: z.array(diseaseSchema).min(1),
      /** The member must be approved for the disease (审批通过) to use this cover. */
      requireApproval: z.boolean().default(true),
    })
    .optional(),
  'two-diseases-outpatient': visitCoverSchema
    .extend({
      diseases: z.array(diseaseSchema).min(1),
    })
    .optional(),
  inpatient: visitCoverSchema.optional(),
  'bed-day': visitCoverSchema
    .extend({
      programmes: z
        .array(
          z.strictObject({
            id: code,
            name: z.string().min(1),
            /** The bed-day standard (床日费用标准) per day. */
            standardPerDay: byLevel(yuan),
            /** The patient's share of the standard; the fund pays the rest; cost above it is the institution's. */
            patientShare: percent(),
            basis: basisSchema,
          }),
        )
        .min(1),
    })
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// Layer 2: basic medical insurance
// ---------------------------------------------------------------------------------------------

const bandsSchema = z
  .array(
    z.strictObject({
      /** Upper end of the band (exclusive of what lies above); the last band has none. */
      upTo: yuan.optional(),
      ratio: percent(),
    }),
  )
  .min(1);

/**
 * How a deductible repeats within the year (the counter is per deductible rule id):
 *  - per-claim: the full deductible on every visit or admission;
 *  - by-sequence: the n-th claim pays factors[n-1] of it (the last factor repeats): 100%, 50%, 0%;
 *  - once-a-year: one deductible a year, fixed by the level of the first claim, met cumulatively;
 *  - highest-level: one deductible a year at the highest level reached: a later claim at a higher
 *    level tops up the difference.
 */
export const deductibleRepeatSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('per-claim') }),
  z.strictObject({ mode: z.literal('by-sequence'), factors: z.array(percent()).min(1) }),
  z.strictObject({ mode: z.literal('once-a-year') }),
  z.strictObject({ mode: z.literal('highest-level') }),
]);
export type DeductibleRepeat = z.infer<typeof deductibleRepeatSchema>;

export const basicSchema = z.strictObject({
  /** The first rule whose condition holds sets the claim's deductible (起付线); none → no deductible. */
  deductibles: z
    .array(
      z.strictObject({
        id: ruleId,
        when: conditionSchema.default({}),
        amount: byLevel(yuan),
        repeat: deductibleRepeatSchema,
        basis: basisSchema,
      }),
    )
    .default([]),
  /**
   * Reimbursement ratio: every rule whose condition holds is applied in order. `set` replaces the
   * ratio, `add` adds points (family-doctor +3, out-of-region −10), `bands` makes it vary by band
   * of the amount above the deductible (in the claim, or in the year so far).
   */
  ratios: z
    .array(
      z
        .strictObject({
          id: ruleId,
          when: conditionSchema.default({}),
          set: byLevel(percent()).optional(),
          add: byLevel(percent({ signed: true })).optional(),
          bands: z
            .strictObject({
              measuredOn: z.enum(['claim', 'year']),
              /**
               * Where band limits are read (12.5b): `above-deductible` (the default) on the amount
               * above the deductible; `gross` on the whole covered amount, deductible included
               * (to 10,000 yuan of cost at 80%: a 1,000 deductible uses the first 1,000 of that band).
               */
              limitsOn: z.enum(['above-deductible', 'gross']).default('above-deductible'),
              bands: bandsSchema,
            })
            .optional(),
          basis: basisSchema,
        })
        .refine(
          (r) => [r.set, r.add, r.bands].filter((x) => x !== undefined).length === 1,
          'a ratio rule has exactly one of set, add or bands',
        ),
    )
    .min(1),
  /** Annual caps (封顶线) on what basic pays; every cap whose condition holds applies. */
  caps: z
    .array(
      z.strictObject({
        id: ruleId,
        when: conditionSchema.default({}),
        amount: yuan,
        /** Categories for whom this cap does not apply. */
        exemptCategories: z.array(code).default([]),
        basis: basisSchema,
      }),
    )
    .default([]),
});

// ---------------------------------------------------------------------------------------------
// Cost axes a later layer may read (12.5c)
// ---------------------------------------------------------------------------------------------

/**
 * What a layer measures its deductible and bands on, claim by claim, summed over the year:
 *  - self-pay: what the patient still owes in the layer's base when it runs (the default);
 *  - basic-covered: the policy-covered amount as basic saw it, deductible included;
 *  - basic-burden-within-cap: the patient's share of the covered cost up to where basic's caps
 *    stopped it (deductible + coinsurance inside the cap);
 *  - basic-above-cap: the covered cost beyond that point, which basic's caps left unpaid.
 * A layer reading another layer's axis still pays only out of what the patient owes.
 */
export const costAxes = ['self-pay', 'basic-covered', 'basic-burden-within-cap', 'basic-above-cap'] as const;
export type CostAxis = (typeof costAxes)[number];

// ---------------------------------------------------------------------------------------------
// Layer 3: catastrophic illness insurance (大病保险, for employees 大额医疗费用补助)
// ---------------------------------------------------------------------------------------------

export const catastrophicSchema = z.strictObject({
  /** What statements call the layer: 大病保险 when left out; employees' documents say 职工大额医疗费用补助. */
  name: z.string().min(1).optional(),
  visitTypes: z.array(z.enum(visitTypes)).min(1),
  /** Annual deductible on the year's cumulative base. */
  deductible: yuan,
  /**
   * `gross`: band limits are read on the year's whole base (15,000–50,000 at 60%…);
   * `above-deductible`: on the part above the deductible (first 50,000 above it at 60%…).
   */
  bandsMeasuredOn: z.enum(['gross', 'above-deductible']),
  /** Whether 乙类先行自付 counts in the base, besides the covered self-pay left by basic. */
  includeFirstSelfPay: z.boolean(),
  /** The cost axis its deductible and bands read (12.5c): employees' 大额 often reads `basic-above-cap`. */
  axis: z.enum(costAxes).default('self-pay'),
  bands: bandsSchema,
  /** Annual cap; absent = uncapped. */
  cap: yuan.optional(),
  /** Terms for categories (poor members: deductible halved, ratios raised, no cap). First match wins. */
  categoryTerms: z
    .array(
      z.strictObject({
        id: ruleId,
        categories: z.array(code).min(1),
        /** The category's deductible as a share of the ordinary one. */
        deductibleShare: percent().optional(),
        /** Points added to every band. */
        ratioAdd: percent({ signed: true }).optional(),
        /** No band pays less than this. */
        ratioAtLeast: percent().optional(),
        uncapped: z.boolean().default(false),
        basis: basisSchema,
      }),
    )
    .default([]),
  basis: basisSchema,
});

// ---------------------------------------------------------------------------------------------
// Layer 3b: subsidies (公务员医疗补助 and the like), after catastrophic, before assistance
// ---------------------------------------------------------------------------------------------

export const subsidiesSchema = z.array(
  z.strictObject({
    id: ruleId,
    name: z.string().min(1),
    /** Who and which claims: e.g. memberGroups civil-servant (公务员), visitTypes. */
    when: conditionSchema,
    /** Each part reads a cost axis with its own annual deductible and bands; the plan pays their sum. */
    parts: z
      .array(
        z.strictObject({
          id: ruleId,
          axis: z.enum(costAxes),
          /** 乙类先行自付 counts on the axis too. */
          includeFirstSelfPay: z.boolean().default(false),
          /** Annual deductible on the part's year axis. */
          deductible: yuan.default(0),
          bandsMeasuredOn: z.enum(['gross', 'above-deductible']).default('above-deductible'),
          bands: bandsSchema,
          basis: basisSchema,
        }),
      )
      .min(1),
    /** Annual limit on what the plan pays; absent = none. */
    annualCap: yuan.optional(),
    basis: basisSchema,
  }),
);

// ---------------------------------------------------------------------------------------------
// Layer 4: medical assistance (医疗救助)
// ---------------------------------------------------------------------------------------------

export const assistanceSchema = z.strictObject({
  visitTypes: z.array(z.enum(visitTypes)).min(1),
  includeFirstSelfPay: z.boolean().default(false),
  /** Terms per category; a member in several takes the first listed (list the most generous first). */
  categories: z
    .array(
      z.strictObject({
        id: ruleId,
        categories: z.array(code).min(1),
        /** Annual deductible of the first round. */
        deductible: yuan.default(0),
        ratio: percent(),
        annualLimit: yuan.optional(),
        basis: basisSchema,
      }),
    )
    .min(1),
  /** 重特大疾病: a principal diagnosis on the list is assisted at its own ratio, within its own limit. */
  majorDiseases: z
    .strictObject({
      ratio: percent(),
      annualLimit: yuan.optional(),
      diseases: z
        .array(
          z.strictObject({
            code,
            name: z.string().min(1),
            icd10: z.array(z.string().min(1)).min(1),
            ageBelow: z.number().int().positive().optional(),
            sex: z.enum(['M', 'F']).optional(),
          }),
        )
        .min(1),
      basis: basisSchema,
    })
    .optional(),
  /** A second, tilted round (倾斜救助) on the covered self-pay the first round leaves, above a yearly threshold. */
  tilted: z
    .strictObject({
      categories: z.array(code).min(1),
      threshold: yuan,
      ratio: percent(),
      annualLimit: yuan.optional(),
      basis: basisSchema,
    })
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// Layer 5: supplementary cover and the family self-pay cap
// ---------------------------------------------------------------------------------------------

/** The parts of what the patient still owes that a layer may pay. */
export const baseParts = ['covered', 'firstSelfPay', 'overLimit', 'outOfCatalogue'] as const;
export type BasePart = (typeof baseParts)[number];

export const supplementarySchema = z.array(
  z.strictObject({
    id: ruleId,
    name: z.string().min(1),
    /** Members in any of these plans (enrolled in 惠民保…) or categories are covered. */
    eligibility: z
      .strictObject({
        plans: z.array(code).min(1).optional(),
        categories: z.array(code).min(1).optional(),
      })
      .refine((e) => e.plans || e.categories, 'name plans or categories'),
    visitTypes: z.array(z.enum(visitTypes)).min(1),
    base: z.array(z.enum(baseParts)).min(1),
    deductible: yuan.default(0),
    ratio: percent(),
    annualCap: yuan.optional(),
    basis: basisSchema,
  }),
);

export const familyCapSchema = z.strictObject({
  categories: z.array(code).min(1),
  /**
   * Whose year the cap counts: the whole household's (家庭: every member's counted self-pay in the
   * year, the household the member belongs to on the settlement date; a member in no household is
   * a household of one), or each member's own.
   */
  per: z.enum(['household', 'member']).default('household'),
  /** The most the household (or member) pays in a year on `base`; above it the assistance fund pays everything. */
  annualCap: yuan,
  base: z.array(z.enum(baseParts)).min(1),
  basis: basisSchema,
});

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

export const benefitPolicySchema = z
  .strictObject({
    ...policyHeader('benefits'),
    ...policyYear,
    /** Stable name of the policy line, e.g. zhoushan-resident. */
    id: code,
    title: z.string().min(1),
    scheme: z.enum(['employee', 'resident']),
    /** Free text for the reader: what the document covers and what it leaves out. */
    notes: z.array(z.string()).default([]),
    items: itemsSchema,
    visits: visitsSchema,
    basic: basicSchema,
    catastrophic: catastrophicSchema.optional(),
    subsidies: subsidiesSchema.default([]),
    assistance: assistanceSchema.optional(),
    supplementary: supplementarySchema.default([]),
    familyCap: familyCapSchema.optional(),
    /** Employee scheme: the personal account's terms (credits, family use, the settlement channel): shared/accounts/policy.ts. */
    personalAccount: personalAccountTermsSchema.optional(),
  })
  .superRefine((policy, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (!policy.effectiveFrom.startsWith(String(policy.year))) issue(['effectiveFrom'], 'must fall in the policy year');
    if (policy.effectiveTo) {
      if (!policy.effectiveTo.startsWith(String(policy.year))) issue(['effectiveTo'], 'must fall in the policy year');
      if (policy.effectiveTo < policy.effectiveFrom) issue(['effectiveTo'], 'must not be before effectiveFrom');
    }
    checkCitations(policy, ctx);
    const checkBands = (bands: { upTo?: number }[], path: (string | number)[]) => {
      bands.forEach((band, i) => {
        const last = i === bands.length - 1;
        if (last && band.upTo !== undefined) issue([...path, i, 'upTo'], 'the last band is open-ended: leave out upTo');
        if (!last && band.upTo === undefined) issue([...path, i, 'upTo'], 'every band but the last needs upTo');
        const previous = bands[i - 1]?.upTo;
        if (band.upTo !== undefined && previous !== undefined && band.upTo <= previous) issue([...path, i, 'upTo'], 'bands must rise');
      });
    };
    policy.basic.ratios.forEach((r, i) => {
      if (r.bands) checkBands(r.bands.bands, ['basic', 'ratios', i, 'bands', 'bands']);
    });
    if (policy.catastrophic) checkBands(policy.catastrophic.bands, ['catastrophic', 'bands']);

    const unique = (ids: string[], path: (string | number)[]) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) issue([...path, i, 'id'], `duplicate id ${id}`);
        seen.add(id);
      });
    };
    unique(
      policy.basic.deductibles.map((d) => d.id),
      ['basic', 'deductibles'],
    );
    unique(
      policy.basic.ratios.map((r) => r.id),
      ['basic', 'ratios'],
    );
    unique(
      policy.basic.caps.map((c) => c.id),
      ['basic', 'caps'],
    );
    unique(
      policy.supplementary.map((s) => s.id),
      ['supplementary'],
    );
    unique(
      policy.subsidies.map((s) => s.id),
      ['subsidies'],
    );
    policy.subsidies.forEach((plan, i) => {
      plan.parts.forEach((part, j) => checkBands(part.bands, ['subsidies', i, 'parts', j, 'bands']));
      unique(
        plan.parts.map((p) => p.id),
        ['subsidies', i, 'parts'],
      );
    });
  });

/** The document as staff write and publish it (percent strings, yuan). */
export type BenefitPolicyDocument = z.input<typeof benefitPolicySchema>;
/** The document as the engine reads it (basis points, fen). */
export type BenefitPolicy = z.output<typeof benefitPolicySchema>;

/** Parses a document; the caller decides how to report problems (400 at the API, a thrown error at seeding). */
export function parseBenefitPolicy(document: unknown) {
  return benefitPolicySchema.safeParse(document);
}
