/**
 * The synthesised stack, checked entry by entry against `infra/topology.ts`: every table, queue, rule,
 * schedule, route and function the topology declares is there exactly once, wired as declared, and
 * each function's role grants exactly what the topology says it may touch. Resources are mapped back
 * to topology keys through their `yibao:key` tags, never through hand-written logical ids.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { envName } from '../../shared/runtime/resource-names.ts';
import { dlqKey, KEY_TAG, RULES_DLQ_KEY, SCHEDULER_DLQ_KEY } from '../../infra/stack/keys.ts';
import {
  BUS_NAME,
  SCHEDULE_TIME_ZONE,
  functions,
  queues,
  routeKey,
  routes,
  rules,
  schedules,
  tables,
  type Access,
  indexProjection,
  type FunctionKey,
  type FunctionSpec,
  type QueueKey,
  type QueueSpec,
  type RuleKey,
  type RuleSpec,
  type ScheduleKey,
  type ScheduleSpec,
  type TableKey,
  type TableSpec,
} from '../../infra/topology.ts';
import { cdkJsonContext, synthTemplate } from './synth.ts';

// ---------------------------------------------------------------------------------------------
// Template access
// ---------------------------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation JSON is untyped by nature. */
type Json = any;

interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: Json;
}

let resources: Record<string, CfnResource>;
let outputs: Record<string, Json>;

beforeAll(() => {
  const template = synthTemplate().toJSON() as { Resources: Record<string, CfnResource>; Outputs?: Record<string, Json> };
  resources = template.Resources;
  outputs = template.Outputs ?? {};
});

const entriesOf = <K extends string, V>(record: Record<K, V>): Array<[K, V]> => Object.entries(record) as Array<[K, V]>;
const tableEntries = entriesOf<TableKey, TableSpec>(tables);
const functionEntries = entriesOf<FunctionKey, FunctionSpec>(functions);
const queueEntries = entriesOf<QueueKey, QueueSpec>(queues);
const ruleEntries = entriesOf<RuleKey, RuleSpec>(rules);
const scheduleEntries = entriesOf<ScheduleKey, ScheduleSpec>(schedules);
const declaredTables = (spec: FunctionSpec): Array<[TableKey, Access]> => entriesOf(spec.tables as Record<TableKey, Access>);

function ofType(type: string): Array<[string, CfnResource]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function props(id: string): Record<string, Json> {
  const resource = resources[id];
  if (!resource) throw new Error(`No resource ${id}`);
  return resource.Properties ?? {};
}

function tagOf(resource: CfnResource): string | undefined {
  const tags = (resource.Properties?.Tags ?? []) as Array<{ Key: string; Value: string }>;
  return tags.find((t) => t.Key === KEY_TAG)?.Value;
}

/** The logical id of the one resource of `type` tagged `yibao:key` = `key`. */
function idByKey(type: string, key: string): string {
  const found = ofType(type)
    .filter(([, r]) => tagOf(r) === key)
    .map(([id]) => id);
  if (found.length !== 1) throw new Error(`Expected one ${type} tagged ${KEY_TAG}=${key}, found ${found.length}`);
  return found[0]!;
}

const tableId = (key: TableKey): string => idByKey('AWS::DynamoDB::Table', key);
const queueId = (key: string): string => idByKey('AWS::SQS::Queue', key);
const functionId = (key: FunctionKey): string => idByKey('AWS::Lambda::Function', key);
const ruleId = (key: RuleKey): string => idByKey('AWS::Events::Rule', key);
const busId = (): string => {
  const buses = ofType('AWS::Events::EventBus');
  expect(buses).toHaveLength(1);
  return buses[0]![0];
};

const getAtt = (id: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string): Json => ({ Ref: id });

