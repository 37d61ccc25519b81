/**
 * The names on the bus. Every event yibao publishes has a source (the function that owns the fact)
 * and a detail-type (the fact). Rules in the topology and publishers both import these constants,
 * so a rename cannot leave a rule listening for an event nobody sends.
 *
 * The detail schemas live beside this file, one module per domain; each detail carries `meta`
 * (schema version and correlation id) so a consumer can trace a message back to the request.
 */
export const EventSource = {
  enrolment: 'yibao.enrolment',
  adjudication: 'yibao.adjudication',
  drg: 'yibao.drg',
  fraud: 'yibao.fraud',
  prepayment: 'yibao.prepayment',
  yearEnd: 'yibao.year-end',
  platform: 'yibao.platform',
  accounts: 'yibao.accounts',
  catalogue: 'yibao.catalogue',
  longTermCare: 'yibao.long-term-care',
  maternity: 'yibao.maternity',
} as const;
export type EventSourceName = (typeof EventSource)[keyof typeof EventSource];

export const DetailType = {
  memberEnrolled: 'MemberEnrolled',
  contributionRecorded: 'ContributionRecorded',
  memberCategoryChanged: 'MemberCategoryChanged',
  memberLookedUp: 'MemberLookedUp',
  enrolmentTransferred: 'EnrolmentTransferred',
  employerRecorded: 'EmployerRecorded',
  employmentRecorded: 'EmploymentRecorded',
  employeeContributionPaid: 'EmployeeContributionPaid',
  registerEntryChanged: 'RegisterEntryChanged',
  providerCertified: 'ProviderCertified',
  claimSettled: 'ClaimSettled',
  claimReversed: 'ClaimReversed',
  caseGrouped: 'CaseGrouped',
  fraudAlertRaised: 'FraudAlertRaised',
  fraudRecoveryConfirmed: 'FraudRecoveryConfirmed',
  prepaymentIssued: 'PrepaymentIssued',
  yearEndSettled: 'YearEndSettled',
  fundWarningRaised: 'FundWarningRaised',
  personalAccountEntryPosted: 'PersonalAccountEntryPosted',
  cataloguePublished: 'CataloguePublished',
  careInstitutionCertified: 'CareInstitutionCertified',
  careAssessmentStepRecorded: 'CareAssessmentStepRecorded',
  careLevelDetermined: 'CareLevelDetermined',
  careClaimSettled: 'CareClaimSettled',
  careClaimReversed: 'CareClaimReversed',
  careClaimFlagged: 'CareClaimFlagged',
  pregnancyRegistered: 'PregnancyRegistered',
  maternityAllowanceGranted: 'MaternityAllowanceGranted',
  /** Published by the ping route: lets an operator watch a request cross the bus end to end. */
  pingReceived: 'PingReceived',
} as const;
export type DetailTypeName = (typeof DetailType)[keyof typeof DetailType];
