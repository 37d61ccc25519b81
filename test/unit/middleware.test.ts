/**
 * The named middlewares (shared/middleware/): each in a chain of its own, with a recording logger,
 * so what it adds to the chain is what is asserted.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineEvent } from '../../events/contract.ts';
import { DetailType, EventSource } from '../../events/catalog.ts';
import { partialBatchResponse, sqsRecordOf } from '../../shared/middleware/batch.ts';
import { type ApiEvent, type ApiResult, type HttpContext, httpCorrelation, httpErrors, jsonBody } from '../../shared/middleware/http.ts';
import { loggerContext } from '../../shared/middleware/logger-context.ts';
import { scheduledHandler } from '../../shared/middleware/schedule.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { badRequest, forbidden } from '../../shared/http/errors.ts';
import { fieldRefusal, Refusal } from '../../shared/refusal/refusal.ts';
import { SettlementRefusal } from '../../shared/settlement/statement.ts';

const context = { functionName: 'test-fn', awsRequestId: 'aws-req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

/** A logger that keeps what it was asked to log and the keys it was given. */
function recordingLogger() {
  const lines: { level: string; message: string; extra: unknown; keys: Record<string, unknown> }[] = [];
  let keys: Record<string, unknown> = {};
  const at =
    (level: string) =>
    (message: string, extra?: unknown): void => {
      lines.push({ level, message, extra, keys: { ...keys } });
    };
  // A real Powertools logger (the Lambda-context middleware needs one) whose writes are recorded instead.
  const logger = Object.assign(new Logger({ serviceName: 'middleware-test', logLevel: 'SILENT' }), {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    appendKeys: (k: Record<string, unknown>) => {
      keys = { ...keys, ...k };
    },
    resetKeys: () => {
      keys = {};
    },
  });
  return { logger: logger as unknown as Logger, lines, keys: () => keys };
}

const httpEvent = (over: Partial<ApiEvent> = {}): ApiEvent =>
  ({
    version: '2.0',
    routeKey: 'POST /v1/thing',
    rawPath: '/v1/thing',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId: 'gw-req-1', http: { method: 'POST' } },
    ...over,
  }) as ApiEvent;

const chain = (handler: (event: ApiEvent, context: HttpContext) => Promise<ApiResult>) =>
  middy<ApiEvent, ApiResult, Error, HttpContext>(handler);

describe('httpCorrelation', () => {
  it("keeps the caller's sane x-correlation-id, on the context and on the log keys", async () => {
    const { logger, keys } = recordingLogger();
    let seen: string | undefined;
    const h = chain(async (_e, c) => {
      seen = c.correlationId;
      return { statusCode: 204 };
    }).use(httpCorrelation(logger));
    await h(httpEvent({ headers: { 'x-correlation-id': 'his-42' } }), context as HttpContext);
    expect(seen).toBe('his-42');
    expect(keys()).toMatchObject({ correlationId: 'his-42', route: 'POST /v1/thing' });
  });

  it("falls back to API Gateway's request id when the caller's id is not sane", async () => {
    const { logger } = recordingLogger();
    let seen: string | undefined;
    const h = chain(async (_e, c) => {
      seen = c.correlationId;
      return { statusCode: 204 };
    }).use(httpCorrelation(logger));
    await h(httpEvent({ headers: { 'x-correlation-id': 'bad id with spaces' } }), context as HttpContext);
    expect(seen).toBe('gw-req-1');
  });
});

describe('jsonBody', () => {
  const echo = () =>
    chain(async (_e, c) => ({ statusCode: 200, body: JSON.stringify({ got: c.jsonBody ?? null }) }))
      .use(httpErrors(recordingLogger().logger))
      .use(jsonBody());

  it('parses a JSON body, and a base64-encoded one', async () => {
    expect(JSON.parse((await echo()(httpEvent({ body: '{"a":1}' }), context as HttpContext)).body as string)).toEqual({ got: { a: 1 } });
    const encoded = Buffer.from('{"b":[2]}').toString('base64');
    expect(JSON.parse((await echo()(httpEvent({ body: encoded, isBase64Encoded: true }), context as HttpContext)).body as string)).toEqual({
      got: { b: [2] },
    });
  });

  it('leaves no body undefined, and answers a body that is not JSON with a 400 naming body and the json rule', async () => {
    expect(JSON.parse((await echo()(httpEvent({ body: '' }), context as HttpContext)).body as string)).toEqual({ got: null });
    const res = await echo()(httpEvent({ body: '{"a":' }), context as HttpContext);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string)).toEqual({
      error: {
        code: 'BAD_REQUEST',
        message: 'body: not valid JSON',
        details: { problems: [{ field: 'body', rule: 'json', message: 'not valid JSON' }] },
      },
    });
  });
});

