/**
 * The provider's level and region from the provider register (providers table, PROFILE item,
 * written by the admin function's provider routes). Settlement trusts only the register for them:
 * the ratio a bill earns depends on the level, so a provider cannot declare its own.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { hospitalLevels } from '../../../events/claims.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import type { ProviderProfile } from '../member.ts';
import { SettlementRefusal } from '../statement.ts';

export const providerProfileKey = (code: string) => ({ pk: `PROVIDER#${code}`, sk: 'PROFILE' });

/** What settlement reads of a profile; the register may hold much more. */
const profileSchema = z.object({
  level: z.enum(hospitalLevels),
  region: z.string().regex(/^\d{6}$/),
  poolingRegion: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});

/**
 * Profiles found, kept for the container's life: a registration is written once and never changed
 * (shared/budget/store/register.ts puts it only where the code is free; the same code with other
 * details is refused), so a profile read is the profile, and settlement reads each provider once per
 * container instead of once a minute. A provider not (yet) registered is never cached.
 */
const KEPT = 10_000;
const cache = new Map<string, ProviderProfile>();

export async function loadProvider(code: string): Promise<ProviderProfile> {
  const hit = cache.get(code);
  if (hit) return hit;
  const out = await dynamoDocumentClient().send(new GetCommand({ TableName: tableName('providers'), Key: providerProfileKey(code) }));
  if (!out.Item)
    throw new SettlementRefusal('providerCode', 'not_registered', `provider ${code} is not in the provider register (定点医药机构)`);
  const parsed = profileSchema.safeParse(out.Item);
  if (!parsed.success) throw new Error(`provider ${code}: the register's profile lacks a level or region settlement can use`);
  const profile = { code, ...parsed.data };
  cache.set(code, profile);
  if (cache.size > KEPT) cache.delete(cache.keys().next().value!);
  return profile;
}
