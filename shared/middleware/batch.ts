/**
 * Partial batch responses for SQS consumers, with Powertools batch: each record is parsed by its
 * queue's schema (Powertools' parser integration: a record that does not fit never reaches the
 * handler) and handled on its own; only the records that failed are reported back, so one bad
 * message never makes a good one run twice, and SQS dead-letters a message that keeps failing.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';

/** An SQS record whose body is the JSON text of a message fitting `body`: parsed, the record carries the message. */
export function sqsRecordOf<S extends z.ZodType>(body: S) {
  const json = z.string().transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'message body is not JSON' });
      return z.NEVER;
    }
  });
  return z.looseObject({ messageId: z.string(), body: json.pipe(body) });
}

/** A record as its handler gets it: the SQS record with its body parsed. */
export type ParsedRecord<T> = Omit<SQSRecord, 'body'> & { body: T };

/**
 * The chain's handler for a queue: Powertools' BatchProcessor with the record schema, answering
 * `{ batchItemFailures }`. A record that does not fit its schema is logged (with the problems) and
 * failed like any other; the handler logs its own failures with the message's correlation id.
 */
export function partialBatchResponse<T>(
  logger: Logger,
  body: z.ZodType<T>,
  handleRecord: (record: ParsedRecord<T>, context: Context) => Promise<void>,
) {
  // Powertools logs a parse failure at debug only; it is reported below, once, as an error.
  const quiet = { debug: () => undefined, warn: logger.warn.bind(logger), error: logger.error.bind(logger) };
  const processor = new BatchProcessor(EventType.SQS, { parser, schema: sqsRecordOf(body), logger: quiet });
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await processPartialResponse(
      event,
      (record: unknown) => handleRecord(record as unknown as ParsedRecord<T>, context),
      processor,
      {
        context,
        throwOnFullBatchFailure: false,
      },
    );
    processor.errors.forEach((error, i) => {
      if (error.name !== 'ParsingError') return;
      const record = processor.failureMessages[i] as SQSRecord | undefined;
      logger.error('Message does not fit its queue schema; SQS will retry it, then dead-letter it', {
        messageId: record?.messageId,
        problems: error.message,
      });
    });
    return response;
  };
}