/** The logical id behind `{Ref}` / `{Fn::GetAtt}` / the index ARN join CDK writes for GSIs. */
function referencedId(value: Json): string | undefined {
  if (value && typeof value === 'object') {
    // Pseudo parameters (AWS::Partition, AWS::NoValue…) name no resource.
    if (typeof value.Ref === 'string') return value.Ref.startsWith('AWS::') ? undefined : value.Ref;
    if (Array.isArray(value['Fn::GetAtt'])) return value['Fn::GetAtt'][0];
    if (Array.isArray(value['Fn::Join'])) {
      const parts = value['Fn::Join'][1] as Json[];
      return parts.map(referencedId).find((id) => id !== undefined);
    }
  }
  return undefined;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every statement of the inline policies attached to a role (CDK's DefaultPolicy). */
function statementsOfRole(roleId: string): Statement[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => asArray(p.Properties?.Roles).some((r: Json) => referencedId(r) === roleId))
    .flatMap(([, p]) => asArray<Statement>(p.Properties?.PolicyDocument?.Statement));
}

function roleOfFunction(key: FunctionKey): string {
  const roleId = referencedId(props(functionId(key)).Role);
  if (!roleId) throw new Error(`Function ${key} has no role`);
  return roleId;
}

/** Map of referenced logical id → union of the actions allowed on it, over statements with a matching action. */
function grants(statements: Statement[], actionPrefix: string): Map<string, Set<string>> {
  const byResource = new Map<string, Set<string>>();
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asArray(statement.Action).filter((a) => a.startsWith(actionPrefix));
    if (actions.length === 0) continue;
    for (const resource of asArray<Json>(statement.Resource)) {
      if (resource === '*') throw new Error(`Wildcard resource for ${actions.join(', ')}`);
      const id = referencedId(resource);
      if (!id) continue; // { Ref: AWS::NoValue } stands for the index ARN of a table without indexes
      const set = byResource.get(id) ?? new Set<string>();
      for (const action of actions) set.add(action);
      byResource.set(id, set);
    }
  }
  return byResource;
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

describe('tables', () => {
  it('has exactly one table per topology entry', () => {
    expect(sorted(ofType('AWS::DynamoDB::Table').map(([, r]) => tagOf(r) ?? '(untagged)'))).toEqual(sorted(Object.keys(tables)));
  });

  describe.each(tableEntries)('%s', (key, spec) => {
    const table = (): Record<string, Json> => props(tableId(key));

    it('has the declared keys, all strings', () => {
      const keySchema = [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }];
      if (spec.sortKey) keySchema.push({ AttributeName: spec.sortKey, KeyType: 'RANGE' });
      expect(table().KeySchema).toEqual(keySchema);
      const keyNames = new Set([spec.partitionKey, spec.sortKey, ...spec.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
      keyNames.delete(undefined);
      const definitions = table().AttributeDefinitions as Array<{ AttributeName: string; AttributeType: string }>;
      expect(sorted(definitions.map((d) => d.AttributeName))).toEqual(sorted(keyNames as Set<string>));
      for (const definition of definitions) expect(definition.AttributeType).toBe('S');
    });

    it('has the declared GSIs, each projecting what the topology says (everything unless it names less)', () => {
      const expected = spec.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' }] : []),
        ],
        Projection: indexProjection(index),
      }));
      expect(table().GlobalSecondaryIndexes ?? []).toEqual(expected);
    });

    it('is on-demand, point-in-time recoverable and encrypted', () => {
      expect(table().BillingMode).toBe('PAY_PER_REQUEST');
      expect(table().PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table().SSESpecification?.SSEEnabled).toBe(true);
    });

    it(spec.dataTable ? 'is protected from deletion and retained' : 'is not a data table, so it goes with the stack', () => {
      const resource = resources[tableId(key)]!;
      expect(table().DeletionProtectionEnabled).toBe(spec.dataTable);
      if (spec.dataTable) {
        expect(resource.DeletionPolicy).toBe('Retain');
        expect(resource.UpdateReplacePolicy).toBe('Retain');
      } else {
        expect(resource.DeletionPolicy).not.toBe('Retain');
      }
    });

    it(spec.timeToLiveAttribute ? `expires items on ${spec.timeToLiveAttribute}` : 'has no TTL', () => {
      if (spec.timeToLiveAttribute) {
        expect(table().TimeToLiveSpecification).toEqual({ AttributeName: spec.timeToLiveAttribute, Enabled: true });
      } else {
        expect(table().TimeToLiveSpecification).toBeUndefined();
      }
    });
  });

  it("copies no claim's statement into an index, and no blob into the claims lists' or reconciliation's", () => {
    // Each index copy is written with every settlement: the gzipped bill, statement and inputs are most
    // of a claim item's bytes, and only the policy simulation's index reads any of them (bill, inputs).
    const indexes = (props(tableId('claims')).GlobalSecondaryIndexes ?? []) as Array<{
      IndexName: string;
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }>;
    const copies = (name: string) => {
      const projection = indexes.find((i) => i.IndexName === name)!.Projection;
      return projection.ProjectionType === 'KEYS_ONLY' ? [] : projection.NonKeyAttributes!;
    };
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(['byProviderYear', 'byRegionYear', 'bySettledDay']);
    for (const i of indexes) expect(i.Projection.ProjectionType).not.toBe('ALL');
    expect(copies('bySettledDay')).toEqual([]);
    for (const blob of ['bill', 'statement', 'inputs']) expect(copies('byProviderYear')).not.toContain(blob);
    expect(copies('byRegionYear')).not.toContain('statement');
    expect(copies('byRegionYear')).toEqual(expect.arrayContaining(['bill', 'inputs', 'parts', 'status']));
  });
});

