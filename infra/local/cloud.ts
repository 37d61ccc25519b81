import type { IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  BUS_NAME,
  SECRETS,
  queues,
  routeKey,
  rules,
  schedules,
  type FunctionKey,
  type QueueKey,
  type ScheduleKey,
  type ScheduleSpec,
  type TableKey,
  tables,
  localName,
} from '../topology.ts';
import { envName } from '../../shared/runtime/resource-names.ts';
import type { Principal } from '../../shared/auth/principal.ts';
import { ALLOW_LOCAL_WEBHOOKS_ENV } from '../../shared/fraud/subscription.ts';
import { prepareTables, startDynamo, type LocalDynamo } from './dynamo.ts';
import { startSqs, type LocalSqs } from './sqs.ts';
import { startLocalBus, type LocalBus } from './bus/server.ts';
import { startPoller, type Poller } from './poller.ts';
import { startScheduler, type LocalScheduler } from './scheduler.ts';
import { startHttpFront } from './http-front.ts';
import { emptyFigures, PHASE_LABELS, type DemoProgress } from './demo/progress.ts';
import { consoleFile, mintConsoleToken } from './console.ts';
import { type LocalIam, localIam } from './guard.ts';
import type { Grants } from './iam.ts';
import { OPERATOR_CREDENTIALS } from './identity.ts';
import { LocalLambda } from './lambda.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LOCAL_MAX_TOKEN_LIFETIME_SECONDS, loadOrCreateSigningKey, mintToken } from './signing-key.ts';

export const LOCAL_REGION = 'cn-north-1';
export const LOCAL_ACCOUNT = '000000000000';
const CREDENTIALS = OPERATOR_CREDENTIALS;
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** How long a stop lets the invocations in flight finish before the emulators they call go. */
const STOP_DRAIN_MS = 10_000;

export interface LocalCloudOptions {
  /** Folder that keeps data across restarts; leave out to run everything in memory (tests). */
  dataDir?: string;
  /** Port of the API; 0 picks a free one. */
  apiPort?: number;
  /** Let schedules fire on their own clock (npm start); tests fire them by hand. */
  scheduleTimers?: boolean;
  /** See PollerOptions.retryDelaySeconds. */
  retryDelaySeconds?: number;
  /** Log level of the handlers (Powertools): tests keep it quiet. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Where the local cloud says what it does (not the handlers' logs). */
  say?: (line: string) => void;
  /**
   * What some functions may touch instead of their topology grants: a test narrows one to show the
   * local cloud refusing what a function was not granted. Leave out to run the topology as declared.
   */
  grants?: Partial<Record<FunctionKey, Grants>>;
  /** A shorter timeout (seconds) for some functions than the topology's: a test of a handler timing out. */
  functionTimeouts?: Partial<Record<FunctionKey, number>>;
}

/** What the local cloud built, in the terms the synthesised stack uses (compared by the parity test). */
export interface LocalDescription {
  routes: { routeKey: string; function: FunctionKey; authorized: boolean }[];
  tables: { key: TableKey; name: string }[];
  queues: {
    key: QueueKey;
    url: string;
    deadLetterUrl: string;
    maxReceiveCount: number;
    visibilityTimeoutSeconds: number;
    consumer: FunctionKey;
  }[];
  rules: { name: string; pattern: unknown; targetQueueUrl: string }[];
  schedules: ReturnType<LocalScheduler['list']>;
}

export interface LocalCloud {
  apiUrl: string;
  endpoints: { dynamodb: string; sqs: string; eventbridge: string };
  /** The grants each function's calls are checked against, and what was refused. */
  iam: LocalIam;
  region: string;
  credentials: typeof CREDENTIALS;
  dynamo: LocalDynamo;
  sqs: LocalSqs;
  bus: LocalBus;
  lambda: LocalLambda;
  scheduler: LocalScheduler;
  /** A token signed with the cloud's key; `ttlSeconds: null` leaves out `exp` (refused: a test of the authorizer). */
  mint(principal: Principal, ttlSeconds?: number | null): Promise<string>;
  /**
   * Where `GET /local/demo/progress` reads the demo year's progress from (infra/local/main.ts sets it
   * when it starts the year); until then it answers the phase `off`.
   */
  setDemoProgress(source: () => DemoProgress): void;
  describe(): Promise<LocalDescription>;
  queueDepths(): Promise<Record<string, { visible: number; inFlight: number; deadLetters: number }>>;
  /**
   * Holds every queue's consumer, or the named queue's (each finishes the batch in hand; new messages
   * wait in their queues), and lets them go again. For measuring the request path alone
   * (bench/claims-api.bench.ts): on AWS the consumers run on capacity of their own, here on the same
   * thread as the API; and each consumer's cost alone (bench/claims-profile.ts --drain-each).
   */
  consumers: { pause(queue?: QueueKey): void; resume(queue?: QueueKey): void };
  stop(): Promise<void>;
}

