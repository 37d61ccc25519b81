/**
 * The local cloud gives each handler only what its topology entry grants, as the stack does on AWS:
 * a handler is not given the variable naming a table, bus or queue it was not granted (the stack
 * sets only its own), and a call that reaches one anyway gets AccessDeniedException through the real
 * SDK, as IAM answers; the same call with the grant goes through.
 *
 * One cloud, with enrolment's grants narrowed to lose the accumulators table its eligibility route
 * reads: the route then fails exactly as it would on AWS with that grant missing.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME, type FunctionKey, functions, localName } from '../../infra/topology.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { readYearAccumulator } from '../../shared/accumulators/store/year-accumulator.ts';
import { dynamoDocumentClient, eventBridgeClient, sqsClient } from '../../shared/runtime/aws-clients.ts';
import { queueUrl, tableName } from '../../shared/runtime/resource-names.ts';
import { api, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let staff: string;
let provider: string;

const { accumulators: _dropped, ...enrolmentTablesWithoutAccumulators } = functions.enrolment.tables;

beforeAll(async () => {
  cloud = await startTestCloud({ grants: { enrolment: { ...functions.enrolment, tables: enrolmentTablesWithoutAccumulators } } });
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  provider = await cloud.mint({ sub: 'his-1', role: 'provider', providerCode: 'H5325001' });
});
afterAll(async () => {
  await cloud?.stop();
});

const denied = { name: 'AccessDeniedException' };
const runAs = <T>(fn: FunctionKey, work: () => T): T => cloud.lambda.runAs(fn, work);

describe('a table a handler was not granted', () => {
  it("refuses enrolment's eligibility route the accumulators table once its grant is gone, and allows its members table", async () => {
    const first17 = '53250119600102002';
    const enrolled = await api(cloud, 'POST', '/v1/members', {
      token: staff,
      body: { idNumber: first17 + checkCharacter(first17), year: 2025, region: '532500', scheme: 'resident' },
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const memberId: string = enrolled.body.member.memberId;

    expect((await api(cloud, 'GET', `/v1/members/${memberId}`, { token: staff })).status).toBe(200);

    const eligibility = await api(cloud, 'GET', `/v1/members/${memberId}/eligibility?date=2025-03-01`, { token: provider });
    expect(eligibility.status).toBe(500);
    // What failed it: the stack gives enrolment no variable for a table it was not granted.
    await expect(runAs('enrolment', () => readYearAccumulator(memberId, 2025))).rejects.toThrow(
      'Missing environment variable TABLE_ACCUMULATORS',
    );
  });

  it('answers a call that names the table anyway with AccessDeniedException, and lets a function granted it read it', async () => {
    const get = () =>
      dynamoDocumentClient().send(new GetCommand({ TableName: localName.table('accumulators'), Key: { pk: 'M', sk: 'Y' } }));
    const before = cloud.iam.denials.length;
    await expect(runAs('enrolment', get)).rejects.toMatchObject({ ...denied, $metadata: { httpStatusCode: 400 } });
    expect(cloud.iam.denials.slice(before)).toEqual([
      {
        service: 'dynamodb',
        function: 'enrolment',
        action: 'dynamodb:GetItem',
        resource: `arn:aws:dynamodb:${cloud.region}:000000000000:table/yibao-accumulators`,
      },
    ]);
    await expect(runAs('adjudication', get)).resolves.toBeDefined();
    await expect(runAs('adjudication', () => readYearAccumulator('M-NOBODY', 2025))).resolves.toMatchObject({ version: 0 });
  });

  it('refuses a write on a table granted for reading, item by item inside a transaction', async () => {
    // regulatorApi: alerts readwrite, audit read.
    const auditKey = { pk: 'DAY#2025-01-01', sk: 'grants-test' };
    const alertItem = { pk: 'ALERT#grants-test', sk: 'ALERT' };
    const db = () => dynamoDocumentClient();
    await expect(
      runAs('regulatorApi', () => db().send(new GetCommand({ TableName: tableName('audit'), Key: auditKey }))),
    ).resolves.toBeDefined();
    await expect(
      runAs('regulatorApi', () => db().send(new PutCommand({ TableName: tableName('audit'), Item: auditKey }))),
    ).rejects.toMatchObject(denied);
    // A condition check needs only read access; a put in the same transaction needs write access.
    const checkAuditPutAlert = new TransactWriteCommand({
      TransactItems: [
        { ConditionCheck: { TableName: tableName('audit'), Key: auditKey, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: tableName('alerts'), Item: alertItem } },
      ],
    });
    await expect(runAs('regulatorApi', () => db().send(checkAuditPutAlert))).resolves.toBeDefined();
    const putBoth = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName('alerts'), Item: { ...alertItem, sk: 'OTHER' } } },
        { Put: { TableName: tableName('audit'), Item: auditKey } },
      ],
    });
    await expect(runAs('regulatorApi', () => db().send(putBoth))).rejects.toMatchObject(denied);
    // Nothing of the refused transaction was written.
    const other = await db().send(new GetCommand({ TableName: tableName('alerts'), Key: { ...alertItem, sk: 'OTHER' } }));
    expect(other.Item).toBeUndefined();
  });
});

describe('the bus and queues a handler was not granted', () => {
  const putPing = () =>
    eventBridgeClient().send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS_NAME,
            Source: 'yibao.platform',
            DetailType: 'PingReceived',
            Detail: JSON.stringify({ role: 'staff', message: 'grants', meta: { schemaVersion: 1, correlationId: 'corr-grants' } }),
          },
        ],
      }),
    );

  it('refuses PutEvents to a function that does not publish, and allows one that does', async () => {
    expect(functions.audit.publishes).toBe(false);
    await expect(runAs('audit', putPing)).rejects.toMatchObject(denied);
    await expect(runAs('platform', putPing)).resolves.toMatchObject({ FailedEntryCount: 0 });
  });

  it('refuses SendMessage to a queue a function does not send to, and allows its own fan-out', async () => {
    const url = queueUrl('prepaymentWork');
    const send = () => sqsClient().send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"grants":"test"}' }));
    await expect(runAs('enrolment', send)).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(cloud.iam.denials.at(-1)).toMatchObject({ service: 'sqs', function: 'enrolment', action: 'sqs:SendMessage' });
    await expect(runAs('prepayment', send)).resolves.toMatchObject({ MessageId: expect.any(String) });
  });
});
