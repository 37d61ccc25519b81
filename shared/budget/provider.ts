/**
 * A provider in the register (定点医药机构): what settlement reads (level, region: see
 * shared/settlement/store/providers.ts) and what budgets and runs need (its region, to pool its
 * points; its kind, for reports). Staff register providers with POST /v1/providers.
 */
import * as z from 'zod';
import { hospitalLevels } from '../../events/claims.ts';
import { providerCodeSchema, regionSchema } from './budget.ts';

export const PROVIDER_KINDS = ['hospital', 'township-centre', 'community-centre', 'village-clinic', 'pharmacy', 'other'] as const;

export const providerInputSchema = z.strictObject({
  providerCode: providerCodeSchema,
  name: z.string().min(1).max(100),
  region: regionSchema,
  level: z.enum(hospitalLevels),
  kind: z.enum(PROVIDER_KINDS).default('hospital'),
});
export type ProviderProfile = z.output<typeof providerInputSchema>;
