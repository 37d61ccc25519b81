import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { eventBridgeEnvelopeSchema, eventMetaSchema, type EventBridgeEnvelope, type EventContract } from '../../events/contract.ts';
import { parseRecords, partialBatchResponse, type ParsedRecord } from '../middleware/batch.ts';
import { loggerContext } from '../middleware/logger-context.ts';

/** A message that can never succeed: it is reported failed, retried by SQS, then dead-lettered. */
export class PoisonMessageError extends Error {
  constructor(
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/** What a handler learns about the record beside its message. */
export interface RecordMeta {
  correlationId: string;
  record: Omit<SQSRecord, 'body'>;
}

/** A queue's messages: their schema, and where each carries its correlation id and log keys. */
export interface MessageSpec<T> {
  schema: z.ZodType<T>;
  correlationId: (message: T) => string;
  /** Extra keys for every log line about this message. */
  logKeys?: (message: T) => Record<string, string>;
}

/**
 * An SQS consumer: a middy chain of the Lambda-context logger middleware and Powertools batch with
 * the queue's schema (shared/middleware/batch.ts). Each record is parsed by that schema (one that
 * does not fit is a poison message: failed, retried, dead-lettered), its correlation id put on every
 * log line, then handled on its own; only the records that failed are reported back.
 */
export function queueConsumer<T>(logger: Logger, spec: MessageSpec<T>, handle: (message: T, meta: RecordMeta) => Promise<void>) {
  const handleRecord = (record: ParsedRecord<T>): Promise<void> => {
    const correlationId = spec.correlationId(record.body);
    return inMessageOf(logger, spec, record, () => handle(record.body, { correlationId, record }));
  };
  return middy(partialBatchResponse(logger, spec.schema, handleRecord)).use(loggerContext(logger));
}

/** Runs work for one message with its keys on every log line; a failure is logged with them and thrown on. */
async function inMessageOf<T, R>(logger: Logger, spec: MessageSpec<T>, record: ParsedRecord<T>, work: () => Promise<R>): Promise<R> {
  logger.resetKeys();
  logger.appendKeys({
    messageId: record.messageId,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount),
    correlationId: spec.correlationId(record.body),
    ...spec.logKeys?.(record.body),
  });
  try {
    return await work();
  } catch (error) {
    logger.error('Message failed; SQS will retry it, then dead-letter it', {
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      details: error instanceof PoisonMessageError ? error.details : undefined,
    });
    throw error;
  }
}

/** One message of a batch handled together, and its record. */
export interface BatchMessage<T> {
  message: T;
  meta: RecordMeta;
}

/** Runs work for the batch's message `index` with its log keys (a failure logged as its own). */
export type InMessage = <R>(index: number, work: () => Promise<R>) => Promise<R>;

/**
 * An SQS consumer that handles a batch's messages together (to read and write what they need in
 * fewer requests: issue 17) and still answers per message: `handleBatch` settles each message
 * (fulfilled or rejected, in the batch's order) and only the rejected ones, with the records that do
 * not fit the schema, are reported back as batchItemFailures, so SQS brings back only those.
 */
export function queueBatchConsumer<T>(
  logger: Logger,
  spec: MessageSpec<T>,
  handleBatch: (messages: BatchMessage<T>[], inMessage: InMessage) => Promise<PromiseSettledResult<unknown>[]>,
) {
  const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { parsed, failed } = parseRecords(logger, spec.schema, event.Records);
    const messages = parsed.map((record) => ({ message: record.body, meta: { correlationId: spec.correlationId(record.body), record } }));
    const inMessage: InMessage = (index, work) => inMessageOf(logger, spec, parsed[index]!, work);
    let outcomes: PromiseSettledResult<unknown>[];
    try {
      outcomes = await handleBatch(messages, inMessage);
    } catch (error) {
      logger.resetKeys();
      logger.error('Batch failed; SQS will retry its messages', { error: error instanceof Error ? error.message : String(error) });
      outcomes = messages.map(() => ({ status: 'rejected', reason: error }));
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') failed.push(parsed[i]!.messageId);
    });
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
  return middy(handler).use(loggerContext(logger));
}

