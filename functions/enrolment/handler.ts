import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { bulkRoute } from './routes/bulk.ts';
import { categoryRoute, contributionRoute, outOfAreaRoute, transferRoute } from './routes/changes.ts';
import { eligibilityRoute } from './routes/eligibility.ts';
import {
  amendEntryRoute,
  certifyProviderRoute,
  endEntryRoute,
  getCertificationRoute,
  importRegisterRoute,
  listEntriesRoute,
  recordEntryRoute,
} from './routes/registers.ts';
import { employerRoutes } from './routes/employers.ts';
import { enrolRoute, listRoute, lookupRoute, memberRoute } from './routes/members.ts';
import {
  addHouseholdMemberRoute,
  changeHouseholdHeadRoute,
  createHouseholdRoute,
  getHouseholdRoute,
  importHouseholdsRoute,
  memberHouseholdsRoute,
  removeHouseholdMemberRoute,
} from './routes/households.ts';

const logger = createLogger('enrolment');

/**
 * Enrolment (参保登记): members, enrolments per insurance year, contributions, assistance
 * categories, transfers, out-of-area registrations, eligibility and households (家庭); and the employee
 * scheme's employers, employment status and monthly contributions (routes/employers.ts). The rules live in
 * shared/enrolment (pure); the routes parse, check the caller's role, and call them.
 */
export const handler = httpApi(logger, 'enrolment', {
  enrolMember: enrolRoute,
  listMembers: listRoute,
  lookUpMember: lookupRoute,
  enrolMembersInBulk: bulkRoute,
  getMember: memberRoute,
  getEligibility: eligibilityRoute,
  recordContribution: contributionRoute,
  recordCategory: categoryRoute,
  recordTransfer: transferRoute,
  registerOutOfArea: outOfAreaRoute,
  getMemberHouseholds: memberHouseholdsRoute,
  createHousehold: createHouseholdRoute,
  importHouseholds: importHouseholdsRoute,
  getHousehold: getHouseholdRoute,
  addHouseholdMember: addHouseholdMemberRoute,
  removeHouseholdMember: removeHouseholdMemberRoute,
  changeHouseholdHead: changeHouseholdHeadRoute,
  recordRegisterEntry: recordEntryRoute,
  listRegisterEntries: listEntriesRoute,
  amendRegisterEntry: amendEntryRoute,
  endRegisterEntry: endEntryRoute,
  importRegister: importRegisterRoute,
  certifyProvider: certifyProviderRoute,
  getProviderCertification: getCertificationRoute,
  ...employerRoutes,
});
