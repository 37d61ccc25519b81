import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { eventBridgeEnvelopeSchema, eventMetaSchema, type EventBridgeEnvelope, type EventContract } from '../../events/contract.ts';
import { describeIssues } from '../http/validation.ts';

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

/** What a queue's parser makes of one message body. */
export interface ParsedMessage<T> {
  value: T;
  correlationId: string;
  /** Extra keys for every log line about this message. */
  logKeys?: Record<string, string>;
}

/**
 * An SQS consumer. Each record is handled on its own: parsed (a body that does not parse is a
 * poison message), its correlation id put on every log line, then handled; only the records that
 * failed are reported back (partial batch response), so one bad message never makes a good one
 * run twice, and SQS moves a message that keeps failing to the queue's DLQ.
 */
export function queueConsumer<T>(
  logger: Logger,
  parse: (body: unknown) => ParsedMessage<T>,
  handle: (message: T, meta: { correlationId: string; record: SQSRecord }) => Promise<void>,
) {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    logger.resetKeys();
    logger.appendKeys({ messageId: record.messageId, receiveCount: Number(record.attributes.ApproximateReceiveCount) });
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new PoisonMessageError('Message body is not JSON');
      }
      const parsed = parse(body);
      logger.appendKeys({ correlationId: parsed.correlationId, ...parsed.logKeys });
      await handle(parsed.value, { correlationId: parsed.correlationId, record });
    } catch (error) {
      logger.error('Message failed; SQS will retry it, then dead-letter it', {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        details: error instanceof PoisonMessageError ? error.details : undefined,
      });
      throw error;
    }
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
}

function parseEnvelope(body: unknown): EventBridgeEnvelope {
  const envelope = eventBridgeEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw new PoisonMessageError('Not an EventBridge event', describeIssues(envelope.error.issues, 'event'));
  return envelope.data;
}

const envelopeLogKeys = (e: EventBridgeEnvelope) => ({ eventId: e.id, detailType: e['detail-type'] });

export interface ReceivedEvent<C extends EventContract> {
  envelope: EventBridgeEnvelope;
  contract: C;
  detail: z.output<C['detail']>;
}

/** A consumer of bus events: the detail must fit one of the contracts this consumer accepts. */
export function eventConsumer<C extends EventContract>(
  logger: Logger,
  contracts: readonly C[],
  handle: (event: ReceivedEvent<C>, meta: { correlationId: string; record: SQSRecord }) => Promise<void>,
) {
  return queueConsumer<ReceivedEvent<C>>(
    logger,
    (body) => {
      const envelope = parseEnvelope(body);
      const contract = contracts.find((c) => c.source === envelope.source && c.detailType === envelope['detail-type']);
      if (!contract) throw new PoisonMessageError(`No contract for ${envelope.source} ${envelope['detail-type']}`);
      const detail = contract.detail.safeParse(envelope.detail);
      if (!detail.success) {
        throw new PoisonMessageError(`${envelope['detail-type']} detail is off-contract`, describeIssues(detail.error.issues, 'detail'));
      }
      const { meta } = detail.data as { meta: z.infer<typeof eventMetaSchema> };
      return {
        value: { envelope, contract, detail: detail.data as z.output<C['detail']> },
        correlationId: meta.correlationId,
        logKeys: envelopeLogKeys(envelope),
      };
    },
    handle,
  );
}

/** A consumer of any yibao event: only the envelope and `detail.meta` are checked (the audit trail). */
export function anyEventConsumer(
  logger: Logger,
  handle: (envelope: EventBridgeEnvelope, meta: { correlationId: string; record: SQSRecord }) => Promise<void>,
) {
  const withMeta = z.object({ meta: eventMetaSchema });
  return queueConsumer<EventBridgeEnvelope>(
    logger,
    (body) => {
      const envelope = parseEnvelope(body);
      const detail = withMeta.safeParse(envelope.detail);
      if (!detail.success) throw new PoisonMessageError('Event detail has no meta', describeIssues(detail.error.issues, 'detail'));
      return { value: envelope, correlationId: detail.data.meta.correlationId, logKeys: envelopeLogKeys(envelope) };
    },
    handle,
  );
}
