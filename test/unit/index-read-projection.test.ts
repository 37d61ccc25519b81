/**
 * A reader of an INCLUDE index takes its columns from the topology (`indexReadProjection`), so the list
 * a page reads and the list the index copies cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import { indexReadProjection, tables } from '../../infra/topology.ts';

const readColumns = (table: 'claims', index: string) => {
  const { ProjectionExpression, ExpressionAttributeNames } = indexReadProjection(table, index);
  return ProjectionExpression.split(', ').map((alias) => ExpressionAttributeNames[alias]);
};

describe('indexReadProjection', () => {
  it('reads the table keys, the index keys and every attribute the index copies, each once, through aliases', () => {
    for (const index of tables.claims.indexes) {
      if (typeof index.projection !== 'object') continue;
      const columns = readColumns('claims', index.name);
      expect(columns).toEqual([...new Set(columns)]);
      expect(new Set(columns)).toEqual(new Set(['pk', 'sk', index.partitionKey, index.sortKey, ...index.projection.include]));
      expect(indexReadProjection('claims', index.name).ProjectionExpression).not.toMatch(/\bstatus\b/);
    }
    expect(readColumns('claims', 'byProviderYear')).toEqual(expect.arrayContaining(['claimNo', 'status', 'totals']));
    expect(readColumns('claims', 'byRegionYear')).toEqual(expect.arrayContaining(['bill', 'inputs', 'parts', 'settlementNo']));
    expect(readColumns('claims', 'byRegionYear')).not.toContain('statement');
  });

  it('refuses an index that copies keys only or everything, and an index the table does not have', () => {
    expect(() => indexReadProjection('claims', 'bySettledDay')).toThrow(/copies keys/);
    expect(() => indexReadProjection('claims', 'byMember')).toThrow(/no index byMember/);
  });
});
