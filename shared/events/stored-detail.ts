/**
 * How an event's detail is kept in a table when it is long: gzipped. DynamoDB bills writes by the
 * kilobyte (again for each index copy, twice in a transaction), and a settled claim's event carries
 * its lines: about 3.5 KB of JSON for 30 lines, about 1 KB gzipped. Below the threshold an item costs
 * one write unit either way, and the plain form stays readable in the console. The outbox and the
 * audit archive both keep details this way.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** A detail of more bytes than this (as JSON text) is stored gzipped. */
export const GZIP_DETAIL_OVER_BYTES = 800;

/** The detail's JSON text gzipped when it is over the threshold; undefined when it is stored as it is. */
export function gzippedWhenLong(json: string): Uint8Array | undefined {
  return Buffer.byteLength(json) > GZIP_DETAIL_OVER_BYTES ? gzipSync(json) : undefined;
}

/** The JSON text a gzipped detail was made from. */
export const gunzippedText = (bytes: Uint8Array): string => gunzipSync(bytes).toString('utf8');
