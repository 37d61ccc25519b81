/**
 * Deliveries after commit joined, on the local cloud (shared/events/outbox.ts `deliverAfterCommit`):
 * claims settled at once share their PutEvents and their outbox deletes, and still every ClaimSettled
 * reaches the audit trail once and leaves the outbox. The adjudication function's first PutEvents are
 * held back at the SDK's transport (LocalIam.delayMs), as a slow bus would hold them, so the commits
 * that finish meanwhile are certain to queue behind them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { shardOf } from '../../shared/events/outbox.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, enrolTekunResident, eventually, openFuxinHospital, startTestCloud } from '../support/local-cloud.ts';

const HOSPITAL = 'H21090200071';
const CLAIMS = 24;
const HOLD_MS = 300;

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let provider: string;
const members: string[] = [];
/** The adjudication function's PutEvents calls: how many entries each carried. */
const putEvents: number[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  cloud.iam.delayMs = (call) => {
    if (call.function !== 'adjudication' || call.operation !== 'PutEvents') return undefined;
    putEvents.push((call.body.Entries as unknown[]).length);
    // The first two calls wait, as on a slow bus: everything committed meanwhile queues behind them.
    return putEvents.length <= 2 ? HOLD_MS : undefined;
  };
  const staff = await cloud.mint({ sub: 'joined-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  provider = await openFuxinHospital(cloud, staff, HOSPITAL, '阜新市联合医院');
  const nextId = idNumbers(Date.UTC(1962, 4, 5));
  for (let i = 0; i < CLAIMS; i++) members.push(await enrolTekunResident(cloud, staff, nextId('210902', '001')));
}, 120_000);

afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

const claimNo = (i: number) => `JOINED-${i}`;
const eventKey = (i: number) => `claim/${HOSPITAL}/${claimNo(i)}/1/ClaimSettled`;

describe('claims settled at once', () => {
  it('share their PutEvents, and each ClaimSettled is archived once and leaves the outbox', async () => {
    const answers = await Promise.all(
      members.map((memberId, i) =>
        api(cloud, 'POST', '/v1/claims', {
          token: provider,
          body: {
            providerCode: HOSPITAL,
            claimNo: claimNo(i),
            memberId,
            visit: { type: 'outpatient', serviceDate: '2020-06-01' },
            diagnoses: { principal: 'J06.900' },
            lines: [exampleLine(1, 'A', 'drug', 4_000)],
          },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(members.map(() => 201));
    // Every claim's event went out, in fewer calls than claims: the ones held and the ones joined behind them.
    expect(putEvents.reduce((sum, n) => sum + n, 0)).toBe(CLAIMS);
    expect(putEvents.length).toBeLessThanOrEqual(CLAIMS / 2);
    expect(Math.max(...putEvents)).toBeGreaterThan(1);

    for (let i = 0; i < CLAIMS; i++) {
      const archived = await eventually(
        async () => {
          const out = await db.send(
            new ScanCommand({
              TableName: localName.table('audit'),
              FilterExpression: 'eventId = :id',
              ExpressionAttributeValues: { ':id': eventKey(i) },
            }),
          );
          return out.Items?.length ? out.Items.length : undefined;
        },
        `the audit trail's copy of ${eventKey(i)}`,
      );
      expect(archived).toBe(1);
      const waiting = await db.send(
        new GetCommand({
          TableName: localName.table('outbox'),
          Key: { pk: `OUTBOX#${shardOf(eventKey(i))}`, sk: eventKey(i) },
          ConsistentRead: true,
        }),
      );
      expect(waiting.Item).toBeUndefined();
    }
  }, 120_000);
});
