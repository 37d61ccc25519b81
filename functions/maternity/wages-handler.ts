/**
 * The maternityWages queue: each paid employee month (EmployeeContributionPaid) adds its declared wage
 * to its employer's year, so the maternity allowance can be paid on the employer's average monthly
 * wage of the year before (用人单位上年度职工月平均工资: Σ declared wages ÷ employee-months). A month
 * is added once per member and month, whatever the redeliveries (the WAGEMONTH item is the key); a
 * flexible worker's month has no employer and is not added (the allowance then reads the member's own months).
 */
import { EmployeeContributionPaid } from '../../events/employers.ts';
import { addWageMonth } from '../../shared/maternity/store/records.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

const logger = createLogger('maternity-wages');

/** What the maternityWages queue carries (test/stack/rules.test.ts checks the bus rule routes exactly these). */
export const ACCEPTED_EVENTS = [EmployeeContributionPaid] as const;

export const handler = eventConsumer(logger, ACCEPTED_EVENTS, async ({ detail }) => {
  const paid = detail as typeof EmployeeContributionPaid.detail._output;
  if (!paid.employerCode) return;
  const added = await addWageMonth(paid.employerCode, paid.memberId, paid.month, paid.declaredWageFen, new Date().toISOString());
  logger.info(added ? "Month added to the employer's wages" : 'Month already added', { memberId: paid.memberId, month: paid.month });
});
