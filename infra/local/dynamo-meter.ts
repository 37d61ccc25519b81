/**
 * A metering proxy in front of DynamoDB Local: every request passes through it and is counted by
 * the function that made it (the access key of its SigV4 header names the function, see
 * identity.ts) and by operation, with the capacity DynamoDB says it consumed. It asks for that
 * figure itself (`ReturnConsumedCapacity: TOTAL` added to each request that can carry it), so the
 * code under measurement need not: the count and the cost are read on the wire, the same way for
 * any version of the handlers (the benchmarks compare the base commit's with this one's).
 *
 * DynamoDB Local does not check signatures, so adding a field to a signed body is harmless here; this
 * proxy is for the local cloud and the benchmarks only, never for AWS.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The operations whose requests accept ReturnConsumedCapacity. */
const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

export interface MeterCount {
  requests: number;
  capacityUnits: number;
  byOperation: Record<string, { requests: number; capacityUnits: number }>;
  /** By operation and the tables it named: `Query yibao-members`, `BatchGetItem yibao-accumulators+yibao-claims`. */
  byTarget: Record<string, number>;
}

/** The tables a request names, sorted. */
function tablesOf(json: Record<string, unknown>): string[] {
  const names = new Set<string>();
  if (typeof json.TableName === 'string') names.add(json.TableName);
  for (const t of Object.keys((json.RequestItems as object | undefined) ?? {})) names.add(t);
  for (const item of (json.TransactItems as Record<string, { TableName?: string }>[] | undefined) ?? [])
    for (const op of Object.values(item)) if (op?.TableName) names.add(op.TableName);
  return [...names].sort();
}

export interface DynamoMeter {
  /** Point the SDK clients here (AWS_ENDPOINT_URL_DYNAMODB) to have their calls metered. */
  endpoint: string;
  /** Counts so far by caller (the access key: `localFnAdjudication` for the adjudication function). */
  counts(): Record<string, MeterCount>;
  reset(): void;
  stop(): Promise<void>;
}

type Capacity = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

const unitsOf = (consumed: Capacity): number =>
  (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startDynamoMeter(target: string): Promise<DynamoMeter> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let counts: Record<string, MeterCount> = {};

  const record = (caller: string, operation: string, tables: string[], units: number) => {
    const c = (counts[caller] ??= { requests: 0, capacityUnits: 0, byOperation: {}, byTarget: {} });
    const target = `${operation} ${tables.join('+')}`;
    c.byTarget[target] = (c.byTarget[target] ?? 0) + 1;
    c.requests++;
    c.capacityUnits += units;
    const op = (c.byOperation[operation] ??= { requests: 0, capacityUnits: 0 });
    op.requests++;
    op.capacityUnits += units;
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      let body = await readBody(req);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      const caller = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'anonymous';
      let tables: string[] = [];
      if (CAPACITY_OPERATIONS.has(operation) && body.length > 0) {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        tables = tablesOf(json);
        if (json.ReturnConsumedCapacity === undefined || json.ReturnConsumedCapacity === 'NONE')
          body = Buffer.from(JSON.stringify({ ...json, ReturnConsumedCapacity: 'TOTAL' }));
      }
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        async (answer) => {
          const raw = await readBody(answer);
          let units = 0;
          if (CAPACITY_OPERATIONS.has(operation) && raw.length > 0) {
            try {
              units = unitsOf((JSON.parse(raw.toString('utf8')) as { ConsumedCapacity?: Capacity }).ConsumedCapacity);
            } catch {
              // Not JSON (an emulator error page): counted, no capacity.
            }
          }
          record(caller, operation, tables, units);
          // The answer goes back byte for byte (the SDK checks its CRC32); a capacity field the caller did not ask for is harmless.
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(raw);
        },
      );
      forwarded.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'MeterProxyError', message: String(error) }));
      });
      forwarded.end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'MeterProxyError', message: String(error) }));
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => structuredClone(counts),
    reset: () => {
      counts = {};
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
