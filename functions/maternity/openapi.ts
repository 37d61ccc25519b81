/**
 * The maternity routes (生育保险), documented from the schemas the handler validates with. Delivery and
 * antenatal claims are settled by POST /v1/claims (visit types delivery and antenatal, `maternity` in
 * the bill), documented there. `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import { pregnancyRequestSchema } from '../../shared/maternity/pregnancy.ts';
import { allowanceRequestSchema, eligibilityParams, eligibilityQuery, employerWagesParams, pregnancyParams } from './handler.ts';

const tags = ['maternity'];

const pregnancy =
  '`pregnancy` is { pregnancyId (P + the expected delivery date), memberId, expectedDeliveryDate, providerCode (where it is registered, 建档), registeredOn, region, scheme, registeredAt, registeredBy }';
const eligibility =
  '`eligibility` is { eligible, scheme, rule (the policy rule that decided: eligibility.employee.minContributionMonths, eligibility.employee.coveredOnDeliveryDate, eligibility.resident.coveredOnDeliveryDate), ' +
  'policy (maternity/<region>/<year> v<n>), window? { from, to }, monthsCounted?, required?, missing? [months], paidAfterDelivery? [months], text }';
const allowance =
  '`allowance` is { memberId, pregnancyId, region, delivery { providerCode, claimNo, deliveryDate, deliveryType, babies }, allowance { leave { base, additions [{ id, name, days, times, rule }], total }, ' +
  'wages { source (employer | member), year, employerCode?, totalWagesFen, employeeMonths, averageMonthlyFen }, divisor, amountFen, payee { kind: employer, employerCode } | { kind: member }, rule, text }, policy { region, year, version }, grantedAt, grantedBy }';

export const routeDocs = routeDocsOf<'maternity'>({
  registerPregnancy: {
    tags,
    roles: ['provider', 'staff'],
    summary: 'Register a pregnancy (生育登记 / 建档): what delivery and antenatal claims name',
    description:
      'A provider registers for itself (it then holds the pregnancy: antenatal care is paid per capita to it), staff for any provider. ' +
      'The pregnancy id is P and the expected delivery date. The same registration again is 200 `unchanged` (header `x-idempotent-replay: true`); ' +
      'another pregnancy of the member expected within 180 days of a registered one is a 409 (`overlapping_pregnancy`), naming it. Publishes PregnancyRegistered through the outbox.',
    request: { body: pregnancyRequestSchema },
    responses: {
      201: { description: `\`{ outcome: "registered", pregnancy }\`. ${pregnancy}` },
      200: { description: 'The same registration again: `{ outcome: "unchanged", pregnancy }`' },
      400: { description: 'Bad request (date_order, too_far), or `body.memberId` not_female / not_enrolled' },
      404: { description: 'No such member in the register' },
      409: { description: 'details { field: "body.expectedDeliveryDate", rule: already_registered | overlapping_pregnancy, existing }' },
    },
  },
  getPregnancy: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'A registered pregnancy, the claims paying its delivery and antenatal care, and its allowance',
    description: 'Staff; the provider where it is registered; a regulator of its region.',
    request: { params: pregnancyParams },
    responses: {
      200: {
        description: `\`{ pregnancy, claims { delivery, antenatal } (each { providerCode, claimNo, settlementNo, at } or null), allowance (or null) }\`. ${pregnancy}. ${allowance}`,
      },
      404: { description: 'No such pregnancy' },
    },
  },
  listMemberPregnancies: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'A member’s registered pregnancies, newest expected delivery first, each with its claims and allowance',
    description:
      'Staff see every one; a provider those registered with it; a regulator those of its region. A member with none (or unknown) answers an empty list.',
    request: { params: eligibilityParams },
    responses: {
      200: {
        description: `\`{ memberId, pregnancies: [{ pregnancy, claims { delivery, antenatal }, allowance }] }\`, each as GET …/{pregnancyId} answers. ${pregnancy}`,
      },
    },
  },
  getMaternityEligibility: {
    tags,
    roles: ['staff', 'provider'],
    summary: 'Eligibility for maternity benefits for a delivery on a date, naming the rule',
    description:
      'Employees by the months of contribution paid before the delivery (the policy says how many, consecutive or cumulative, whether the delivery month counts, ' +
      'whether a month paid after the delivery counts); residents by being covered on the day. A member who is not eligible is a 200 with `eligible: false`: ' +
      'the same decision refuses a delivery or antenatal claim (400 on body.memberId with the rule).',
    request: { params: eligibilityParams, query: eligibilityQuery },
    responses: {
      200: { description: `\`{ memberId, date, eligibility }\`. ${eligibility}` },
      400: { description: '`query.date` not_enrolled or no_policy' },
      404: { description: 'No such member in the register' },
    },
  },
  grantMaternityAllowance: {
    tags,
    roles: ['staff'],
    summary: 'Grant the maternity allowance (生育津贴) of a settled delivery (maternity:write)',
    description:
      "The employer's average monthly wage of the year before the delivery (its employees' declared wages ÷ employee-months, from every EmployeeContributionPaid) ÷ 30 × the days of leave " +
      '(the policy’s base days, + days for a difficult delivery, + days per additional baby, + a regional extension), rounded once, half up. Paid to the employer while the member is in its service on the delivery day, else to the member ' +
      "(a flexible worker's allowance on her own declared wages, where the policy allows). One per birth: the same request again is 200 `unchanged`. Publishes MaternityAllowanceGranted through the outbox.",
    request: { body: allowanceRequestSchema },
    responses: {
      201: { description: `\`{ outcome: "granted", allowance }\`. ${allowance}` },
      200: { description: 'Already granted for this birth: `{ outcome: "unchanged", allowance }` (header `x-idempotent-replay: true`)' },
      400: {
        description:
          'details.problems names the rule: `body.pregnancyId` no_settled_delivery / no_policy; `body.memberId` allowance.schemes (a resident), eligibility.employee.minContributionMonths (contributions short), ' +
          'allowance.wages (the employer declared no wages that year), allowance.memberOwnWhenNoEmployer',
      },
      403: { description: 'Not staff with maternity:write' },
      404: { description: 'No such pregnancy' },
    },
  },
  getEmployerWages: {
    tags,
    roles: ['staff'],
    summary: "An employer's declared wages of a year: the maternity allowance's average monthly wage",
    description:
      'Projected from every EmployeeContributionPaid of the employer (one per member and month, whatever the redeliveries): Σ declared wages and employee-months; ' +
      'the average is shown rounded for reading only (the allowance multiplies the totals and rounds once). A year with no month paid shows zeros.',
    request: { params: employerWagesParams },
    responses: {
      200: { description: '`{ wages: { employerCode, year, totalWagesFen, employeeMonths, averageMonthlyFen (null without months) } }`' },
    },
  },
});
