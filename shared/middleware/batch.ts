/**
 * Partial batch responses for SQS consumers, with Powertools batch: each record is parsed by its
 * queue's schema (through BatchProcessor's parser hook: a record that does not fit never reaches the
 * handler) and handled on its own; only the records that failed are reported back, so one bad
 * message never makes a good one run twice, and SQS dead-letters a message that keeps failing.
 */
import { BatchProcessor, EventType, ParsingError, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { parser as powertoolsParser } from '@aws-lambda-powertools/batch/parser';
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
 * BatchProcessor's parser hook for a whole-record schema, which is the only way this project uses it.
 * Powertools' own `parser` (from '@aws-lambda-powertools/batch/parser') also builds schemas for
 * inner bodies, Kinesis and DynamoDB streams; those paths import the parser package's schemas, which
 * import zod by name and so every zod locale: about 370 KB more in each queue consumer's bundle (a
 * slower cold start for nothing). Same signature and the same ParsingError, so the processor treats
 * a record that does not fit exactly as with Powertools' parser.
 */
const parseRecord: typeof powertoolsParser = async (record, _eventType, _logger, config) => {
  const schema = config.schema as z.ZodType | undefined;
  if (!schema) throw new ParsingError('a whole-record schema is required');
  const result = schema.safeParse(record);
  // The parsed record (its body now the message) goes on to the handler in place of the raw one.
  if (result.success) return result.data as Awaited<ReturnType<typeof powertoolsParser>>;
  throw new ParsingError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
};

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
  const processor = new BatchProcessor(EventType.SQS, { parser: parseRecord, schema: sqsRecordOf(body), logger: quiet });
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

/**
 * A batch parsed for a consumer that handles its records together (queueBatchConsumer): the records
 * that fit their schema, and the ids of those that do not (logged here, once, and to be reported failed).
 */
export function parseRecords<T>(
  logger: Logger,
  body: z.ZodType<T>,
  records: readonly SQSRecord[],
): { parsed: ParsedRecord<T>[]; failed: string[] } {
  const schema = sqsRecordOf(body);
  const parsed: ParsedRecord<T>[] = [];
  const failed: string[] = [];
  for (const record of records) {
    const result = schema.safeParse(record);
    if (result.success) {
      parsed.push(result.data as unknown as ParsedRecord<T>);
      continue;
    }
    failed.push(record.messageId);
    logger.error('Message does not fit its queue schema; SQS will retry it, then dead-letter it', {
      messageId: record.messageId,
      problems: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    });
  }
  return { parsed, failed };
}