describe('jsonBody and the content type', () => {
  const echo = () =>
    chain(async (_e, c) => ({ statusCode: 200, body: JSON.stringify({ got: c.jsonBody ?? null }) }))
      .use(httpErrors(recordingLogger().logger))
      .use(jsonBody());
  const send = (contentType: string | undefined) =>
    echo()(
      httpEvent({ body: '{"a":1}', headers: contentType === undefined ? {} : { 'content-type': contentType } }),
      context as HttpContext,
    );

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/problem+json'])(
    'reads a body sent as %s',
    async (type) => {
      const res = await send(type);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body as string)).toEqual({ got: { a: 1 } });
    },
  );

  it.each([
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/jsonx',
    '',
  ])('refuses a body sent as %j with 415 naming content-type, without reading it as JSON', async (type) => {
    const res = await send(type);
    expect(res.statusCode).toBe(415);
    const body = JSON.parse(res.body as string);
    expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(body.error.details.problems[0]).toMatchObject({ field: 'content-type', rule: 'application/json' });
  });

  it('reads a body with no content type at all (a client that sends none), and ignores the type when there is no body', async () => {
    expect((await send(undefined)).statusCode).toBe(200);
    const empty = await echo()(httpEvent({ body: '', headers: { 'content-type': 'text/plain' } }), context as HttpContext);
    expect(JSON.parse(empty.body as string)).toEqual({ got: null });
  });
});

describe('httpErrors', () => {
  const failing = (error: unknown) => {
    const rec = recordingLogger();
    const h = chain(async () => {
      throw error;
    })
      .use(httpCorrelation(rec.logger))
      .use(httpErrors(rec.logger));
    return { rec, run: () => h(httpEvent({ headers: { 'x-correlation-id': 'c-1' } }), context as HttpContext) };
  };

  it('answers a refusal with its status and the uniform body, the correlation id echoed, logged as info', async () => {
    const { rec, run } = failing(forbidden('not yours', { field: 'providerCode' }));
    const res = await run();
    expect(res.statusCode).toBe(403);
    expect(res.headers).toMatchObject({ 'x-correlation-id': 'c-1', 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(res.body as string)).toEqual({
      error: { code: 'FORBIDDEN', message: 'not yours', details: { field: 'providerCode' } },
    });
    expect(rec.lines.map((l) => l.level)).toEqual(['info']);
  });

  it('answers every refusal kind the same way: a settlement refusal is a 400 naming the bill field', async () => {
    const res = await failing(new SettlementRefusal('visit.type', 'not_covered', 'the policy does not cover this visit type')).run();
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string)).toEqual({
      error: {
        code: 'BAD_REQUEST',
        message: 'body.visit.type: the policy does not cover this visit type',
        details: { problems: [{ field: 'body.visit.type', rule: 'not_covered', message: 'the policy does not cover this visit type' }] },
      },
    });
  });

  it('answers anything unexpected 500 without its message, and logs it as an error', async () => {
    const { rec, run } = failing(new TypeError('secret internals'));
    const res = await run();
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internals');
    expect(JSON.parse(res.body as string).error.code).toBe('INTERNAL');
    expect(rec.lines.map((l) => l.level)).toEqual(['error']);
  });
});

describe('the one refusal type', () => {
  it('takes its code from its status, and names the first field in its message', () => {
    expect(new Refusal(409, 'taken').toBody()).toEqual({ error: { code: 'CONFLICT', message: 'taken', details: {} } });
    expect(badRequest('x')).toBeInstanceOf(Refusal);
    const r = fieldRefusal(400, [
      { field: 'body.a', rule: 'too_small', message: 'at least 1' },
      { field: 'body.b', rule: 'invalid_type', message: 'a number' },
    ]);
    expect(r.message).toBe('body.a: at least 1');
    expect((r.details as { problems: unknown[] }).problems).toHaveLength(2);
  });
});

describe('loggerContext', () => {
  it("puts the Lambda context on the invocation's log lines and clears appended keys when it ends", async () => {
    const logger = new Logger({ serviceName: 'middleware-test', logLevel: 'INFO' });
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const h = middy(async (event: { key?: string }) => {
        if (event.key) logger.appendKeys({ correlationId: event.key });
        logger.info('inside');
        return 'ok';
      }).use(loggerContext(logger));
      await h({ key: 'c-9' }, context);
      await h({}, context);
    } finally {
      process.stdout.write = write;
    }
    const lines = written.map((w) => JSON.parse(w) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ message: 'inside', function_name: 'test-fn', function_request_id: 'aws-req-1', correlationId: 'c-9' });
    // The second invocation does not inherit the first one's key.
    expect(lines[1]).toMatchObject({ function_request_id: 'aws-req-1' });
    expect(lines[1]).not.toHaveProperty('correlationId');
  });
});

