/**
 * What a member's state on a date reads, at the SDK's edge: the one consistent query of the member's
 * partition, stopping below the registers' bookkeeping (their history and locks, which grow with every
 * change), for a claim's settlement and for the personal account alike.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { loadSettlementMember } from '../../shared/settlement/store/member-source.ts';
import { loadMemberState } from '../../shared/enrolment/store/member-state.ts';
import { readMemberItems } from '../../shared/enrolment/store/members.ts';
import { REGISTER_BOOKKEEPING_FROM } from '../../shared/registers/entry.ts';
import { exampleBill, exampleLine } from '../../shared/settlement/examples.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  process.env.TABLE_MEMBERS = 'members-table';
  dynamo.reset();
  // A member the register does not know: the reads are what is checked here.
  dynamo.on(QueryCommand).resolves({ Items: [] });
});
afterEach(() => dynamo.reset());

const queries = () => dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
const belowBookkeeping = {
  TableName: 'members-table',
  KeyConditionExpression: 'pk = :pk AND sk < :bookkeeping',
  ExpressionAttributeValues: { ':pk': 'MEMBER#M-READ', ':bookkeeping': REGISTER_BOOKKEEPING_FROM },
  ConsistentRead: true,
};

describe("a member's state on a date", () => {
  it("is read for a claim in one query that stops below the registers' history and locks", async () => {
    await expect(loadSettlementMember(exampleBill([exampleLine(1, 'A', 'drug', 100)], { memberId: 'M-READ' }))).rejects.toThrow(
      /no member M-READ/,
    );
    expect(queries()).toEqual([belowBookkeeping]);
  });

  it('is read the same way for the personal account (loadMemberState)', async () => {
    expect(await loadMemberState('M-READ', '2025-06-01')).toBeUndefined();
    expect(queries()).toEqual([belowBookkeeping]);
  });

  it('reads the whole partition by default: a register change needs its history and locks', async () => {
    await readMemberItems('M-READ');
    expect(queries()).toEqual([
      {
        TableName: 'members-table',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'MEMBER#M-READ' },
        ConsistentRead: true,
      },
    ]);
  });
});