const envelopeLogKeys = (e: EventBridgeEnvelope) => ({ eventId: e.id, detailType: e['detail-type'] });
const correlationOf = (e: EventBridgeEnvelope) => (e.detail as { meta: z.infer<typeof eventMetaSchema> }).meta.correlationId;

export interface ReceivedEvent<C extends EventContract> {
  envelope: EventBridgeEnvelope;
  contract: C;
  detail: z.output<C['detail']>;
}

/** The envelope of exactly one of these contracts: its source, detail-type and detail. */
export function envelopeOf(contracts: readonly EventContract[]) {
  const options = contracts.map((c) =>
    eventBridgeEnvelopeSchema.extend({ source: z.literal(c.source), 'detail-type': z.literal(c.detailType), detail: c.detail }),
  );
  if (options.length === 0) throw new Error('A consumer accepts at least one contract');
  return options.length === 1 ? options[0]! : z.union(options as [(typeof options)[0], ...typeof options]);
}

/** A consumer of bus events: the record is parsed as the envelope of one of the contracts this consumer accepts. */
export function eventConsumer<C extends EventContract>(
  logger: Logger,
  contracts: readonly C[],
  handle: (event: ReceivedEvent<C>, meta: RecordMeta) => Promise<void>,
) {
  const schema = envelopeOf(contracts) as unknown as z.ZodType<EventBridgeEnvelope>;
  return queueConsumer<EventBridgeEnvelope>(
    logger,
    { schema, correlationId: correlationOf, logKeys: envelopeLogKeys },
    (envelope, meta) => {
      // The schema matched exactly one contract by source and detail-type.
      const contract = contracts.find((c) => c.source === envelope.source && c.detailType === envelope['detail-type'])!;
      return handle({ envelope, contract, detail: envelope.detail as z.output<C['detail']> }, meta);
    },
  );
}

/** A batch consumer of bus events (queueBatchConsumer): each record parsed as the envelope of one of these contracts. */
export function eventBatchConsumer<C extends EventContract>(
  logger: Logger,
  contracts: readonly C[],
  handleBatch: (events: BatchMessage<ReceivedEvent<C>>[], inMessage: InMessage) => Promise<PromiseSettledResult<unknown>[]>,
) {
  const schema = envelopeOf(contracts) as unknown as z.ZodType<EventBridgeEnvelope>;
  return queueBatchConsumer<EventBridgeEnvelope>(
    logger,
    { schema, correlationId: correlationOf, logKeys: envelopeLogKeys },
    (messages, inMessage) =>
      handleBatch(
        messages.map(({ message: envelope, meta }) => ({
          message: {
            envelope,
            contract: contracts.find((c) => c.source === envelope.source && c.detailType === envelope['detail-type'])!,
            detail: envelope.detail as z.output<C['detail']>,
          },
          meta,
        })),
        inMessage,
      ),
  );
}

const anyEventSchema = () =>
  eventBridgeEnvelopeSchema.extend({ detail: z.looseObject({ meta: eventMetaSchema }) }) as z.ZodType<EventBridgeEnvelope>;

/** A consumer of any yibao event: only the envelope and `detail.meta` are checked (the audit trail). */
export function anyEventConsumer(logger: Logger, handle: (envelope: EventBridgeEnvelope, meta: RecordMeta) => Promise<void>) {
  return queueConsumer<EventBridgeEnvelope>(
    logger,
    { schema: anyEventSchema(), correlationId: correlationOf, logKeys: envelopeLogKeys },
    handle,
  );
}

/** A batch consumer of any yibao event (queueBatchConsumer): the audit trail, archived a batch at a time. */
export function anyEventBatchConsumer(
  logger: Logger,
  handleBatch: (envelopes: BatchMessage<EventBridgeEnvelope>[], inMessage: InMessage) => Promise<PromiseSettledResult<unknown>[]>,
) {
  return queueBatchConsumer<EventBridgeEnvelope>(
    logger,
    { schema: anyEventSchema(), correlationId: correlationOf, logKeys: envelopeLogKeys },
    handleBatch,
  );
}
