/**
 * EventBridge Scheduler schedules, one per `schedules` entry, in the agency's time zone. Each has its
 * own execution role that may invoke only its target function (and dead-letter what it cannot).
 */
import { Aws, Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { SCHEDULE_TIME_ZONE, schedules, type ScheduleKey, type ScheduleSpec } from '../topology.ts';
import { alarmOnDeadLetters } from './alarms.ts';
import type { Functions } from './functions.ts';
import { entries, pascal, SCHEDULER_DLQ_KEY } from './keys.ts';
import { deadLetterQueue } from './messaging.ts';

export function createSchedules(scope: Construct, functionsByKey: Functions, topic: Topic): Record<ScheduleKey, CfnSchedule> {
  const failed = deadLetterQueue(scope, 'SchedulerDeadLetterQueue', SCHEDULER_DLQ_KEY);
  alarmOnDeadLetters(scope, 'SchedulerDeadLetterAlarm', failed, topic, 'Schedules');

  const created: Partial<Record<ScheduleKey, CfnSchedule>> = {};
  for (const [key, spec] of entries<ScheduleKey, ScheduleSpec>(schedules)) {
    const id = pascal(key);
    const target = functionsByKey[spec.target];
    const role = new Role(scope, `${id}ScheduleRole`, {
      description: `EventBridge Scheduler: invoke ${spec.target} for the ${key} schedule`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
    role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [failed.queueArn] }));

    const schedule = new CfnSchedule(scope, `${id}Schedule`, {
      // Named after the topology key so operators (and the local scheduler) use one name.
      name: key,
      description: spec.description,
      scheduleExpression: spec.expression,
      scheduleExpressionTimezone: SCHEDULE_TIME_ZONE,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: target.functionArn,
        roleArn: role.roleArn,
        // Verbatim: Scheduler fills `<aws.scheduler.scheduled-time>` in at each firing.
        input: JSON.stringify(spec.input),
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: Duration.hours(6).toSeconds() },
        deadLetterConfig: { arn: failed.queueArn },
      },
    });
    // The role's policy must exist before the first firing can use it.
    schedule.node.addDependency(role);
    created[key] = schedule;
  }
  return created as Record<ScheduleKey, CfnSchedule>;
}
