/** The operators' alarm topic and the two queue alarms every queue gets. */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Context key: an address to email alarms to; empty (the default) means no subscription. */
export const ALARM_EMAIL_CONTEXT = 'yibao:alarmEmail';

export function createOperatorTopic(scope: Construct): Topic {
  const topic = new Topic(scope, 'OperatorAlarms', { displayName: 'yibao operator alarms', enforceSSL: true });
  const email: unknown = scope.node.tryGetContext(ALARM_EMAIL_CONTEXT);
  if (typeof email === 'string' && email.trim() !== '') {
    topic.addSubscription(new EmailSubscription(email.trim()));
  }
  return topic;
}

/** Fires as soon as a dead-letter queue holds a message: something failed every retry. */
export function alarmOnDeadLetters(scope: Construct, id: string, dlq: Queue, topic: Topic, what: string): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `${what}: messages in the dead-letter queue need an operator.`,
    metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/** Fires when the oldest message has waited longer than `maxAgeSeconds`: the consumer is falling behind. */
export function alarmOnAge(scope: Construct, id: string, queue: Queue, maxAgeSeconds: number, topic: Topic, what: string): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `${what}: the oldest message is older than ${maxAgeSeconds} s, the consumer is falling behind.`,
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: maxAgeSeconds,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/**
 * Fires while the outbox holds dead letters: events the bus refused for ten relay runs, which reach
 * no consumer until an operator replays them (POST /v1/operations/dead-letters/replay). The relay
 * reports their number each minute as the metric yibao/OutboxDeadLetters (functions/platform/relay-handler.ts).
 */
export function alarmOnOutboxDeadLetters(scope: Construct, topic: Topic, metric: { namespace: string; name: string }): Alarm {
  const alarm = new Alarm(scope, 'OutboxDeadLettersAlarm', {
    alarmDescription:
      'Outbox: events the bus kept refusing wait as dead letters; list them (GET /v1/operations/dead-letters) and replay them once the cause is fixed.',
    metric: new Metric({ namespace: metric.namespace, metricName: metric.name, period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}
