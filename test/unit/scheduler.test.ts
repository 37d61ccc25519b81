import { describe, expect, it } from 'vitest';
import { cronJob, parseScheduleExpression, renderInput } from '../../infra/local/scheduler.ts';
import { schedules, SCHEDULE_TIME_ZONE } from '../../infra/topology.ts';

const nextAfter = (expression: string, from: string, timeZone = SCHEDULE_TIME_ZONE) =>
  cronJob(expression, timeZone).nextRun(new Date(from))?.toISOString();

describe('EventBridge Scheduler expressions on the local scheduler', () => {
  it('fires the monthly prepayment at 02:00 Shanghai on the 1st (18:00 UTC the day before)', () => {
    expect(nextAfter(schedules.monthlyPrepayment.expression, '2026-11-23T00:00:00Z')).toBe('2026-11-30T18:00:00.000Z');
    expect(nextAfter(schedules.monthlyPrepayment.expression, '2026-11-30T18:00:00Z')).toBe('2026-12-31T18:00:00.000Z');
  });

  it('fires the year-end settlement at 03:00 Shanghai on 1 April', () => {
    expect(nextAfter(schedules.yearEndSettlement.expression, '2026-11-23T00:00:00Z')).toBe('2027-03-31T19:00:00.000Z');
  });

  it('reads day-of-week the AWS (Quartz) way: 1 is Sunday, 2 is Monday', () => {
    // 2026-11-23 is a Monday.
    expect(nextAfter('cron(0 9 ? * 2 *)', '2026-11-22T00:00:00Z', 'UTC')).toBe('2026-11-23T09:00:00.000Z');
    expect(nextAfter('cron(0 9 ? * 1 *)', '2026-11-23T00:00:00Z', 'UTC')).toBe('2026-11-29T09:00:00.000Z');
    expect(nextAfter('cron(0 9 ? * MON-FRI *)', '2026-11-28T00:00:00Z', 'UTC')).toBe('2026-11-30T09:00:00.000Z');
  });

  it('honours the year field and L (last day of the month)', () => {
    expect(nextAfter('cron(0 0 1 1 ? 2028)', '2026-01-01T00:00:00Z', 'UTC')).toBe('2028-01-01T00:00:00.000Z');
    expect(nextAfter('cron(30 23 L * ? *)', '2027-02-01T00:00:00Z', 'UTC')).toBe('2027-02-28T23:30:00.000Z');
  });

  it('reads rate() expressions as intervals', () => {
    expect(parseScheduleExpression('rate(5 minutes)')).toEqual({ everyMs: 300_000 });
    expect(parseScheduleExpression('rate(1 hour)')).toEqual({ everyMs: 3_600_000 });
    expect(parseScheduleExpression('rate(2 days)')).toEqual({ everyMs: 172_800_000 });
  });

  it('refuses expressions AWS would refuse', () => {
    expect(() => parseScheduleExpression('cron(0 2 1 * ?)')).toThrow(/6 fields/);
    expect(() => parseScheduleExpression('rate(5 fortnights)')).toThrow(/Unsupported/);
    expect(() => parseScheduleExpression('0 2 1 * *')).toThrow(/Unsupported/);
  });

  it('fills the scheduler context placeholders into the input', () => {
    const input = renderInput(schedules.monthlyPrepayment.input, {
      scheduledTime: new Date('2026-11-30T18:00:00.000Z'),
      scheduleArn: 'arn:aws:scheduler:cn-north-1:0:schedule/default/monthlyPrepayment',
    });
    expect(input).toEqual({ trigger: 'schedule', schedule: 'monthlyPrepayment', scheduledTime: '2026-11-30T18:00:00Z' });
    expect(
      renderInput(
        { a: '<aws.scheduler.schedule-arn>', n: '<aws.scheduler.attempt-number>' },
        { scheduledTime: new Date(0), scheduleArn: 'arn:x' },
      ),
    ).toEqual({ a: 'arn:x', n: '1' });
  });
});
