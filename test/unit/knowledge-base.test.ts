import { describe, expect, it } from 'vitest';
import { codeMatches, drugIdentity } from '../../shared/knowledge/codes.ts';
import { knowledgeDocumentSchema, type KnowledgeDocumentInput } from '../../shared/knowledge/document.ts';
import { KnowledgeBase } from '../../shared/knowledge/knowledge-base.ts';
import { shippedKnowledge } from '../../shared/policy/knowledge-base.ts';
import { knowledgeOf } from '../../shared/policy/store/knowledge-lookup.ts';

const national = () => shippedKnowledge().find((d) => d.region === '000000')!;

function layer(region: string, edit: Partial<KnowledgeDocumentInput>) {
  return knowledgeDocumentSchema.parse({
    kind: 'knowledge-base',
    region,
    regionName: region,
    version: 1,
    effectiveFrom: '2026-01-01',
    title: 'test layer',
    sources: [{ id: 's', title: 't', documentNo: null, issuer: 'i', date: '2026', where: 'test', note: 'test' }],
    ...edit,
  });
}

describe('code hierarchies', () => {
  it('a procedure or diagnosis category names every code under it, dots and case aside', () => {
    expect(codeMatches('procedure', '36.07', '36.0700')).toBe(true);
    expect(codeMatches('procedure', '36.07', '36.0700x001')).toBe(true);
    expect(codeMatches('procedure', '36.07', '3607')).toBe(true);
    expect(codeMatches('procedure', '36.0', '36.0600')).toBe(true);
    expect(codeMatches('procedure', '36.07', '36.0600')).toBe(false);
    expect(codeMatches('diagnosis', 'K35', 'K35.800')).toBe(true);
    expect(codeMatches('diagnosis', 'K35*', 'k35.8')).toBe(true);
    expect(codeMatches('diagnosis', 'K35', 'K36.x00')).toBe(false);
  });

  it('an item code is exact unless it ends in *; a national drug code names its drug by its first ten characters', () => {
    expect(codeMatches('item', '250101015', '2501010150')).toBe(false);
    expect(codeMatches('item', '250101015', '250101015')).toBe(true);
    expect(codeMatches('item', 'XB05AAR*', 'XB05AAR115B002010100001')).toBe(true);
    expect(drugIdentity('XC08CAA085A001010100001')).toBe('XC08CAA085');
    expect(drugIdentity('250101015')).toBe('250101015');
  });
});

describe('the knowledge base', () => {
  it('the shipped national layer parses and answers for codes it names by category only', () => {
    const kb = new KnowledgeBase([national()]);
    expect(kb.indication('procedure', '36.0700x001')?.diagnoses).toContain('I25');
    expect(kb.indication('item', 'XB05AAR115B002010100001')?.text).toContain('肝硬化');
    expect(kb.quantityLimit('250302002')?.maxPerDay).toBe(7);
    expect(kb.frequentTreatment({ itemCodes: ['001404000280000'] })?.id).toBe('dialysis');
    expect(kb.frequentTreatment({ principalDiagnosis: 'Z51.000' })?.id).toBe('radiotherapy');
    expect(kb.longPrescriptionDays(['I10.x00'], 'XC08CAA085A001010100001')?.days).toBe(84);
    expect(kb.longPrescriptionDays(['J20.900'], 'XC08CAA085A001010100001')).toBeUndefined();
    expect(kb.related('I21.000', 'I25.103')?.id).toBe('ihd');
    expect(kb.related('I21.000', 'K35.800')).toBeUndefined();
    expect(kb.isTransfer('2')).toBe(true);
    expect(kb.isTransfer('1')).toBe(false);
    expect(kb.outpatientTreatable('J06.900')).toBe(true);
    expect(kb.exclusionsOf('001108000080000').map((e) => e.id)).toEqual(['nursing-level']);
    expect(kb.priceLimit('120100002', 'tertiary')?.maxUnitPriceFen).toBe(6000);
  });

  it('a more local layer replaces the national entry with the same key and adds its own', () => {
    const local = layer('330900', {
      quantityLimits: [
        { code: '250302002', maxPerDay: 8 },
        { code: '999000001', maxPerDay: 1 },
      ],
    });
    const kb = knowledgeOf([local, national()], new Map());
    expect(kb.quantityLimit('250302002')?.maxPerDay).toBe(8);
    expect(kb.quantityLimit('999000001')?.maxPerDay).toBe(1);
    expect(kb.quantityLimit('001404000280000')?.maxPerDay).toBe(1);
    expect(kb.versions.map((v) => v.region)).toEqual(['330900', '000000']);
  });

  it('refuses a layer with an entry twice or a bad code, naming the path', () => {
    const bad = knowledgeDocumentSchema.safeParse({
      ...layer('330900', {}),
      quantityLimits: [
        { code: '250302002', maxPerDay: 8 },
        { code: '250302002', maxPerDay: 9 },
      ],
      indications: [{ code: 'not a code!', on: 'item', diagnoses: ['I10'] }],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('quantityLimits.1');
    expect(paths).toContain('indications.0.code');
  });
});
