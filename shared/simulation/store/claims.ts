/**
 * Reads a region's settled claims of a year, partition by partition, into the compact form (the
 * claims table's byRegionYear index, `REGION#<region>#<scheme>#YEAR#<yyyy>#P<nn>`). Only what a
 * replay needs is read: the bill and the inputs kept beside it (gzipped), the status and the totals;
 * never the statement. Read-only: the simulation writes nothing to the claims table.
 */
import { gunzipSync } from 'node:zlib';
import { settlementDate, type Bill } from '../../settlement/bill.ts';
import type { SettledInputs } from '../../settlement/store/claims.ts';
import { regionYearKey, withParts } from '../../settlement/store/claims.ts';
import { queryPages } from '../../runtime/query-all.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { indexReadProjection } from '../../../infra/topology.ts';
import { replayUnit } from '../partition.ts';
import type { CompactClaim, CompactYear } from '../replay.ts';

const unpack = <T>(value: unknown): T => JSON.parse(gunzipSync(value as Uint8Array).toString('utf8')) as T;

/** Builds a compact year, holding each distinct member state, provider and catalogue view once. */
export class CompactYearBuilder {
  readonly year: CompactYear = { claims: [], members: [], providers: [], catalogues: [] };
  private readonly seen = {
    members: new Map<string, number>(),
    providers: new Map<string, number>(),
    catalogues: new Map<string, number>(),
  };

  private intern<K extends 'members' | 'providers' | 'catalogues'>(kind: K, value: CompactYear[K][number]): number {
    const key = JSON.stringify(value);
    let i = this.seen[kind].get(key);
    if (i === undefined) {
      i = (this.year[kind] as unknown[]).push(value) - 1;
      this.seen[kind].set(key, i);
    }
    return i;
  }

  add(bill: Bill, inputs: SettledInputs, scheme: CompactClaim['scheme'], settledAt: string, storedFundPaidFen: number): void {
    const hasCatalogue = Object.keys(inputs.catalogue.byDate).length > 0;
    this.year.claims.push({
      unit: replayUnit(inputs.member),
      order: `${settledAt}#${bill.providerCode}#${bill.claimNo}`,
      scheme,
      bill,
      member: this.intern('members', inputs.member),
      provider: this.intern('providers', inputs.provider),
      catalogue: hasCatalogue ? this.intern('catalogues', inputs.catalogue) : -1,
      storedFundPaidFen,
    });
  }
}

export interface ReadCounts {
  read: number;
  /** Reversed and not settled again: not part of the year any more. */
  reversed: number;
  /** Settled before the engine's inputs were kept beside the bill: they cannot be settled again exactly. */
  withoutInputs: number;
  /** Of those, the ones settled in the window, and the fund paid on them (what the report does not cover). */
  withoutInputsInWindow?: number;
  withoutInputsFundFen?: number;
}

/** Adds the settled claims of the given partitions and schemes to `into`. */
export async function readPartitions(
  window: { region: string; year: number; schemes: readonly ('employee' | 'resident')[]; from?: string; to?: string },
  partitions: readonly number[],
  into: CompactYearBuilder,
): Promise<ReadCounts> {
  const counts: ReadCounts = { read: 0, reversed: 0, withoutInputs: 0, withoutInputsInWindow: 0, withoutInputsFundFen: 0 };
  for (const scheme of window.schemes)
    for (const partition of partitions) {
      const pages = queryPages({
        TableName: tableName('claims'),
        IndexName: 'byRegionYear',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': regionYearKey(window.region, scheme, window.year, partition) },
        // What the index copies, pk, settlementNo and parts among it: a bill too large to keep inline is
        // read back from its parts (withParts).
        ...indexReadProjection('claims', 'byRegionYear'),
      });
      for await (const page of pages)
        for (const projected of page) {
          counts.read += 1;
          if (projected.status !== 'settled') {
            counts.reversed += 1;
            continue;
          }
          const item = await withParts(projected);
          if (!item.inputs) {
            counts.withoutInputs += 1;
            const date = settlementDate(unpack<Bill>(item.bill));
            if ((!window.from || date >= window.from) && (!window.to || date <= window.to)) {
              counts.withoutInputsInWindow! += 1;
              counts.withoutInputsFundFen! += (item.totals as { fundPaidFen: number }).fundPaidFen;
            }
            continue;
          }
          const totals = item.totals as { fundPaidFen: number };
          into.add(unpack<Bill>(item.bill), unpack<SettledInputs>(item.inputs), scheme, item.settledAt as string, totals.fundPaidFen);
        }
    }
  return counts;
}
