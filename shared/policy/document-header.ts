import * as z from 'zod';

/**
 * What every policy document (benefits, DRG, settlement…) opens with: which region, year and version
 * it is, when it takes effect, a summary a reader needs first, and the papers it cites. One schema,
 * so every kind of policy cites its sources the same way.
 */
export const policySourceSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  /** 文号, e.g. 金医保发〔2023〕19号; null where the paper carries none (then `note` says so). */
  documentNo: z.string().nullable(),
  issuedBy: z.string(),
  date: z.string(),
  /** Where the text is: a seed paper in domain/seeds/, or a public reference. */
  where: z.string(),
  note: z.string().optional(),
});
export type PolicySource = z.infer<typeof policySourceSchema>;

/** The header fields of a policy document of one kind, to spread into its schema. */
export function policyHeader<K extends string>(kind: K) {
  return {
    kind: z.literal(kind),
    region: z.string().regex(/^\d{6}$/),
    regionName: z.string(),
    year: z.number().int().min(2000).max(2100),
    effectiveFrom: z.iso.date(),
    version: z.number().int().positive(),
    /** What a reader must know first, e.g. which figures are illustrative stand-ins. */
    summary: z.string(),
    sources: z.array(policySourceSchema).min(1),
  };
}
