import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import type { ApiEvent, ApiResult } from '../http/api.ts';

/** What EventBridge Scheduler hands a function: the schedule's input with the firing time filled in. */
export const scheduledInvocationSchema = z.object({
  trigger: z.literal('schedule'),
  schedule: z.string(),
  scheduledTime: z.iso.datetime({ offset: true }),
});
export type ScheduledInvocation = z.infer<typeof scheduledInvocationSchema>;

type Handlers<R> = {
  http?: (event: ApiEvent, context: Context) => Promise<ApiResult>;
  sqs?: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  schedule?: (event: ScheduledInvocation, context: Context) => Promise<R>;
};

/**
 * One Lambda, several triggers (HTTP route, queue, schedule): picks the handler by the event's
 * shape, as AWS delivers it. An event of no known shape is an error, not a guess.
 */
export function byTrigger<R>(handlers: Handlers<R>) {
  return async (event: unknown, context: Context): Promise<ApiResult | SQSBatchResponse | R> => {
    const e = event as Record<string, unknown>;
    if (handlers.sqs && Array.isArray(e.Records) && (e.Records[0] as { eventSource?: string })?.eventSource === 'aws:sqs') {
      return handlers.sqs(event as SQSEvent, context);
    }
    if (handlers.http && typeof e.requestContext === 'object' && e.requestContext !== null && 'http' in e.requestContext) {
      return handlers.http(event as ApiEvent, context);
    }
    if (handlers.schedule && e.trigger === 'schedule') {
      return handlers.schedule(scheduledInvocationSchema.parse(event), context);
    }
    throw new Error('Unrecognised invocation: not an HTTP request, SQS batch or schedule this function serves');
  };
}
