/**
 * The knowledge base imported like the catalogue: the shipped layer exported as a spreadsheet and
 * imported again is the same layer; a file with bad rows comes back with every problem (row, column,
 * rule) and builds nothing.
 */
import { describe, expect, it } from 'vitest';
import { knowledgeDocumentSchema } from '../../shared/knowledge/document.ts';
import { shippedKnowledge } from '../../shared/policy/knowledge-base.ts';
import { buildLayer, exportLayer } from '../../tools/knowledge.ts';

describe('knowledge-base import (npm run knowledge)', () => {
  it('round-trips the shipped national layer through CSV', () => {
    const { csv, manifest } = exportLayer('000000');
    expect(csv.split('\n').length).toBeGreaterThan(150);
    const built = buildLayer(csv, manifest);
    expect(built.problems).toEqual([]);
    expect(knowledgeDocumentSchema.parse(built.document)).toEqual(shippedKnowledge().find((d) => d.region === '000000'));
  });

  it('names every bad row: an unknown section, a price not in yuan, a per-day maximum of zero, a code with a space', () => {
    const { manifest } = exportLayer('000000');
    const csv = [
      'section,code,name,maxUnitPrice,maxPerDay,level,diagnoses,on',
      'priceLimits,250302002,床旁血糖,12.345,,,,',
      'quantityLimits,250302002,床旁血糖,,0,,,',
      'indications,XB 05,白蛋白,,,,K74,item',
      'nonsense,1,,,,,,',
      'outpatientTreatable,J06,,,,,,',
    ].join('\n');
    const built = buildLayer(csv, { ...manifest, region: '330900', version: 2 });
    expect(built.document).toBeUndefined();
    expect(built.problems.map((p) => [p.row, p.column, p.rule])).toEqual([
      [2, 'maxUnitPrice', 'yuan'],
      [2, 'maxUnitPrice', 'invalid_type'],
      [3, 'maxPerDay', 'too_small'],
      [4, 'code', 'custom'],
      [5, 'section', 'unknown_section'],
    ]);
  });
});
