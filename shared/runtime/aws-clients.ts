import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Who is calling, on the local cloud: that function's credentials, and what to add to its clients. */
export interface LocalIdentity {
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Called once on each client made for this identity (the local cloud adds its IAM check). */
  prepare(client: DynamoDBDocumentClient | EventBridgeClient | SQSClient): void;
}

/**
 * Set only by the local cloud (infra/local/identity.ts), which runs every function in one process:
 * it names the function running now, so each function's calls are signed as that function and allowed
 * only what its topology entry grants. Never set on AWS, where each function is its own process and
 * signs with its role's credentials from the environment.
 */
let localIdentity: (() => LocalIdentity | undefined) | undefined;
export function setLocalIdentity(current: () => LocalIdentity | undefined): void {
  localIdentity = current;
}

/**
 * Whose credentials sign the calls made here now: the running function's access key on the local
 * cloud, '' on AWS (a process is one function). Work joined across invocations (shared/events/outbox.ts)
 * is joined per signer, so a call never carries one function's work under another's identity.
 */
export const currentSigner = (): string => localIdentity?.()?.credentials.accessKeyId ?? '';

/**
 * The real AWS SDK v3 clients, created once per container. On the local cloud they reach the
 * emulators through the standard AWS_ENDPOINT_URL_<SERVICE> variables, so nothing here knows
 * where it runs. A client is remade only if that variable changes, which happens solely when one
 * process hosts several local clouds one after another (the persistence tests); the local cloud also
 * keeps one client per function (see localIdentity).
 */
function perEndpoint<T extends DynamoDBDocumentClient | EventBridgeClient | SQSClient>(
  variable: string,
  create: (credentials?: LocalIdentity['credentials']) => T,
): () => T {
  const clients = new Map<string, T>();
  let endpoint: string | undefined;
  return () => {
    const current = process.env[variable];
    if (endpoint !== current) {
      for (const client of clients.values()) client.destroy();
      clients.clear();
      endpoint = current;
    }
    const identity = localIdentity?.();
    const key = identity?.credentials.accessKeyId ?? '';
    let client = clients.get(key);
    if (!client) {
      client = create(identity?.credentials);
      identity?.prepare(client);
      clients.set(key, client);
    }
    return client;
  };
}

/**
 * Without the SDK's logger middleware: it runs every request's input and every answer's output
 * through the schema's sensitive-data filter to hand the result to the client's logger, and does so
 * even for the default logger, which drops it (measured: about 2% of the local cloud's CPU per claim,
 * a 30-line claim's whole record walked twice per transaction). We never give the clients a logger.
 */
function withoutSdkLogging<T extends DynamoDBClient | EventBridgeClient | SQSClient>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

export const dynamoDocumentClient = perEndpoint('AWS_ENDPOINT_URL_DYNAMODB', (credentials) =>
  DynamoDBDocumentClient.from(withoutSdkLogging(new DynamoDBClient(credentials ? { credentials } : {})), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

/**
 * `cacheMiddleware`: a client resolves each command's middleware stack (dozens of steps, copied and
 * sorted) on every send unless told to keep what it resolved for the command's class. None of our
 * commands adds middleware of its own, the one case the cache would miss. (The DynamoDB document
 * client refuses the option: its commands wrap a new inner command each time.)
 */
const cachedMiddleware = (credentials?: LocalIdentity['credentials']) => ({
  cacheMiddleware: true,
  ...(credentials ? { credentials } : {}),
});

export const eventBridgeClient = perEndpoint('AWS_ENDPOINT_URL_EVENTBRIDGE', (credentials) =>
  withoutSdkLogging(new EventBridgeClient(cachedMiddleware(credentials))),
);

/**
 * The SQS client sends every call to its configured endpoint, not to the host a queue URL names.
 * On AWS the two are the same regional service; on the local cloud the emulator names its queues
 * `sqs.<region>.localhost`, a host that need not resolve, while the endpoint variable names the
 * server itself. One setting here, so no handler has to know which of the two it runs on.
 */
export const sqsClient = perEndpoint('AWS_ENDPOINT_URL_SQS', (credentials) =>
  withoutSdkLogging(new SQSClient({ useQueueUrlAsEndpoint: false, ...cachedMiddleware(credentials) })),
);
