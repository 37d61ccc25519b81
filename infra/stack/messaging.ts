/**
 * The bus, the queues (each with its dead-letter queue and two alarms), the rules that feed the queues
 * from the bus, and the SQS event sources that feed the consumers from the queues.
 */
import { Duration } from 'aws-cdk-lib';
import { type CfnRule, EventBus, type EventPattern as CdkEventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BUS_NAME, queues, rules, type QueueKey, type QueueSpec, type RuleKey, type RuleSpec } from '../topology.ts';
import { alarmOnAge, alarmOnDeadLetters } from './alarms.ts';
import type { Functions } from './functions.ts';
import { dlqKey, entries, pascal, RULES_DLQ_KEY, tagKey } from './keys.ts';

export type Queues = Record<QueueKey, Queue>;

export function createBus(scope: Construct): EventBus {
  return new EventBus(scope, 'EventBus', { eventBusName: BUS_NAME });
}

/** A dead-letter queue: kept 14 days (longer than any source queue keeps a message), encrypted, TLS only. */
export function deadLetterQueue(scope: Construct, id: string, key: string): Queue {
  const dlq = new Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  tagKey(dlq, key);
  return dlq;
}

export function createQueues(scope: Construct, topic: Topic): Queues {
  const created: Partial<Queues> = {};
  for (const [key, spec] of entries<QueueKey, QueueSpec>(queues)) {
    const id = pascal(key);
    const dlq = deadLetterQueue(scope, `${id}DeadLetterQueue`, dlqKey(key));
    const queue = new Queue(scope, `${id}Queue`, {
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      // SQS-managed SSE: EventBridge can deliver to it without a customer-managed key policy.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
    });
    tagKey(queue, key);
    alarmOnDeadLetters(scope, `${id}DeadLetterAlarm`, dlq, topic, `Queue ${key}`);
    alarmOnAge(scope, `${id}AgeAlarm`, queue, spec.maxAgeSeconds, topic, `Queue ${key}`);
    created[key] = queue;
  }
  return created as Queues;
}

/** Each queue's declared consumer polls it; failed records of a batch are reported one by one. */
export function connectConsumers(queuesByKey: Queues, functionsByKey: Functions): void {
  for (const [key, spec] of entries<QueueKey, QueueSpec>(queues)) {
    functionsByKey[spec.consumer].addEventSource(
      new SqsEventSource(queuesByKey[key], {
        batchSize: spec.batchSize,
        maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
      }),
    );
  }
}

/**
 * One rule per `rules` entry. The topology's patterns use content filters (`{ prefix: 'yibao.' }`)
 * that the typed `events.EventPattern` does not describe, and the L2 re-renders (and may one day
 * normalise) what it is given; so the pattern is also written onto the CloudFormation rule verbatim:
 * the template carries exactly the pattern the local bus matches.
 * Events the bus cannot deliver to a queue (after EventBridge's retries) land in one shared DLQ.
 */
export function createRules(scope: Construct, bus: EventBus, queuesByKey: Queues, topic: Topic): Record<RuleKey, Rule> {
  const undelivered = deadLetterQueue(scope, 'RulesDeadLetterQueue', RULES_DLQ_KEY);
  alarmOnDeadLetters(scope, 'RulesDeadLetterAlarm', undelivered, topic, 'Bus rules');
  const created: Partial<Record<RuleKey, Rule>> = {};
  for (const [key, spec] of entries<RuleKey, RuleSpec>(rules)) {
    const rule = new Rule(scope, `${pascal(key)}Rule`, {
      eventBus: bus,
      description: spec.description,
      eventPattern: spec.pattern as unknown as CdkEventPattern,
      targets: [
        new SqsQueue(queuesByKey[spec.target], {
          deadLetterQueue: undelivered,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    // Replace the L2's rendering with the topology pattern as-is.
    (rule.node.defaultChild as CfnRule).eventPattern = structuredClone(spec.pattern);
    tagKey(rule, key);
    created[key] = rule;
  }
  return created as Record<RuleKey, Rule>;
}
