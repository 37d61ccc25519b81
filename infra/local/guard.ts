/**
 * A thin proxy in front of a local service (DynamoDB Local, fauxqs, the local bus) that refuses what
 * the calling function was not granted, with the error AWS answers, and passes everything else on
 * byte for byte. The handlers' AWS_ENDPOINT_URL_<SERVICE> variables name the guard; the local cloud's
 * own clients talk to the services directly.
 */
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FunctionKey, functions } from '../topology.ts';
import { deniedDynamo, deniedEvents, deniedSqs, type Grants, type Need, type Where } from './iam.ts';
import { accessKeyOf, callerOf } from './identity.ts';

export type GuardedService = 'dynamodb' | 'sqs' | 'events';

/** A request a guard refused: for tests and the console. */
export interface Denial extends Need {
  service: GuardedService;
  function: FunctionKey;
}

export interface LocalIam {
  /** What each function may touch (the topology's grants, unless a test narrowed them). */
  grants: Record<FunctionKey, Grants>;
  /** Every refusal, oldest first. */
  denials: Denial[];
}

export interface Guard {
  endpoint: string;
  stop(): Promise<void>;
}

const JSON_CONTENT = { dynamodb: 'application/x-amz-json-1.0', sqs: 'application/x-amz-json-1.0', events: 'application/x-amz-json-1.1' };

/** The error body and headers AWS answers a request IAM refused, per service protocol. */
function refusal(service: GuardedService, message: string): { headers: Record<string, string>; body: unknown } {
  switch (service) {
    case 'dynamodb':
      return { headers: {}, body: { __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message } };
    case 'sqs':
      // SQS's JSON protocol also names the query-protocol code, which the SDK reports.
      return {
        headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
        body: { __type: 'com.amazon.coral.service#AccessDeniedException', message },
      };
    case 'events':
      return { headers: {}, body: { __type: 'AccessDeniedException', message } };
  }
}

function unrecognised(service: GuardedService) {
  const message = 'The security token included in the request is invalid.';
  return service === 'dynamodb'
    ? { __type: 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException', message }
    : { __type: 'UnrecognizedClientException', message };
}

export async function startGuard(options: {
  service: GuardedService;
  upstream: string;
  iam: LocalIam;
  where: Where;
  busName: string;
  onDenial?: (denial: Denial) => void;
}): Promise<Guard> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });

  const decide = (req: IncomingMessage, raw: Buffer): { status: number; headers: Record<string, string>; body: unknown } | undefined => {
    const caller = callerOf(accessKeyOf(req.headers.authorization));
    if (caller.kind === 'operator') return undefined;
    if (caller.kind === 'unknown') return { status: 400, headers: {}, body: unrecognised(options.service) };
    const fn = caller.function;
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      // The service answers a body that is not JSON itself.
    }
    const grants = options.iam.grants[fn];
    const denied =
      options.service === 'dynamodb'
        ? deniedDynamo(grants, operation, body, options.where)
        : options.service === 'sqs'
          ? deniedSqs(fn, grants, operation, body, options.where)
          : deniedEvents(grants, operation, options.busName, options.where);
    if (!denied) return undefined;
    const denial: Denial = { service: options.service, function: fn, ...denied };
    options.iam.denials.push(denial);
    if (options.iam.denials.length > 1_000) options.iam.denials.splice(0, 500);
    options.onDenial?.(denial);
    const role = `arn:aws:sts::${options.where.account}:assumed-role/yibao-${fn}-role/yibao-${fn}`;
    const message = `User: ${role} is not authorized to perform: ${denied.action} on resource: ${denied.resource} because no identity-based policy allows the ${denied.action} action`;
    const answer = refusal(options.service, message);
    return { status: 400, headers: answer.headers, body: answer.body };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const refused = decide(req, raw);
    if (refused) {
      res.writeHead(refused.status, { 'content-type': JSON_CONTENT[options.service], ...refused.headers });
      res.end(JSON.stringify(refused.body));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const forward = request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      forward.on('error', reject);
      forward.end(raw);
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: `local guard: ${String(error)}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The topology's grants, with a test's narrower ones where given. */
export function grantsOf(overrides: Partial<Record<FunctionKey, Grants>> = {}): Record<FunctionKey, Grants> {
  return Object.fromEntries(
    (Object.keys(functions) as FunctionKey[]).map((fn) => {
      const spec = overrides[fn] ?? functions[fn];
      return [fn, { tables: { ...spec.tables }, publishes: spec.publishes, sendsTo: [...spec.sendsTo] }];
    }),
  ) as Record<FunctionKey, Grants>;
}
