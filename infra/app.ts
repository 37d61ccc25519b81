/**
 * The CDK app (cdk.json runs it with `npx tsx infra/app.ts`): one stack, `Yibao`, checked at every
 * synth against cdk-nag's AwsSolutions rules (kept findings are acknowledged in infra/stack/nag.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { YibaoStack } from './stack.ts';

const app = new App();
new YibaoStack(app, 'Yibao', {
  description: 'yibao: medical-insurance enrolment, settlement, DRG, fraud scoring and payment runs',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