// ---------------------------------------------------------------------------------------------
// Queues, their dead-letter queues, consumers and alarms
// ---------------------------------------------------------------------------------------------

function topicId(): string {
  const topics = ofType('AWS::SNS::Topic');
  expect(topics).toHaveLength(1);
  return topics[0]![0];
}

function alarmsOn(queueLogicalId: string, metricName: string): Array<Record<string, Json>> {
  return ofType('AWS::CloudWatch::Alarm')
    .map(([, r]) => r.Properties ?? {})
    .filter(
      (p) =>
        p.MetricName === metricName &&
        p.Namespace === 'AWS/SQS' &&
        asArray<Json>(p.Dimensions).some((d: Json) => d.Name === 'QueueName' && referencedId(d.Value) === queueLogicalId),
    );
}

function enforcesTls(queueLogicalId: string): boolean {
  return ofType('AWS::SQS::QueuePolicy')
    .filter(([, p]) => asArray(p.Properties?.Queues).some((q: Json) => referencedId(q) === queueLogicalId))
    .flatMap(([, p]) => asArray<Json>(p.Properties?.PolicyDocument?.Statement))
    .some(
      (s: Json) =>
        s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false' && referencedId(s.Resource) === queueLogicalId,
    );
}

function expectDeadLetterAlarm(dlqLogicalId: string): void {
  const alarms = alarmsOn(dlqLogicalId, 'ApproximateNumberOfMessagesVisible');
  expect(alarms).toHaveLength(1);
  expect(alarms[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [ref(topicId())] });
}

