import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

const counts = z.object({
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  changed: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
});

/**
 * A catalogue version (医保目录, shared/catalogue) was published: committed in the same transaction
 * as its header, so it exists exactly when the version does. It carries the version and what it
 * changed (counts), not its entries: a consumer that needs them reads the catalogue in force through
 * the API (GET /v1/catalogues/{region}/download). Publishing the same job again publishes nothing new.
 */
export const CataloguePublished = defineEvent({
  source: EventSource.catalogue,
  detailType: DetailType.cataloguePublished,
  schemaVersion: 1,
  payload: z
    .object({
      /** 000000 for the national list; the audit trail shows a region's event to its regulators. */
      region: z.string().regex(/^\d{6}$/, 'a 6-digit region code'),
      version: z.number().int().positive(),
      effectiveFrom: z.iso.date(),
      effectiveTo: z.iso.date().optional(),
      title: z.string().min(1),
      importId: z.string().min(1),
      contentHash: z.string().min(1),
      entries: z.number().int().nonnegative(),
      /** Against the version of the region in force on effectiveFrom (none: everything added). */
      diff: counts,
    })
    .strict(),
});
