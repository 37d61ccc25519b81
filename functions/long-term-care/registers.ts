/** The assessor register and the care institutions' certification (定点护理机构): the long-term care routes under /v1/ltc/assessors and /v1/ltc/institutions. */
import { CareInstitutionCertified } from '../../events/long-term-care.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import { getProvider } from '../../shared/budget/store/register.ts';
import { deliverAfterCommit, outboxEntry } from '../../shared/events/outbox.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import {
  assessorHistory,
  institutionHistory,
  readAssessor,
  writeAssessor,
  writeInstitution,
  type AssessorRecord,
  type InstitutionCertification,
} from '../../shared/long-term-care/store/records.ts';
import { coversPlace } from '../../shared/policy/pooling.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';
import { assessorParams, assessorSchema, institutionParams, institutionSchema } from './schemas.ts';
import { institutionOn } from './service.ts';
import type { RouteTableOf } from '../../shared/http/api.ts';
import { logger, now, replay, warn } from './common.ts';

export const registerRoutes: Pick<
  RouteTableOf<'longTermCare'>,
  'putCareAssessor' | 'getCareAssessor' | 'certifyCareInstitution' | 'getCareInstitution'
> = {
  putCareAssessor: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { assessorId } = request.params(assessorParams);
    const body = request.body(assessorSchema);
    const existing = await readAssessor(assessorId);
    const same =
      existing &&
      JSON.stringify([...existing.regions].sort()) === JSON.stringify([...body.regions].sort()) &&
      existing.qualification === body.qualification &&
      existing.validFrom === body.validFrom &&
      existing.validTo === body.validTo &&
      existing.active === body.active;
    if (existing && same) return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', assessor: existing } };
    const record: AssessorRecord = {
      assessorId,
      regions: [...new Set(body.regions)].sort(),
      qualification: body.qualification,
      validFrom: body.validFrom,
      validTo: body.validTo,
      active: body.active,
      version: (existing?.version ?? 0) + 1,
      by: principal.sub,
      at: now(),
    };
    if (!(await writeAssessor(record)))
      throw conflict('the assessor changed meanwhile: read it and send again', { field: 'assessorId', rule: 'changed' });
    logger.info('Care assessor recorded', { assessorId, version: record.version, regions: record.regions });
    return { statusCode: existing ? 200 : 201, body: { outcome: existing ? 'changed' : 'registered', assessor: record } };
  },

  getCareAssessor: async (request) => {
    requireRole(request.principal(), 'staff');
    const { assessorId } = request.params(assessorParams);
    const assessor = await readAssessor(assessorId);
    if (!assessor) throw notFound(`no assessor ${assessorId}`, { field: 'assessorId', rule: 'not_found' });
    const { pk: _pk, ...view } = assessor;
    return { statusCode: 200, body: { assessor: view, history: await assessorHistory(assessorId) } };
  },

  certifyCareInstitution: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { providerCode } = request.params(institutionParams);
    const body = request.body(institutionSchema);
    const provider = await getProvider(providerCode);
    if (!provider)
      throw notFound(`no provider ${providerCode} in the register: register it first (POST /v1/providers)`, {
        problems: [{ field: 'providerCode', rule: 'not_registered', message: 'a care institution is a registered provider' }],
      });
    if (!coversPlace(body.region, provider.region))
      throw fieldRefusal(409, [
        {
          field: 'body.region',
          rule: 'wrong_region',
          message: `${providerCode} stands in ${provider.region}, outside pooling region ${body.region}`,
        },
      ]);
    const [latest] = await institutionHistory(providerCode);
    const settings = [...new Set(body.settings)].sort();
    if (
      latest &&
      latest.region === body.region &&
      latest.beds === body.beds &&
      latest.validFrom === body.validFrom &&
      latest.validTo === body.validTo &&
      JSON.stringify(latest.settings) === JSON.stringify(settings)
    )
      return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', certification: latest } };
    const cert: InstitutionCertification = {
      providerCode,
      region: body.region,
      settings,
      beds: body.beds,
      validFrom: body.validFrom,
      validTo: body.validTo,
      reason: body.reason,
      version: (latest?.version ?? 0) + 1,
      by: principal.sub,
      at: now(),
    };
    const event = outboxEntry(
      CareInstitutionCertified,
      {
        providerCode,
        region: cert.region,
        version: cert.version,
        settings,
        beds: cert.beds,
        validFrom: cert.validFrom,
        validTo: cert.validTo,
      },
      request.correlationId,
      `care-institution/${providerCode}/${cert.version}/CareInstitutionCertified`,
      cert.at,
    );
    if (!(await writeInstitution(cert, event)))
      throw conflict('the certification changed meanwhile: send it again', { field: 'providerCode', rule: 'changed' });
    await deliverAfterCommit([event], warn);
    logger.info('Care institution certified', { providerCode, version: cert.version, settings, beds: cert.beds });
    return { statusCode: 201, body: { outcome: 'certified', certification: cert } };
  },

  getCareInstitution: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'provider', 'regulator');
    const { providerCode } = request.params(institutionParams);
    // Another provider, or a regulator of another region, is told exactly what a provider that is no institution is.
    const history = principal.role === 'provider' && principal.providerCode !== providerCode ? [] : await institutionHistory(providerCode);
    if (history.length === 0 || (principal.role === 'regulator' && principal.region !== history[0]!.region))
      throw notFound(`${providerCode} is not a care institution`, { field: 'providerCode', rule: 'not_certified' });
    return {
      statusCode: 200,
      body: { certification: history[0], inForceToday: (await institutionOn(providerCode, agencyDate(new Date()))) !== undefined, history },
    };
  },
};