describe('queues', () => {
  it('has a queue and a dead-letter queue per topology entry, plus the shared scheduler and rules DLQs', () => {
    const expected = [...Object.keys(queues), ...Object.keys(queues).map(dlqKey), SCHEDULER_DLQ_KEY, RULES_DLQ_KEY];
    expect(sorted(ofType('AWS::SQS::Queue').map(([, r]) => tagOf(r) ?? '(untagged)'))).toEqual(sorted(expected));
  });

  describe.each(queueEntries)('%s', (key, spec) => {
    it('redrives to its own DLQ after maxReceiveCount, with the declared visibility timeout', () => {
      const queue = props(queueId(key));
      expect(queue.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
      expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt(queueId(dlqKey(key))), maxReceiveCount: spec.maxReceiveCount });
    });

    it('keeps dead letters 14 days', () => {
      expect(props(queueId(dlqKey(key))).MessageRetentionPeriod).toBe(14 * 24 * 3600);
    });

    it('is encrypted at rest and TLS only, as is its DLQ', () => {
      for (const id of [queueId(key), queueId(dlqKey(key))]) {
        expect(props(id).SqsManagedSseEnabled).toBe(true);
        expect(enforcesTls(id)).toBe(true);
      }
    });

    it(`is consumed by ${spec.consumer} only, in batches with partial failures`, () => {
      const mappings = ofType('AWS::Lambda::EventSourceMapping')
        .map(([, r]) => r.Properties ?? {})
        .filter((p) => referencedId(p.EventSourceArn) === queueId(key));
      expect(mappings).toHaveLength(1);
      expect(mappings[0]).toMatchObject({
        FunctionName: ref(functionId(spec.consumer)),
        BatchSize: spec.batchSize,
        MaximumBatchingWindowInSeconds: spec.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('alarms the operators when its DLQ holds a message', () => {
      expectDeadLetterAlarm(queueId(dlqKey(key)));
    });

    it(`alarms the operators when its oldest message is older than ${spec.maxAgeSeconds} s`, () => {
      const alarms = alarmsOn(queueId(key), 'ApproximateAgeOfOldestMessage');
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({
        Threshold: spec.maxAgeSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [ref(topicId())],
      });
    });
  });

  it('alarms on the shared scheduler and rules DLQs too', () => {
    expectDeadLetterAlarm(queueId(SCHEDULER_DLQ_KEY));
    expectDeadLetterAlarm(queueId(RULES_DLQ_KEY));
  });

  it('subscribes no email to the operator topic when yibao:alarmEmail is empty', () => {
    expect(cdkJsonContext()['yibao:alarmEmail']).toBe('');
    expect(ofType('AWS::SNS::Subscription')).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Bus and rules
// ---------------------------------------------------------------------------------------------

describe('bus and rules', () => {
  it(`has one custom bus named ${BUS_NAME}`, () => {
    expect(props(busId()).Name).toBe(BUS_NAME);
  });

  it('has exactly one rule per topology entry', () => {
    expect(sorted(ofType('AWS::Events::Rule').map(([, r]) => tagOf(r) ?? '(untagged)'))).toEqual(sorted(Object.keys(rules)));
  });

  describe.each(ruleEntries)('%s', (key, spec) => {
    it('carries the topology pattern exactly, on the custom bus', () => {
      const rule = props(ruleId(key));
      expect(rule.EventPattern).toStrictEqual(spec.pattern);
      expect(rule.EventBusName).toEqual(ref(busId()));
      expect(rule.State ?? 'ENABLED').toBe('ENABLED');
    });

    it(`targets the ${spec.target} queue only`, () => {
      const targets = asArray<Json>(props(ruleId(key)).Targets);
      expect(targets).toHaveLength(1);
      expect(targets[0].Arn).toEqual(getAtt(queueId(spec.target)));
      expect(targets[0].DeadLetterConfig?.Arn).toEqual(getAtt(queueId(RULES_DLQ_KEY)));
    });

    it('may send to its target queue, and only from this rule', () => {
      const statements = ofType('AWS::SQS::QueuePolicy')
        .filter(([, p]) => asArray(p.Properties?.Queues).some((q: Json) => referencedId(q) === queueId(spec.target)))
        .flatMap(([, p]) => asArray<Json>(p.Properties?.PolicyDocument?.Statement))
        .filter((s: Json) => s.Effect === 'Allow' && s.Principal?.Service === 'events.amazonaws.com');
      expect(statements.some((s: Json) => referencedId(s.Condition?.ArnEquals?.['aws:SourceArn']) === ruleId(key))).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

describe('schedules', () => {
  it('has exactly one schedule per topology entry, named after it', () => {
    expect(sorted(ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties?.Name as string))).toEqual(sorted(Object.keys(schedules)));
  });

  const scheduleByName = (key: ScheduleKey): Record<string, Json> => {
    const found = ofType('AWS::Scheduler::Schedule').filter(([, r]) => r.Properties?.Name === key);
    expect(found).toHaveLength(1);
    return found[0]![1].Properties ?? {};
  };

  describe.each(scheduleEntries)('%s', (key, spec) => {
    it(`fires on ${spec.expression} in ${SCHEDULE_TIME_ZONE}, exactly on time`, () => {
      const schedule = scheduleByName(key);
      expect(schedule.ScheduleExpression).toBe(spec.expression);
      expect(schedule.ScheduleExpressionTimezone).toBe(SCHEDULE_TIME_ZONE);
      expect(schedule.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(schedule.State).toBe('ENABLED');
    });

    it(`invokes ${spec.target} with the declared input, placeholder verbatim`, () => {
      const target = scheduleByName(key).Target;
      expect(target.Arn).toEqual(getAtt(functionId(spec.target)));
      expect(target.Input).toBe(JSON.stringify(spec.input));
      expect(JSON.parse(target.Input as string)).toEqual(spec.input);
    });

    it('retries and dead-letters failed invocations', () => {
      const target = scheduleByName(key).Target;
      expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(target.DeadLetterConfig).toEqual({ Arn: getAtt(queueId(SCHEDULER_DLQ_KEY)) });
    });

    it(`runs as a role that may invoke ${spec.target} and nothing else`, () => {
      const roleId = referencedId(scheduleByName(key).Target.RoleArn);
      expect(roleId).toBeDefined();
      const role = props(roleId!);
      expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
      expect(role.ManagedPolicyArns ?? []).toEqual([]);
      const statements = statementsOfRole(roleId!);
      const invoke = grants(statements, 'lambda:');
      expect([...invoke.keys()]).toEqual([functionId(spec.target)]);
      expect(sorted(invoke.get(functionId(spec.target))!)).toEqual(['lambda:InvokeFunction']);
      const sqs = grants(statements, 'sqs:');
      expect([...sqs.keys()]).toEqual([queueId(SCHEDULER_DLQ_KEY)]);
      expect(sorted(sqs.get(queueId(SCHEDULER_DLQ_KEY))!)).toEqual(['sqs:SendMessage']);
      const others = statements.flatMap((s) => asArray(s.Action)).filter((a) => !a.startsWith('lambda:') && !a.startsWith('sqs:'));
      expect(others).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP API
// ---------------------------------------------------------------------------------------------

describe('HTTP API', () => {
  const authorizerId = (): string => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    return authorizers[0]![0];
  };

  it('has exactly the topology routes', () => {
    expect(sorted(ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.RouteKey as string))).toEqual(
      sorted(routes.map(routeKey)),
    );
  });

  it('authorizes with the authorizer function, simple responses, cached on the Authorization header', () => {
    const authorizer = props(authorizerId());
    expect(authorizer).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(referencedId(authorizer.AuthorizerUri)).toBe(functionId('authorizer'));
  });

  it('never routes to the authorizer function', () => {
    expect(routes.some((r) => r.function === 'authorizer')).toBe(false);
    const uris = ofType('AWS::ApiGatewayV2::Integration').map(([, r]) => referencedId(r.Properties?.IntegrationUri));
    expect(uris).not.toContain(functionId('authorizer'));
  });

  it('serves one auto-deployed $default stage with access logs, and no CORS', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    expect(stages[0]![1].Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
    expect(referencedId(stages[0]![1].Properties?.AccessLogSettings?.DestinationArn)).toBeDefined();
    const apis = ofType('AWS::ApiGatewayV2::Api');
    expect(apis).toHaveLength(1);
    expect(apis[0]![1].Properties?.CorsConfiguration).toBeUndefined();
  });

  describe.each(routes.map((r) => [routeKey(r), r] as const))('%s', (key, route) => {
    const routeProps = (): Record<string, Json> => {
      const found = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties?.RouteKey === key);
      expect(found).toHaveLength(1);
      return found[0]![1].Properties ?? {};
    };

    it(route.authorized ? 'goes through the authorizer' : 'is open', () => {
      if (route.authorized) {
        expect(routeProps().AuthorizationType).toBe('CUSTOM');
        expect(routeProps().AuthorizerId).toEqual(ref(authorizerId()));
      } else {
        expect(routeProps().AuthorizationType).toBe('NONE');
        expect(routeProps().AuthorizerId).toBeUndefined();
      }
    });

    it(`is integrated with ${route.function} (payload 2.0)`, () => {
      const integrationId = referencedId(routeProps().Target);
      expect(integrationId).toBeDefined();
      expect(props(integrationId!)).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: getAtt(functionId(route.function)),
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Functions: configuration, environment and least privilege
// ---------------------------------------------------------------------------------------------

describe('functions', () => {
  it('has exactly one function per topology entry', () => {
    expect(sorted(ofType('AWS::Lambda::Function').map(([, r]) => tagOf(r) ?? '(untagged)'))).toEqual(sorted(Object.keys(functions)));
  });

  const consumedQueues = (key: FunctionKey): QueueKey[] => queueEntries.filter(([, q]) => q.consumer === key).map(([k]) => k);

  describe.each(functionEntries)('%s', (key, spec) => {
    const fn = (): Record<string, Json> => props(functionId(key));
    const env = (): Record<string, Json> => (fn().Environment?.Variables ?? {}) as Record<string, Json>;
    const statements = (): Statement[] => statementsOfRole(roleOfFunction(key));

    it('runs Node.js 22 on arm64 with the declared memory, timeout and description', () => {
      expect(fn()).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        Description: spec.description,
      });
    });

    it('logs to its own log group, kept a year', () => {
      const logGroupId = referencedId(fn().LoggingConfig?.LogGroup);
      expect(logGroupId).toBeDefined();
      expect(props(logGroupId!).RetentionInDays).toBe(365);
    });

    it('reads exactly its declared secrets, as Secrets Manager references resolved at deploy time (never a value in the template)', () => {
      const declared = Object.entries(spec.secrets ?? {});
      const secretVariables = Object.entries(env()).filter(([name]) => /(SECRET|_KEY)$/.test(name));
      expect(secretVariables.map(([name]) => name).sort()).toEqual(declared.map(([name]) => name).sort());
      for (const [name, secretName] of declared) expect(env()[name]).toBe(`{{resolve:secretsmanager:${secretName}:SecretString:::}}`);
    });

    it('is told exactly the resources it is granted', () => {
      const expected: Record<string, Json> = {};
      for (const [table] of declaredTables(spec)) expected[envName.table(table)] = ref(tableId(table));
      if (spec.publishes) expected[envName.busName] = ref(busId());
      for (const queue of spec.sendsTo) expected[envName.queueUrl(queue)] = ref(queueId(queue));
      if (key === 'authorizer') {
        const context = cdkJsonContext();
        expected[envName.jwtIssuer] = context['yibao:jwtIssuer'];
        expected[envName.jwtAudience] = context['yibao:jwtAudience'];
        expected[envName.jwtJwksUrl] = context['yibao:jwtJwksUrl'];
        expected[envName.jwtMaxLifetimeSeconds] = context['yibao:jwtMaxLifetimeSeconds'];
      }
      const resourceVariables = Object.fromEntries(
        Object.entries(env()).filter(([name]) => /^(TABLE_|QUEUE_URL_|EVENT_BUS_NAME$|JWT_)/.test(name)),
      );
      expect(resourceVariables).toEqual(expected);
      expect(env()).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: key });
    });

    it('may touch exactly its declared tables (and their indexes), writing only where declared', () => {
      const dynamo = grants(statements(), 'dynamodb:');
      expect(sorted(dynamo.keys())).toEqual(sorted(declaredTables(spec).map(([table]) => tableId(table))));
      for (const [table, access] of declaredTables(spec)) {
        const actions = dynamo.get(tableId(table))!;
        expect(actions.has('dynamodb:GetItem')).toBe(true);
        expect(actions.has('dynamodb:Query')).toBe(true);
        for (const write of WRITE_ACTIONS) expect(actions.has(write)).toBe(access === 'readwrite');
        const indexArns = statements()
          .flatMap((s) => asArray<Json>(s.Resource))
          .filter((r: Json) => r?.['Fn::Join'] && referencedId(r) === tableId(table));
        expect(indexArns.length > 0).toBe(tables[table].indexes.length > 0);
      }
    });

    it(spec.publishes ? 'may put events on the bus only' : 'may not put events', () => {
      const events = grants(statements(), 'events:');
      if (spec.publishes) {
        expect([...events.keys()]).toEqual([busId()]);
        expect(sorted(events.get(busId())!)).toEqual(['events:PutEvents']);
      } else {
        expect(events.size).toBe(0);
      }
    });

    it('may send only to the queues it declares, and consume only the queue it consumes', () => {
      const sqs = grants(statements(), 'sqs:');
      const senders = sorted([...sqs].filter(([, actions]) => actions.has('sqs:SendMessage')).map(([id]) => id));
      expect(senders).toEqual(sorted(spec.sendsTo.map(queueId)));
      const receivers = sorted([...sqs].filter(([, actions]) => actions.has('sqs:ReceiveMessage')).map(([id]) => id));
      expect(receivers).toEqual(sorted(consumedQueues(key).map(queueId)));
      expect(sorted(sqs.keys())).toEqual(sorted(new Set([...senders, ...receivers])));
    });

    it('has no wildcard resources and no services beyond its grants', () => {
      for (const statement of statements()) {
        expect(asArray<Json>(statement.Resource)).not.toContain('*');
        for (const action of asArray(statement.Action)) expect(action).toMatch(/^(dynamodb|events|sqs):/);
      }
    });
  });
});

describe('outputs', () => {
  it('exports the API URL and the bus name', () => {
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'EventBusName']));
    expect(outputs.EventBusName.Value).toEqual(ref(busId()));
  });
});
