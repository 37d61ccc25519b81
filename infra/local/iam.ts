/**
 * The local cloud's IAM: what the stack grants each function (infra/stack/functions.ts), decided
 * for one request to DynamoDB, SQS or the bus.
 *
 *  - tables: `read` is CDK's grantReadData (GetItem, BatchGetItem, Query, Scan, ConditionCheckItem,
 *    DescribeTable); `readwrite` adds grantReadWriteData's PutItem, UpdateItem, DeleteItem,
 *    BatchWriteItem. A transaction is authorised item by item, as IAM does (a TransactWriteItems
 *    Put needs PutItem on its table; a ConditionCheck needs ConditionCheckItem).
 *  - publishes: events:PutEvents on the bus.
 *  - sendsTo: grantSendMessages on each queue (SendMessage, GetQueueAttributes, GetQueueUrl).
 *  - the queues it consumes: what Lambda's event source mapping grants (ReceiveMessage,
 *    DeleteMessage, ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl).
 * Nothing else: no PartiQL, no control-plane call (CreateTable, ListTables...).
 */
import { envName } from '../../shared/runtime/resource-names.ts';
import { type FunctionKey, type FunctionSpec, functions, localName, type QueueKey, queues, type TableKey, tables } from '../topology.ts';

/** What a function may touch: its topology entry's grants (a test may narrow them). */
export type Grants = Pick<FunctionSpec, 'tables' | 'publishes' | 'sendsTo'>;

/** The topology's grants, with a test's narrower ones where given. */
export function grantsOf(overrides: Partial<Record<FunctionKey, Grants>> = {}): Record<FunctionKey, Grants> {
  return Object.fromEntries(
    (Object.keys(functions) as FunctionKey[]).map((fn) => {
      const spec = overrides[fn] ?? functions[fn];
      return [fn, { tables: { ...spec.tables }, publishes: spec.publishes, sendsTo: [...spec.sendsTo] }];
    }),
  ) as Record<FunctionKey, Grants>;
}

/** The JWT settings the stack sets on the authorizer alone. */
const AUTHORIZER_ENV: string[] = [envName.jwtIssuer, envName.jwtAudience, envName.jwtJwksUrl, envName.jwtMaxLifetimeSeconds];

/** Every variable the stack sets for some function's resources (infra/stack/functions.ts). */
const RESOURCE_VARIABLES = new Set<string>([
  ...Object.keys(tables).map(envName.table),
  ...Object.keys(queues).map(envName.queueUrl),
  envName.busName,
  ...AUTHORIZER_ENV,
]);

/**
 * Whether the stack gives `fn` the variable `name`: a resource's variable only with its grant (the
 * JWT settings only to the authorizer); every other variable is the same for all.
 */
export function variableGiven(fn: FunctionKey, grants: Grants, name: string): boolean {
  if (!RESOURCE_VARIABLES.has(name)) return true;
  if (AUTHORIZER_ENV.includes(name)) return fn === 'authorizer';
  if (name === envName.busName) return grants.publishes;
  return Object.keys(grants.tables).some((t) => envName.table(t) === name) || grants.sendsTo.some((q) => envName.queueUrl(q) === name);
}

/** One action on one resource, as IAM names them. */
export interface Need {
  action: string;
  resource: string;
}

export interface Where {
  region: string;
  account: string;
}

const tableArn = (where: Where, name: string) => `arn:aws:dynamodb:${where.region}:${where.account}:table/${name}`;
const queueArn = (where: Where, name: string) => `arn:aws:sqs:${where.region}:${where.account}:${name}`;

const tableKeyOf = (name: string): TableKey | undefined => {
  const bare = name.includes(':table/') ? name.slice(name.indexOf(':table/') + 7) : name;
  return (Object.keys(tables) as TableKey[]).find((k) => localName.table(k) === bare);
};
const queueKeyOf = (name: string): QueueKey | undefined => (Object.keys(queues) as QueueKey[]).find((k) => localName.queue(k) === name);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What a DynamoDB request needs, per table: `undefined` for an operation no grant covers. */
function dynamoNeeds(operation: string, body: Json): { action: string; table: string; write: boolean }[] | undefined {
  const one = (write: boolean) => [{ action: `dynamodb:${operation}`, table: str(body.TableName), write }];
  const each = (write: boolean) => Object.keys(obj(body.RequestItems)).map((table) => ({ action: `dynamodb:${operation}`, table, write }));
  const items = Array.isArray(body.TransactItems) ? (body.TransactItems as unknown[]).map(obj) : [];
  switch (operation) {
    case 'GetItem':
    case 'Query':
    case 'Scan':
    case 'DescribeTable':
      return one(false);
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return one(true);
    case 'BatchGetItem':
      return each(false);
    case 'BatchWriteItem':
      return each(true);
    case 'TransactGetItems':
      return items.map((item) => ({ action: 'dynamodb:GetItem', table: str(obj(item.Get).TableName), write: false }));
    case 'TransactWriteItems':
      return items.map((item) => {
        if (item.Put) return { action: 'dynamodb:PutItem', table: str(obj(item.Put).TableName), write: true };
        if (item.Update) return { action: 'dynamodb:UpdateItem', table: str(obj(item.Update).TableName), write: true };
        if (item.Delete) return { action: 'dynamodb:DeleteItem', table: str(obj(item.Delete).TableName), write: true };
        return { action: 'dynamodb:ConditionCheckItem', table: str(obj(item.ConditionCheck).TableName), write: false };
      });
    default:
      return undefined;
  }
}

/** The first thing a DynamoDB request (X-Amz-Target DynamoDB_20120810.<operation>) needs that `grants` lacks. */
export function deniedDynamo(grants: Grants, operation: string, body: Json, where: Where): Need | undefined {
  const needs = dynamoNeeds(operation, body);
  if (!needs) return { action: `dynamodb:${operation}`, resource: tableArn(where, str(body.TableName) || '*') };
  for (const need of needs) {
    const key = tableKeyOf(need.table);
    const access = key ? grants.tables[key] : undefined;
    if (access === 'readwrite' || (access === 'read' && !need.write)) continue;
    return { action: need.action, resource: tableArn(where, need.table) };
  }
  return undefined;
}

const SEND = new Set(['SendMessage', 'SendMessageBatch']);
const CONSUME = new Set([
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
]);
const DESCRIBE = new Set(['GetQueueAttributes', 'GetQueueUrl']);

/** The first thing an SQS request (X-Amz-Target AmazonSQS.<operation>) needs that `fn` lacks. */
export function deniedSqs(fn: FunctionKey, grants: Grants, operation: string, body: Json, where: Where): Need | undefined {
  const name = str(body.QueueName) || str(body.QueueUrl).split('/').pop() || '*';
  const need = { action: `sqs:${operation}`, resource: queueArn(where, name) };
  const key = queueKeyOf(name);
  if (!key) return need;
  const sends = grants.sendsTo.includes(key);
  const consumes = queues[key].consumer === fn;
  if (SEND.has(operation) && sends) return undefined;
  if (CONSUME.has(operation) && consumes) return undefined;
  if (DESCRIBE.has(operation) && (sends || consumes)) return undefined;
  return need;
}

/** What a bus request (X-Amz-Target AWSEvents.<operation>) needs that `grants` lacks. */
export function deniedEvents(grants: Grants, operation: string, busName: string, where: Where): Need | undefined {
  if (operation === 'PutEvents' && grants.publishes) return undefined;
  return { action: `events:${operation}`, resource: `arn:aws:events:${where.region}:${where.account}:event-bus/${busName}` };
}
