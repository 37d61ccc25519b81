/**
 * The audit archive keeps a long detail gzipped (shared/events/stored-detail.ts) and reads either form
 * back: what a regulator's trail shows is the event as published, whatever its size or script.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/contract.ts';
import { archivedEventOf, auditItem } from '../../shared/audit/audit-item.ts';
import { GZIP_DETAIL_OVER_BYTES } from '../../shared/events/stored-detail.ts';

const envelope = (detail: Record<string, unknown>): EventBridgeEnvelope =>
  ({
    version: '0',
    id: 'e-1',
    'detail-type': 'ClaimSettled',
    source: 'yibao.settlement',
    account: '0',
    time: '2026-11-23T10:00:00Z',
    region: 'cn-north-1',
    resources: [],
    detail,
  }) as EventBridgeEnvelope;

const details = fc.record({
  eventId: fc.string({ minLength: 1, maxLength: 40 }),
  region: fc.constantFrom('330900', '532500'),
  lines: fc.array(
    fc.record({ itemName: fc.string({ unit: 'grapheme', maxLength: 30 }), amountFen: fc.integer({ min: 0, max: 10_000_000 }) }),
    {
      maxLength: 60,
    },
  ),
});

describe('an archived event', () => {
  it('keeps a detail over the threshold gzipped, a shorter one as it is, and reads either back as published (fast-check)', () => {
    fc.assert(
      fc.property(details, (detail) => {
        const item = auditItem(envelope(detail), 'corr-1');
        const long = Buffer.byteLength(JSON.stringify(detail)) > GZIP_DETAIL_OVER_BYTES;
        expect('detailGz' in item).toBe(long);
        expect('detail' in item).toBe(!long);
        const back = archivedEventOf(item);
        expect(back.detail).toEqual(detail);
        expect(back).toMatchObject({ eventId: detail.eventId, region: detail.region, correlationId: 'corr-1', detailType: 'ClaimSettled' });
      }),
      { numRuns: 200 },
    );
  });

  it('is the same bytes when the same fact is archived twice, and a settled claim’s detail is stored in under half its size', () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({ itemName: `血细胞分析 ${i}`, code: `25010101${i}`, amountFen: 1_000 + i }));
    const detail = { eventId: 'claim/H1/C1/1/ClaimSettled', region: '330900', lines };
    const gzipped = (item: ReturnType<typeof auditItem>) => Buffer.from('detailGz' in item ? item.detailGz : []);
    const first = gzipped(auditItem(envelope(detail), 'corr-1'));
    expect(first.length).toBeGreaterThan(0);
    expect(gzipped(auditItem(envelope(structuredClone(detail)), 'corr-1'))).toEqual(first);
    expect(first.length).toBeLessThan(JSON.stringify(detail).length / 2);
  });
});
