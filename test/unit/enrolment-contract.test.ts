/**
 * The enrolment events and the OpenAPI document: events refuse anything personal beyond the member
 * id and a masked number; the document covers every enrolment route the topology declares, from
 * the same schemas the handler validates with.
 */
import { describe, expect, it } from 'vitest';
import { ContributionRecorded, EnrolmentTransferred, MemberCategoryChanged, MemberEnrolled } from '../../events/enrolment.ts';
import { routeKey, routes } from '../../infra/topology.ts';
import { buildOpenApiDocument } from '../../tools/openapi.ts';

const enrolled = {
  memberId: 'M0123456789ABCDEF',
  maskedId: '5325**********1239',
  enrolmentId: 'M0123456789ABCDEF-2025-01',
  year: 2025,
  region: '532500',
  scheme: 'resident',
  validFrom: '2025-01-01',
  validTo: '2025-12-31',
  status: 'pending-contribution',
  due: { individualFen: 40000, employerFen: 0, governmentFen: 70000, assistanceFen: 0 },
  categories: [],
  meta: { schemaVersion: 1, correlationId: 'c-1' },
};

describe('enrolment events carry no personal data', () => {
  it('MemberEnrolled takes a masked number only, and no extra field such as a name or the number', () => {
    expect(MemberEnrolled.detail.safeParse(enrolled).success).toBe(true);
    expect(MemberEnrolled.payload.safeParse({ ...enrolled, maskedId: '532501199001011239' }).success).toBe(false);
    expect(MemberEnrolled.payload.safeParse({ ...enrolled, name: '张三' }).success).toBe(false);
    expect(MemberEnrolled.payload.safeParse({ ...enrolled, idNumber: '532501199001011239' }).success).toBe(false);
  });

  it('no other enrolment event has a field for a name, an ID number or even a masked one', () => {
    for (const contract of [ContributionRecorded, MemberCategoryChanged, EnrolmentTransferred]) {
      const fields = Object.keys(contract.payload.shape);
      expect(fields).not.toContain('name');
      expect(fields).not.toContain('idNumber');
      expect(fields).not.toContain('maskedId');
      expect(fields).toContain('memberId');
    }
  });
});

describe('the OpenAPI document', () => {
  it("documents every enrolment route, with bearer auth and the roles, from the handler's schemas", async () => {
    const doc = (await buildOpenApiDocument()) as unknown as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, unknown> };
    };
    const enrolmentRoutes = routes.filter((r) => r.function === 'enrolment');
    expect(enrolmentRoutes.length).toBeGreaterThanOrEqual(10);
    for (const route of enrolmentRoutes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, routeKey(route)).toBeDefined();
      expect(op!['x-documented'], routeKey(route)).toBeUndefined();
      expect(op!.security).toEqual([{ bearer: [] }]);
      expect(op!['x-roles']).toEqual(expect.arrayContaining([expect.stringMatching(/^(staff|provider|regulator)$/)]));
      expect(Object.keys(op!.responses as object)).toEqual(expect.arrayContaining(['400', '401', '403']));
    }
    expect(doc.paths['/v1/members']!.post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/EnrolmentRequest' } } },
    });
    expect(doc.components.schemas.EnrolmentRequest).toMatchObject({
      required: ['idNumber', 'year', 'region', 'scheme'],
      additionalProperties: false,
    });
  });

  it('lists routes nobody has documented yet as stubs, so the whole surface shows', async () => {
    const doc = (await buildOpenApiDocument()) as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const count = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    expect(count).toBe(routes.length);
  });
});
