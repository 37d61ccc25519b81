/**
 * Free text a HIS or a clerk typed travels in events masked, as log lines are: an ID number typed
 * into a reversal reason, an item name or a department reaches the bus (and the audit trail) as
 * 1101**********4514. Keys and codes are not free text: an 18-digit claim number stays whole.
 */
import { describe, expect, it } from 'vitest';
import { ClaimReversed } from '../../events/claims.ts';
import { outboxEntry } from '../../shared/events/outbox.ts';

const ID = '110101199003074514';
const CLAIM_NO = '202503011234567890'; // 18 digits, a key: never masked

describe('free text in events', () => {
  it('masks an ID number typed into a reversal reason, and keeps an 18-digit claim number whole', () => {
    const entry = outboxEntry(
      ClaimReversed,
      {
        claim: { providerCode: 'H33090100001', claimNo: CLAIM_NO },
        memberId: 'M-1',
        region: '330900',
        reason: `病人 ${ID} 要求退费 (ID ${ID.slice(0, 17)}x)`,
      },
      'corr-1',
      `ClaimReversed#H33090100001#${CLAIM_NO}#1`,
      '2025-03-01T00:00:00Z',
    );
    expect(entry.detail).not.toContain(ID);
    expect(entry.detail).not.toContain(ID.slice(0, 17));
    const detail = JSON.parse(entry.detail);
    expect(detail.reason).toBe('病人 1101**********4514 要求退费 (ID 1101**********451x)');
    expect(detail.claim.claimNo).toBe(CLAIM_NO);
  });

  it('leaves text without an ID number as it is', () => {
    const entry = outboxEntry(
      ClaimReversed,
      {
        claim: { providerCode: 'H33090100001', claimNo: 'C-1' },
        memberId: 'M-1',
        region: '330900',
        reason: '重复结算 duplicate 12345678901234567',
      },
      'corr-1',
      'k',
      '2025-03-01T00:00:00Z',
    );
    expect(JSON.parse(entry.detail).reason).toBe('重复结算 duplicate 12345678901234567');
  });
});