/**
 * Runs the whole stack on this machine: DynamoDB Local, fauxqs, the local bus, SQS pollers, the
 * scheduler and the HTTP front, all built from infra/topology.ts. The handlers run in this process
 * with the real SDK clients; only the AWS_ENDPOINT_URL_* variables say where the services are.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const say = options.say ?? (() => undefined);
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };

  try {
    const [dynamo, sqs] = await Promise.all([
      startDynamo({
        dataDir: options.dataDir ? resolve(options.dataDir, 'dynamodb') : undefined,
        credentials: CREDENTIALS,
        region: LOCAL_REGION,
      }),
      startSqs({ region: LOCAL_REGION, credentials: CREDENTIALS, dataDir: options.dataDir ? resolve(options.dataDir) : undefined }),
    ]);
    stops.push(
      () => dynamo.stop(),
      () => sqs.stop(),
    );
    const { created, indexesChanged } = await prepareTables(dynamo.client);
    say(
      `DynamoDB Local at ${dynamo.endpoint} (${options.dataDir ? 'persisted' : 'in memory'}; ${created.length} tables created, ${Object.keys(tables).length - created.length} kept)`,
    );
    if (indexesChanged.length) say(`Indexes brought into line with the topology: ${indexesChanged.join(', ')}`);
    if (sqs.restored) say(`Restored ${sqs.restored} queued messages from the last run`);
    say(`SQS (fauxqs) at ${sqs.endpoint}: ${Object.keys(queues).length} queues, each with a DLQ`);

    const busRules = Object.entries(rules).map(([name, rule]) => ({
      name,
      pattern: rule.pattern,
      targetQueueUrl: sqs.queues[rule.target].url,
    }));
    const bus = await startLocalBus({
      busName: BUS_NAME,
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      rules: busRules,
      sendToQueue: sqs.send,
      onDeliveryError: (rule, error) => say(`bus: rule ${rule} could not deliver: ${String(error)}`),
    });
    stops.push(() => bus.stop());

    // Each function's calls carry its identity and are allowed only its grants (infra/local/guard.ts).
    const iam: LocalIam = localIam({ region: LOCAL_REGION, account: LOCAL_ACCOUNT }, options.grants, (d) =>
      say(`IAM: ${d.function} is not granted ${d.action} on ${d.resource}`),
    );

    const key = await loadOrCreateSigningKey(options.dataDir);
    const apiPort = options.apiPort ?? 0;

    // The handlers' environment: what the stack sets on each function, with local endpoints.
    const setEnv = (apiUrl: string) => {
      Object.assign(process.env, {
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
        LOG_LEVEL: options.logLevel ?? 'INFO',
        // Regulators' webhooks may be plain http to this machine here (never on AWS).
        [ALLOW_LOCAL_WEBHOOKS_ENV]: 'true',
        [envName.busName]: BUS_NAME,
        [envName.jwtIssuer]: LOCAL_ISSUER,
        [envName.jwtAudience]: LOCAL_AUDIENCE,
        [envName.jwtJwksUrl]: `${apiUrl}/.well-known/jwks.json`,
        // The longest a token may live (exp − iat); 12 hours, as cdk.json sets it for AWS.
        [envName.jwtMaxLifetimeSeconds]: process.env.YIBAO_JWT_MAX_LIFETIME_SECONDS ?? String(LOCAL_MAX_TOKEN_LIFETIME_SECONDS),
        // Every secret of the topology, with a fixed local-only value; on AWS they come from Secrets Manager.
        ...Object.fromEntries(Object.values(SECRETS).map((s) => [s.variable, process.env[s.variable] ?? s.localValue])),
      });
      for (const t of Object.keys(tables) as TableKey[]) process.env[envName.table(t)] = localName.table(t);
      for (const q of Object.keys(queues) as QueueKey[]) process.env[envName.queueUrl(q)] = sqs.queues[q].url;
    };

    const lambda = new LocalLambda(ROOT, LOCAL_REGION, iam, options.functionTimeouts);
    // Stops run last-pushed first: this one after the gateway, the schedules and the pollers stop taking
    // work, before the bus, the queues and the tables go.
    stops.push(async () => {
      const left = await lambda.drain(STOP_DRAIN_MS);
      if (left > 0) say(`${left} invocation(s) still running after ${STOP_DRAIN_MS / 1000} s; stopping under them`);
    });
    const scheduler = startScheduler({
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      timers: options.scheduleTimers ?? false,
      invoke: (fn, event) => lambda.invoke(fn, event, 'schedule'),
      onFiring: (firing) => {
        const routine = (schedules[firing.schedule] as ScheduleSpec).routine === true;
        if (!routine || !firing.ok)
          say(`schedule ${firing.schedule} → ${firing.function}: ${firing.ok ? 'ok' : `failed: ${firing.error}`}`);
      },
    });
    stops.push(() => scheduler.stop());

    const localEndpoints = async (req: IncomingMessage, url: URL, body: Buffer) => {
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') return { statusCode: 200, body: { keys: [key.publicJwk] } };
      // The console (its files and its local-only sign-in); on AWS it is CloudFront's and the IdP's.
      // The console reads where the API is and how to sign in from its config.json (on AWS the deployment writes it).
      if (req.method === 'GET' && url.pathname === '/console/config.json')
        return { statusCode: 200, body: { environment: 'local', apiUrl: '', localSignIn: true } };
      if ((req.method === 'GET' || req.method === 'HEAD') && url.pathname.startsWith('/console')) {
        const file = await consoleFile(url.pathname);
        if (file) return file;
      }
      if (req.method === 'POST' && url.pathname === '/local/tokens') return mintConsoleToken(body, (p, ttl) => mintToken(key, p, ttl));
      if (req.method === 'GET' && url.pathname === '/_local') return { statusCode: 200, body: await describe() };
      if (req.method === 'GET' && url.pathname === '/_local/queues') return { statusCode: 200, body: await queueDepths() };
      const fire = /^\/_local\/schedules\/([A-Za-z]+)$/.exec(url.pathname);
      if (req.method === 'POST' && fire?.[1]) {
        if (!(fire[1] in schedules))
          return {
            statusCode: 404,
            body: { error: { code: 'NOT_FOUND', message: `No schedule ${fire[1]}`, details: { schedules: Object.keys(schedules) } } },
          };
        const at = url.searchParams.get('at');
        const when = at ? new Date(at) : new Date();
        if (Number.isNaN(when.getTime()))
          return { statusCode: 400, body: { error: { code: 'BAD_REQUEST', message: 'at: not a date-time', details: {} } } };
        return { statusCode: 200, body: await scheduler.fire(fire[1] as ScheduleKey, when) };
      }
      return undefined;
    };

    const cloudStartedAt = new Date().toISOString();
    let demoProgress: () => DemoProgress = () => ({
      phase: 'off',
      label: PHASE_LABELS.off,
      done: 0,
      total: 0,
      startedAt: cloudStartedAt,
      scale: 0,
      seed: 0,
      region: '',
      year: 0,
      figures: emptyFigures(),
    });

    // The JWKS URL needs the API's port before the handlers first run: start the front, then set the env.
    const front = await startHttpFront({
      demoProgress: () => demoProgress(),
      port: apiPort,
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      invoke: (fn, event, trigger) => lambda.invoke(fn, event, trigger),
      local: localEndpoints,
    });
    stops.push(() => front.stop());
    setEnv(front.url);

    const pollers = new Map<QueueKey, Poller>();
    for (const [queueKey, spec] of Object.entries(queues) as [QueueKey, (typeof queues)[QueueKey]][]) {
      const poller = startPoller({
        sqs: sqs.client,
        queue: sqs.queues[queueKey],
        region: LOCAL_REGION,
        batchSize: spec.batchSize,
        batchingWindowSeconds: spec.maxBatchingWindowSeconds,
        retryDelaySeconds: options.retryDelaySeconds,
        invoke: (event) => lambda.invoke(spec.consumer, event, 'sqs'),
        onError: (error) => say(`poller ${queueKey}: ${error instanceof Error ? error.message : String(error)}`),
      });
      pollers.set(queueKey, poller);
      stops.push(() => poller.stop());
    }
    say(
      `Local bus "${BUS_NAME}" at ${bus.endpoint}: ${busRules.length} rules; scheduler: ${Object.keys(schedules).length} schedules (${options.scheduleTimers ? 'running' : 'fire by hand'})`,
    );

    const describe = async (): Promise<LocalDescription> => ({
      routes: front.routes.map((r) => ({ routeKey: routeKey(r), function: r.function, authorized: r.authorized })),
      tables: (Object.keys(tables) as TableKey[]).map((t) => ({ key: t, name: localName.table(t) })),
      queues: (Object.entries(queues) as [QueueKey, (typeof queues)[QueueKey]][]).map(([q, spec]) => ({
        key: q,
        url: sqs.queues[q].url,
        deadLetterUrl: sqs.queues[q].deadLetterUrl,
        maxReceiveCount: spec.maxReceiveCount,
        visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
        consumer: spec.consumer,
      })),
      rules: [...bus.rules],
      schedules: scheduler.list(),
    });

    const depth = async (url: string) => {
      const out = await sqs.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    };
    const queueDepths = async () => {
      const out: Record<string, { visible: number; inFlight: number; deadLetters: number }> = {};
      for (const q of Object.keys(queues) as QueueKey[]) {
        const main = await depth(sqs.queues[q].url);
        const dead = await depth(sqs.queues[q].deadLetterUrl);
        out[q] = { ...main, deadLetters: dead.visible + dead.inFlight };
      }
      return out;
    };

    return {
      apiUrl: front.url,
      endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint, eventbridge: bus.endpoint },
      iam,
      region: LOCAL_REGION,
      credentials: CREDENTIALS,
      dynamo,
      sqs,
      bus,
      lambda,
      scheduler,
      mint: (principal, ttl) => mintToken(key, principal, ttl),
      setDemoProgress: (source) => {
        demoProgress = source;
      },
      describe,
      queueDepths,
      consumers: {
        pause: (queue) => (queue ? [pollers.get(queue)!] : [...pollers.values()]).forEach((p) => p.pause()),
        resume: (queue) => (queue ? [pollers.get(queue)!] : [...pollers.values()]).forEach((p) => p.resume()),
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
