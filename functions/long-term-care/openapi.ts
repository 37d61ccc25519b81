/**
 * The long-term care routes (长期护理保险), documented from the schemas the handler validates with.
 * `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import {
  applicationSchema,
  appealSchema,
  assessmentParams,
  assessorParams,
  assessorSchema,
  assignmentSchema,
  careClaimSchema,
  claimParams,
  confirmationSchema,
  institutionParams,
  institutionSchema,
  levelQuery,
  memberParams,
  fundReportParams,
  fundReportQuery,
  reportParams,
  reversalSchema,
  scoresSchema,
} from './schemas.ts';

const tags = ['long-term care'];
const assessment =
  '`{ assessment, log }`: assessment { assessmentId, memberId, region, assessingRegion, applicant, reason, status (applied | assigned | scored | concluded | appealed), round, assessors?, formerAssessors, scores? { by, at, scores, comatose, grading }, result?, results[], appeal?, version }; ' +
  'result { round, level 0–5, levelName, qualifies, validFrom, validTo, reassessOn, appealBy, grading { adl, cognition, perception: { total, grade }, column, level }, policyVersion }; ' +
  'log: every step, append-only { seq, step (applied | assigned | scored | returned | confirmed | concluded | appealed), round, by { role, id }, at, detail }. Each step publishes CareAssessmentStepRecorded; a conclusion CareLevelDetermined.';
const wrongStatus = {
  description: 'The step does not follow from the assessment’s status (wrong_status), or it moved meanwhile (changed)',
};
const claim =
  '`{ outcome, claim }`: claim { providerCode, memberId, month, region, state (settled | reversed), settlementNo, statement { lines[{ setting, unit, billedQuantity, paidQuantity, billedFen, allowedFen, fundPaidFen, memberPaidFen, refusedFen, monthlyLimitFen?, overLimitFen, byLevel[], notPaid[{ date, quantity, reason }] }], totals { billedFen, fundPaidFen, memberPaidFen, refusedFen }, level?, policyVersion }, ' +
  'findings[{ rule, action (deny | flag), severity, setting, message, dates?, units?, facts, when (at-settlement | after-settlement) }], settledAt, settledBy, reversal? }. billed = fundPaid + memberPaid + refused on every line.';

export const routeDocs = routeDocsOf<'longTermCare'>({
  putCareAssessor: {
    tags,
    roles: ['staff'],
    summary: 'Register or change an assessor (ltc:manage)',
    description:
      'The assessor register: the regions an assessor assesses members living in, their qualification and validity. The assessor acts with a staff token whose `sub` is the assessorId and which holds ltc:assess. Each change is a new version (history kept).',
    request: { params: assessorParams, body: assessorSchema },
    responses: {
      201: { description: '`{ outcome: "registered", assessor }`' },
      200: { description: 'Changed, or unchanged (header `x-idempotent-replay: true`)' },
      409: { description: 'changed meanwhile' },
    },
  },
  getCareAssessor: {
    tags,
    roles: ['staff'],
    summary: 'An assessor and their history',
    request: { params: assessorParams },
    responses: { 200: { description: '`{ assessor, history }`' }, 404: { description: 'No such assessor' } },
  },
  certifyCareInstitution: {
    tags,
    roles: ['staff'],
    summary: 'Certify a registered provider as a care institution (定点护理机构): settings and beds (ltc:manage)',
    description:
      'The provider is registered first (POST /v1/providers, kind any). Each certification is a new version, append-only; the newest holds within its dates; empty settings withdraw it. Publishes CareInstitutionCertified.',
    request: { params: institutionParams, body: institutionSchema },
    responses: {
      201: { description: '`{ outcome: "certified", certification }`' },
      200: { description: 'Unchanged (replay)' },
      404: { description: 'not_registered: no such provider' },
    },
  },
  getCareInstitution: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'A care institution’s certification and history',
    request: { params: institutionParams },
    responses: { 200: { description: '`{ certification, inForceToday, history }`' }, 404: { description: 'not_certified' } },
  },
  applyForCareAssessment: {
    tags,
    roles: ['staff', 'provider'],
    summary: 'Apply for a disability assessment (失能评估)',
    description:
      'A member or their family at the counter (staff token; applicant.kind member or family), or a certified care institution for a resident (provider token; kind institution). The member must be covered by long-term care today (enrolled, contributions up to date, a scheme the region’s policy covers). ' +
      'A member living in another region of the same province gives `residenceRegion`: that region’s assessors assess them. One open assessment per member (409 open_assessment names it; the same application again is a replay).',
    request: { body: applicationSchema },
    responses: {
      201: { description: assessment },
      200: { description: 'The same open application (replay)' },
      404: { description: 'No such member' },
      409: { description: 'not_covered, open_assessment, outside_province, no_policy' },
    },
  },
  getCareAssessment: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'An assessment and its append-only log',
    description: 'Staff: any; a regulator: its region’s (pooling or assessing); a care institution: those it applied for.',
    request: { params: assessmentParams },
    responses: { 200: { description: assessment }, 404: { description: 'No such assessment' } },
  },
  assignCareAssessors: {
    tags,
    roles: ['staff'],
    summary: 'Assign two assessors (ltc:manage)',
    description:
      'Two different registered assessors, active today, registered for the region where the member lives (assessingRegion). After an appeal, neither may have assessed an earlier round. Problems name the field: not_registered, wrong_region, assessed_before, same_assessor.',
    request: { params: assessmentParams, body: assignmentSchema },
    responses: { 200: { description: assessment }, 409: wrongStatus },
  },
  scoreCareAssessment: {
    tags,
    roles: ['staff'],
    summary: 'The first assessor’s scores by the national standard (ltc:assess)',
    description:
      'All 17 items of 长期护理失能等级评估标准(试行) (医保办发〔2021〕37号): ADL 10 items (0–100), cognition 4 (0–16), perception and communication 3 (0–12). The grading (each indicator’s total and grade, the combination table’s level) is computed and logged. Only the round’s first assessor (token sub).',
    request: { params: assessmentParams, body: scoresSchema },
    responses: { 200: { description: assessment }, 403: { description: 'not_assigned' }, 409: wrongStatus },
  },
  confirmCareAssessment: {
    tags,
    roles: ['staff'],
    summary: 'The second assessor confirms (the result) or returns the scores (ltc:assess)',
    description:
      'Agreeing concludes the round: the level, whether it qualifies under the region’s policy, valid from today for the policy’s months, the re-assessment date and the last day to appeal; the member’s level record is written in the same transaction. Disagreeing returns the scores to the first assessor.',
    request: { params: assessmentParams, body: confirmationSchema },
    responses: { 200: { description: assessment }, 403: { description: 'not_second_assessor' }, 409: wrongStatus },
  },
  appealCareAssessment: {
    tags,
    roles: ['staff', 'provider'],
    summary: 'Appeal a result (申请复评) within the policy’s window',
    description:
      'Opens round 2, assessed by two other assessors; its conclusion supersedes the first result from its own date. One appeal per assessment (already_appealed); after the window: appeal_window_closed.',
    request: { params: assessmentParams, body: appealSchema },
    responses: { 200: { description: assessment }, 409: wrongStatus },
  },
  getCareLevel: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'A member’s care level in force on a date, and every result',
    request: { params: memberParams, query: levelQuery },
    responses: {
      200: {
        description:
          '`{ memberId, date, level: { assessmentId, round, level, qualifies, validFrom, validTo, concludedAt, region } | null, results? }` (a provider sees the level only)',
      },
    },
  },
  submitCareClaim: {
    tags,
    roles: ['provider', 'staff'],
    summary: 'A care institution’s monthly care claim for one member, settled (长护月度结算)',
    description:
      'Idempotent by providerCode + memberId + month: the same claim again answers 200 with `x-idempotent-replay: true`; other content for a settled month is 409 already_settled (reverse it first, then submit: settlementNo + 1). ' +
      'Each day is paid at the level in force that day, only on days the member is covered; institutional bed-days up to the level’s per-bed-day standard, home-care units up to the unit standard and the level’s units a month, the fund’s ratio, each setting held to the level’s monthly limit; family carers’ cash by days. ' +
      'Care audit rules (the policy’s `audit`): care-during-hospital-stay (inpatient stays learned from settled claims), care-after-death, hours-beyond-level, members-beyond-beds. Publishes CareClaimSettled and a CareClaimFlagged per finding.',
    request: { body: careClaimSchema },
    responses: {
      201: { description: claim },
      200: { description: 'Replay' },
      404: { description: 'No such member' },
      409: { description: 'not_certified, setting_not_certified, already_settled, no_policy, changed' },
    },
  },
  getCareClaim: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'A care claim: statement, findings (at and after settlement) and ledger',
    request: { params: claimParams },
    responses: {
      200: {
        description: `${claim} Beside it \`ledger\`: { sk, entry (SETTLEMENT | REVERSAL), settlementNo, fundPaidFen (signed), memberPaidFen, at }`,
      },
      404: { description: 'No such claim' },
    },
  },
  reverseCareClaim: {
    tags,
    roles: ['staff'],
    summary: 'Reverse a care claim (ltc:manage)',
    description:
      'A negative ledger entry; the month may then be submitted again. Reversing a reversed claim is a replay. Publishes CareClaimReversed.',
    request: { params: claimParams, body: reversalSchema },
    responses: { 200: { description: claim }, 404: { description: 'No such claim' } },
  },
  getCareReport: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A region’s month: members by level, spending by setting, funding, findings',
    description:
      'Members by the level in force on the month’s last day; settled claims’ spending by setting; the month’s income (employer, individual, basic-fund transfer, subsidy) from paid employee months; findings by rule. A regulator reads its own region.',
    request: { params: reportParams },
    responses: {
      200: {
        description:
          '`{ region, month, membersByLevel, spendingBySetting, fund { income, paidFen }, claims { settled, reversed }, findingsByRule }`',
      },
    },
  },
  getCareFundReport: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'The long-term care fund of a region’s year: income by source and scheme, spending by setting (JSON or CSV)',
    description:
      "Read from the fund's append-only ledger: income from each funding fact by source (employer and individual shares of employees' wage bases, the transfer from the basic fund, the government subsidy; residents' yearly funding where the policy covers them), by scheme, and care claims' fund payments by setting (a reversal negative), in total and month by month, with the balance. `?format=csv`: a row per month and a total row, in yuan (columns month, income_employer_yuan, income_individual_yuan, income_basic_fund_transfer_yuan, income_government_subsidy_yuan, income_yuan, spending_institutional_yuan, spending_home_care_yuan, spending_family_carer_yuan, spending_yuan, balance_yuan). A regulator reads its own region.",
    request: { params: fundReportParams, query: fundReportQuery },
    responses: {
      200: {
        description: '`{ region, year, income { totalFen, bySource, byScheme }, spending { totalFen, bySetting }, balanceFen, months[] }`',
      },
    },
  },
});
