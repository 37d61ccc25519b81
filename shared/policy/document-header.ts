import * as z from 'zod';

/**
 * One citation, the same in every kind of policy document: which paper (title, 文号), who issued it
 * and when, which clauses are relied on, where its text is, and whether the figures resting on it
 * are the paper's own or illustrative stand-ins.
 */
export const policySourceSchema = z
  .strictObject({
    /** How the document's sections and figures cite it. */
    id: z.string().min(1),
    title: z.string().min(1),
    /** 文号, e.g. 金医保发〔2023〕19号; null where the paper prints none (then `note` says so, and what it implements). */
    documentNo: z.string().min(1).nullable(),
    issuer: z.string().min(1),
    /** When it was issued or published, as precisely as the paper gives it (2023-06-30, or 2023). */
    date: z.string().min(1),
    /** When it took effect, where that differs from its date. */
    effective: z.string().min(1).optional(),
    /** The clauses or articles relied on, e.g. 六(三)2, 第十五条、第三十八条. */
    clause: z.string().min(1).optional(),
    /** Where the text is: a seed paper (domain/seeds/…), or a public reference. */
    where: z.string().min(1),
    /** Cited for its mechanism only: the figures that rest on it here are illustrative. */
    illustrative: z.boolean().optional(),
    note: z.string().min(1).optional(),
  })
  .refine((s) => s.documentNo !== null || s.note !== undefined, {
    message: 'cite the 文号, or say in note why the paper prints none',
    path: ['documentNo'],
  });
export type PolicySource = z.infer<typeof policySourceSchema>;

const region = z.string().regex(/^\d{6}$/, 'a 6-digit region code');

/**
 * The header every policy document opens with, whatever its kind: which kind, region and version it
 * is, when it takes effect (and, if it says so, ends), what a reader must know first, and the papers
 * it cites. A kind kept per year adds `year` (`policyYear`).
 */
export function policyHeader<K extends string>(kind: K) {
  return {
    kind: z.literal(kind),
    region,
    regionName: z.string().min(1),
    version: z.number().int().positive(),
    effectiveFrom: z.iso.date(),
    effectiveTo: z.iso.date().optional(),
    /** What a reader must know first, e.g. which figures are illustrative stand-ins. */
    summary: z.string().optional(),
    sources: z.array(policySourceSchema).min(1),
  };
}

/** The insurance year of a kind kept per year. */
export const policyYear = { year: z.number().int().min(2000).max(2100) };

/**
 * Where one figure (or one section of figures) comes from, the same in every kind, always under the
 * key `basis`: the clause of a paper listed in the document's `sources` (by its `id`), or the word
 * `illustrative` with the reason (what the paper leaves out, what was assumed), and, where the
 * stand-in follows a paper's mechanism, that paper's id. A figure the papers leave out can never
 * pass for policy. Settlement statements show a line's basis as it stands here.
 */
export const basisSchema = z.union([
  z.strictObject({
    /** The `id` of an entry in `sources`. */
    source: z.string().min(1),
    /** The clause, quoted or located, that gives the figure. */
    clause: z.string().min(1),
  }),
  z.strictObject({
    /** Why this figure is not from a paper: what the paper leaves out and what was assumed. */
    illustrative: z.string().min(1),
    /** The `id` of the paper whose mechanism the stand-in follows, if one does. */
    source: z.string().min(1).optional(),
  }),
]);
export type Basis = z.infer<typeof basisSchema>;