const sqsRecord = (messageId: string, body: unknown): SQSRecord =>
  ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:cn-north-1:000000000000:q',
    awsRegion: 'cn-north-1',
  }) as SQSRecord;

describe('partialBatchResponse', () => {
  const item = z.object({ n: z.number().int() });

  it('parses each record by schema, hands the handler the parsed message, and reports only the failures', async () => {
    const rec = recordingLogger();
    const handled: number[] = [];
    const h = partialBatchResponse(rec.logger, item, async (record) => {
      if (record.body.n === 3) throw new Error('three fails');
      handled.push(record.body.n);
    });
    const event: SQSEvent = {
      Records: [sqsRecord('m1', { n: 1 }), sqsRecord('m2', 'not json'), sqsRecord('m3', { n: 3 }), sqsRecord('m4', { n: 'four' })],
    };
    const out = await h(event, context);
    expect(handled).toEqual([1]);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m2', 'm3', 'm4']);
    // The two that did not fit their schema are logged as errors, naming the message; the handler's own failure is its to log.
    const misfits = rec.lines.filter((l) => l.message.startsWith('Message does not fit'));
    expect(misfits.map((l) => (l.extra as { messageId: string }).messageId).sort()).toEqual(['m2', 'm4']);
  });

  it('reads a record body as JSON text, and refuses text that is not JSON', () => {
    const schema = sqsRecordOf(item);
    expect(schema.parse(sqsRecord('m', { n: 5 })).body).toEqual({ n: 5 });
    expect(schema.safeParse(sqsRecord('m', '{')).success).toBe(false);
  });
});

describe('eventConsumer', () => {
  const Pinged = defineEvent({
    source: EventSource.platform,
    detailType: DetailType.pingReceived,
    schemaVersion: 1,
    payload: z.object({ message: z.string() }),
  });
  const envelope = (id: string, detailType: string, detail: unknown) => ({
    version: '0',
    id,
    'detail-type': detailType,
    source: EventSource.platform,
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'cn-north-1',
    resources: [],
    detail,
  });

  it('hands over only events of its contracts, with the correlation id of their meta on the log keys', async () => {
    const rec = recordingLogger();
    const got: { message: string; keys: Record<string, unknown> }[] = [];
    const h = eventConsumer(rec.logger, [Pinged], async ({ detail }, { correlationId }) => {
      got.push({ message: detail.message, keys: { ...rec.keys(), correlationId } });
    });
    const out = await h(
      {
        Records: [
          sqsRecord('ok', envelope('e1', DetailType.pingReceived, { message: 'hi', meta: { schemaVersion: 1, correlationId: 'c-7' } })),
          sqsRecord(
            'other-type',
            envelope('e2', DetailType.claimSettled, { message: 'hi', meta: { schemaVersion: 1, correlationId: 'c-8' } }),
          ),
          sqsRecord(
            'off-contract',
            envelope('e3', DetailType.pingReceived, { message: 42, meta: { schemaVersion: 1, correlationId: 'c-9' } }),
          ),
        ],
      },
      context,
    );
    expect(got).toEqual([{ message: 'hi', keys: expect.objectContaining({ correlationId: 'c-7', eventId: 'e1', messageId: 'ok' }) }]);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['off-contract', 'other-type']);
  });
});

describe('scheduledHandler', () => {
  it('parses the invocation by schema and gives the run its correlation id', async () => {
    const rec = recordingLogger();
    const h = scheduledHandler(
      rec.logger,
      async (invocation, { correlationId }) => ({ schedule: invocation.schedule, correlationId }),
      (inv) => `schedule-${inv.schedule}-x`,
    );
    expect(await h({ trigger: 'schedule', schedule: 'monthly', scheduledTime: '2026-11-30T18:00:00Z' }, context)).toEqual({
      schedule: 'monthly',
      correlationId: 'schedule-monthly-x',
    });
  });

  it('refuses an event that is not a scheduled invocation, rather than guessing', async () => {
    const h = scheduledHandler(recordingLogger().logger, async () => 'ran');
    await expect(h({ Records: [] } as never, context)).rejects.toThrow();
  });
});
