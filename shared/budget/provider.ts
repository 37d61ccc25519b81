/**
 * A provider in the register (定点医药机构): what settlement reads (level, region: see
 * shared/settlement/store/providers.ts) and what budgets and runs need (its region, to pool its
 * points; its kind, for reports). Staff register providers with POST /v1/providers.
 */
import * as z from 'zod';
import { hospitalLevels } from '../../events/claims.ts';
import { coversPlace } from '../policy/pooling.ts';
import { providerCodeSchema, regionSchema } from './budget.ts';

/** care-institution: a nursing home or home-care provider (定点护理机构) certified for long-term care (functions/long-term-care). */
export const PROVIDER_KINDS = [
  'hospital',
  'township-centre',
  'community-centre',
  'village-clinic',
  'pharmacy',
  'care-institution',
  'other',
] as const;

export const providerInputSchema = z
  .strictObject({
    providerCode: providerCodeSchema,
    name: z.string().min(1).max(100),
    /** Where it stands: any code level (a district 330902, a city 330900). */
    region: regionSchema,
    /**
     * The pooling region that pays it (统筹区), when the agency says so; otherwise the register
     * resolves it: the most local of the region's codes holding policies (shared/policy/pooling.ts).
     */
    poolingRegion: regionSchema.optional(),
    level: z.enum(hospitalLevels),
    kind: z.enum(PROVIDER_KINDS).default('hospital'),
  })
  // A malformed code is already refused by its own field: coversPlace is asked only about codes.
  .refine(
    (p) =>
      p.poolingRegion === undefined ||
      !/^\d{6}$/.test(p.poolingRegion) ||
      !/^\d{6}$/.test(p.region) ||
      coversPlace(p.poolingRegion, p.region),
    {
      path: ['poolingRegion'],
      message: 'the pooling region must be the region itself or a code above it (its city or province)',
    },
  );
export type ProviderInput = z.output<typeof providerInputSchema>;
/** A registered provider: its pooling region always resolved. */
export type ProviderProfile = ProviderInput & { poolingRegion: string };
