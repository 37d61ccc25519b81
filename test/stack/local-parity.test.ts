/**
 * The local cloud and the synthesised stack are two renderings of one topology. This test reads
 * each side on its own terms (the CloudFormation template; the running emulators) and proves they
 * hold the same routes, tables, queues, rules and schedules. If someone hand-adds a resource to
 * either side, or one side stops following the topology, this fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalCloud, LocalDescription } from '../../infra/local/cloud.ts';
import { KEY_TAG, RULES_DLQ_KEY, SCHEDULER_DLQ_KEY } from '../../infra/stack/keys.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { synthTemplate } from './synth.ts';

type Json = any;
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
}

let resources: Record<string, Resource>;
let cloud: LocalCloud;
let local: LocalDescription;

beforeAll(async () => {
  resources = (synthTemplate().toJSON() as { Resources: Record<string, Resource> }).Resources;
  cloud = await startTestCloud();
  local = await cloud.describe();
});
afterAll(async () => {
  await cloud?.stop();
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const tag = (r: Resource | undefined) =>
  (r?.Properties?.Tags as { Key: string; Value: string }[] | undefined)?.find((t) => t.Key === KEY_TAG)?.Value;
/** The topology key of the resource a Ref / Fn::GetAtt points at. */
const keyOf = (ref: Json): string | undefined => {
  const id = ref?.Ref ?? ref?.['Fn::GetAtt']?.[0];
  return tag(resources[id]);
};
const byName = <T extends { key?: string; name?: string; routeKey?: string }>(items: T[], field: keyof T) =>
  [...items].sort((a, b) => String(a[field]).localeCompare(String(b[field])));

describe('local cloud ≡ synthesised stack', () => {
  it('serves the same routes, with the same functions and authorization', () => {
    const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, keyOf(r.Properties!.IntegrationUri)]));
    const stackRoutes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => {
      const integrationId = (r.Properties!.Target['Fn::Join'][1] as Json[]).find((part) => part?.Ref)?.Ref as string;
      return {
        routeKey: r.Properties!.RouteKey as string,
        function: integrations.get(integrationId),
        authorized: r.Properties!.AuthorizationType === 'CUSTOM',
      };
    });
    expect(byName(stackRoutes, 'routeKey')).toEqual(byName(local.routes, 'routeKey'));
  });

  it('holds the same tables with the same keys and indexes', async () => {
    const localTableNames = (await cloud.dynamo.client.send(new ListTablesCommand({}))).TableNames ?? [];
    const stackTables = ofType('AWS::DynamoDB::Table').map(([, r]) => tag(r)!);
    expect(localTableNames.sort()).toEqual(stackTables.map((key) => local.tables.find((t) => t.key === key)?.name).sort());

    for (const [, r] of ofType('AWS::DynamoDB::Table')) {
      const name = local.tables.find((t) => t.key === tag(r))!.name;
      const described = (await cloud.dynamo.client.send(new DescribeTableCommand({ TableName: name }))).Table!;
      expect(described.KeySchema, name).toEqual(r.Properties!.KeySchema);
      const indexes = (gsis: Json[] | undefined) =>
        (gsis ?? []).map((g) => ({ name: g.IndexName, keys: g.KeySchema })).sort((a, b) => a.name.localeCompare(b.name));
      expect(indexes(described.GlobalSecondaryIndexes), name).toEqual(indexes(r.Properties!.GlobalSecondaryIndexes));
    }
  });

  it('holds the same queues, each with its DLQ, redrive count, visibility timeout and consumer', async () => {
    // The stack also has two delivery DLQs that only AWS services write to (failed rule targets,
    // failed schedule invocations); locally the bus and scheduler report such failures instead.
    const awsOnly = new Set([RULES_DLQ_KEY, SCHEDULER_DLQ_KEY]);
    const consumers = new Map(
      ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => [keyOf(r.Properties!.EventSourceArn), keyOf(r.Properties!.FunctionName)]),
    );
    const stackQueues = ofType('AWS::SQS::Queue')
      .filter(([, r]) => r.Properties!.RedrivePolicy && !awsOnly.has(tag(r)!))
      .map(([, r]) => ({
        key: tag(r)!,
        deadLetter: keyOf(r.Properties!.RedrivePolicy.deadLetterTargetArn),
        maxReceiveCount: r.Properties!.RedrivePolicy.maxReceiveCount as number,
        visibilityTimeoutSeconds: r.Properties!.VisibilityTimeout as number,
        consumer: consumers.get(tag(r)!),
      }));
    const localQueues = await Promise.all(
      local.queues.map(async (q) => {
        const { Attributes } = await cloud.sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] }));
        const redrive = JSON.parse(Attributes!.RedrivePolicy!) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
        const dlqName = redrive.deadLetterTargetArn.split(':').pop()!;
        return {
          key: q.key,
          deadLetter: dlqName === `yibao-${q.key}-dlq` ? `${q.key}-dlq` : dlqName,
          maxReceiveCount: Number(redrive.maxReceiveCount),
          visibilityTimeoutSeconds: Number(Attributes!.VisibilityTimeout),
          consumer: q.consumer,
        };
      }),
    );
    expect(byName(localQueues, 'key')).toEqual(byName(stackQueues, 'key'));
  });

  it('runs the same rules: same patterns, feeding the same queues', () => {
    const urlToKey = new Map(local.queues.map((q) => [q.url, q.key]));
    const stackRules = ofType('AWS::Events::Rule').map(([, r]) => ({
      name: tag(r)!,
      pattern: r.Properties!.EventPattern,
      target: keyOf(r.Properties!.Targets[0].Arn),
      targets: r.Properties!.Targets.length,
    }));
    const localRules = local.rules.map((r) => ({ name: r.name, pattern: r.pattern, target: urlToKey.get(r.targetQueueUrl), targets: 1 }));
    expect(byName(localRules, 'name')).toEqual(byName(stackRules, 'name'));
  });

  it('fires the same schedules: expression, time zone, target and input', () => {
    const stackSchedules = ofType('AWS::Scheduler::Schedule').map(([, r]) => ({
      key: r.Properties!.Name as string,
      expression: r.Properties!.ScheduleExpression as string,
      timeZone: r.Properties!.ScheduleExpressionTimezone as string,
      target: keyOf(r.Properties!.Target.Arn),
      input: JSON.parse(r.Properties!.Target.Input as string),
    }));
    const localSchedules = local.schedules.map(({ key, expression, timeZone, target, input }) => ({
      key,
      expression,
      timeZone,
      target,
      input,
    }));
    expect(byName(localSchedules, 'key')).toEqual(byName(stackSchedules, 'key'));
  });
});
