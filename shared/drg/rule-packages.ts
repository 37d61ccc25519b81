/**
 * The compiled rule packages, one per grouper version, and the grouper each makes. A package is
 * decoded (base64 → gunzip → JSON → validated → lookup tables) the first time its version is asked
 * for and kept for the life of the process: a Lambda container pays it once, at its first case.
 *
 * The packages are JSON modules so every runtime imports them alike: Node and vitest read the files,
 * the esbuild Lambda bundle inlines them (their payload is one string literal, quick to parse).
 */
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import envelope11 from './packages/chs-drg-1.1.json' with { type: 'json' };
import envelope20 from './packages/chs-drg-2.0.json' with { type: 'json' };
import { Grouper } from './grouper.ts';
import { packageDataSchema, packageEnvelopeSchema, type GrouperVersion, type PackageData, type PackageEnvelope } from './package.ts';
import { buildTables } from './tables.ts';

const ENVELOPES: Record<GrouperVersion, unknown> = { '1.1': envelope11, '2.0': envelope20 };

export function packageEnvelope(version: GrouperVersion): PackageEnvelope {
  return packageEnvelopeSchema.parse(ENVELOPES[version]);
}

/**
 * Unpacks an envelope's payload, checking it is the one the envelope describes.
 *
 * The payload is validated against `packageDataSchema` where it is made (tools/drg-compile.ts parses
 * it before writing) and its SHA-256 is checked here: these are the validated bytes. Parsing it with
 * the schema again would cost a Lambda tens of milliseconds at every cold start and prove nothing
 * more; `validatePackage` does it for tests and tools.
 */
export function decodePackage(envelope: PackageEnvelope): PackageData {
  const json = gunzipSync(Buffer.from(envelope.payload.data, 'base64'));
  const sha256 = createHash('sha256').update(json).digest('hex');
  if (sha256 !== envelope.payload.sha256)
    throw new Error(`CHS-DRG ${envelope.version} package is corrupt: checksum ${sha256}, expected ${envelope.payload.sha256}`);
  const data = JSON.parse(json.toString('utf8')) as PackageData;
  if (data.version !== envelope.version) throw new Error(`CHS-DRG package says ${envelope.version} outside and ${data.version} inside`);
  return data;
}

export function validatePackage(data: unknown): PackageData {
  return packageDataSchema.parse(data);
}

export function loadGrouper(data: PackageData): Grouper {
  return new Grouper(buildTables(data));
}

const loaded = new Map<GrouperVersion, Grouper>();

/** The grouper of a version, loaded at first use and kept. */
export function grouperFor(version: GrouperVersion): Grouper {
  let grouper = loaded.get(version);
  if (!grouper) {
    grouper = loadGrouper(decodePackage(packageEnvelope(version)));
    loaded.set(version, grouper);
  }
  return grouper;
}
