/**
 * Scheduled invocations (EventBridge Scheduler): the chain parses the event by schema with
 * Powertools' parser middleware (an event of any other shape is an error, never a guess), then puts
 * the run's correlation id on the context and every log line.
 */
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { loggerContext } from './logger-context.ts';

/** What EventBridge Scheduler hands a function: the schedule's input with the firing time filled in. */
export const scheduledInvocationSchema = z.object({
  trigger: z.literal('schedule'),
  schedule: z.string(),
  scheduledTime: z.iso.datetime({ offset: true }),
});
export type ScheduledInvocation = z.infer<typeof scheduledInvocationSchema>;

export type ScheduleContext = Context & { correlationId?: string };

/** The run's correlation id (derived from the invocation, so a retried firing keeps it) on the context and every log line. */
export const scheduleCorrelation = (
  logger: Logger,
  correlationIdOf: (invocation: ScheduledInvocation) => string,
): MiddlewareObj<ScheduledInvocation, unknown, Error, ScheduleContext> => ({
  before: (request) => {
    const correlationId = correlationIdOf(request.event);
    request.context.correlationId = correlationId;
    logger.appendKeys({ correlationId });
  },
});

const byFiring = (invocation: ScheduledInvocation) => `schedule-${invocation.schedule}-${invocation.scheduledTime}`;

/** A function's schedule entry point: Lambda context on the logger, the invocation parsed by schema, its correlation id. */
export function scheduledHandler<R>(
  logger: Logger,
  run: (invocation: ScheduledInvocation, context: ScheduleContext & { correlationId: string }) => Promise<R>,
  correlationIdOf: (invocation: ScheduledInvocation) => string = byFiring,
) {
  const base = (invocation: ScheduledInvocation, context: ScheduleContext) =>
    run(invocation, context as ScheduleContext & { correlationId: string });
  return middy<ScheduledInvocation, R, Error, ScheduleContext>(base)
    .use(loggerContext(logger))
    .use(parser({ schema: scheduledInvocationSchema }) as MiddlewareObj<ScheduledInvocation, R, Error, ScheduleContext>)
    .use(scheduleCorrelation(logger, correlationIdOf) as MiddlewareObj<ScheduledInvocation, R, Error, ScheduleContext>);
}
