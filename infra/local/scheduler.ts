import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { schedules, SCHEDULE_TIME_ZONE, type ScheduleKey, type ScheduleSpec, type FunctionKey } from '../topology.ts';

/**
 * Turns an EventBridge Scheduler expression into a croner job. AWS cron has six fields
 * (minute hour day-of-month month day-of-week year), `?`, L, W, # and Quartz weekday numbers
 * (1 = Sunday): croner's 7-part mode with alternativeWeekdays reads exactly that once a seconds
 * field is put in front. rate() becomes a fixed interval.
 */
export function parseScheduleExpression(expression: string): { cron: string } | { everyMs: number } {
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron?.[1]) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) throw new Error(`cron() needs 6 fields, got ${fields.length}: ${expression}`);
    return { cron: `0 ${fields.join(' ')}` };
  }
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate?.[1] && rate[2]) {
    const unitMs = rate[2].startsWith('minute') ? 60_000 : rate[2].startsWith('hour') ? 3_600_000 : 86_400_000;
    return { everyMs: Number(rate[1]) * unitMs };
  }
  throw new Error(`Unsupported schedule expression: ${expression}`);
}

export function cronJob(expression: string, timeZone: string, paused = true): Cron {
  const parsed = parseScheduleExpression(expression);
  if (!('cron' in parsed)) throw new Error(`${expression} is not a cron expression`);
  return new Cron(parsed.cron, { timezone: timeZone, mode: '7-part', alternativeWeekdays: true, paused });
}

/** Fills EventBridge Scheduler's context placeholders into a schedule's input, as AWS does at each firing. */
export function renderInput(input: Record<string, unknown>, firing: { scheduledTime: Date; scheduleArn: string }): unknown {
  const text = JSON.stringify(input)
    .replaceAll('<aws.scheduler.scheduled-time>', firing.scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    .replaceAll('<aws.scheduler.execution-id>', randomUUID())
    .replaceAll('<aws.scheduler.schedule-arn>', firing.scheduleArn)
    .replaceAll('<aws.scheduler.attempt-number>', '1');
  return JSON.parse(text);
}

export interface ScheduleFiring {
  schedule: ScheduleKey;
  function: FunctionKey;
  scheduledTime: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface LocalScheduler {
  /** The schedules as the local cloud runs them, with their next firing. */
  list(): {
    key: ScheduleKey;
    expression: string;
    timeZone: string;
    target: FunctionKey;
    input: Record<string, unknown>;
    nextRun: string | null;
  }[];
  /** Fires a schedule now (or as if at `at`), exactly as its timer would. */
  fire(key: ScheduleKey, at?: Date): Promise<ScheduleFiring>;
  stop(): void;
}

export function startScheduler(options: {
  region: string;
  account: string;
  invoke: (fn: FunctionKey, event: unknown) => Promise<unknown>;
  onFiring?: (firing: ScheduleFiring) => void;
  /** Timers off (tests): schedules fire only by hand. */
  timers: boolean;
}): LocalScheduler {
  const entries = Object.entries(schedules) as [ScheduleKey, ScheduleSpec][];
  const fire = async (key: ScheduleKey, at = new Date()): Promise<ScheduleFiring> => {
    const spec: ScheduleSpec = schedules[key];
    const event = renderInput(spec.input, {
      scheduledTime: at,
      scheduleArn: `arn:aws:scheduler:${options.region}:${options.account}:schedule/default/${key}`,
    });
    let firing: ScheduleFiring;
    try {
      const result = await options.invoke(spec.target, event);
      firing = { schedule: key, function: spec.target, scheduledTime: at.toISOString(), ok: true, result };
    } catch (error) {
      firing = {
        schedule: key,
        function: spec.target,
        scheduledTime: at.toISOString(),
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    options.onFiring?.(firing);
    return firing;
  };

  const jobs = new Map<ScheduleKey, Cron>();
  const intervals: NodeJS.Timeout[] = [];
  for (const [key, spec] of entries) {
    const parsed = parseScheduleExpression(spec.expression);
    if ('cron' in parsed) {
      const job = cronJob(spec.expression, SCHEDULE_TIME_ZONE, !options.timers);
      if (options.timers)
        job.schedule(() => {
          void fire(key);
        });
      jobs.set(key, job);
    } else if (options.timers) {
      intervals.push(
        setInterval(() => {
          void fire(key);
        }, parsed.everyMs).unref(),
      );
    }
  }
  return {
    list: () =>
      entries.map(([key, spec]) => ({
        key,
        expression: spec.expression,
        timeZone: SCHEDULE_TIME_ZONE,
        target: spec.target,
        input: spec.input,
        nextRun: jobs.get(key)?.nextRun()?.toISOString() ?? null,
      })),
    fire,
    stop: () => {
      jobs.forEach((job) => job.stop());
      intervals.forEach(clearInterval);
    },
  };
}
