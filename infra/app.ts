/** The CDK app (cdk.json runs it with `npx tsx infra/app.ts`): one stack, `Yibao`. */
import { App } from 'aws-cdk-lib';
import { YibaoStack } from './stack.ts';

const app = new App();
new YibaoStack(app, 'Yibao', {
  description: 'yibao: medical-insurance enrolment, settlement, DRG, fraud scoring and payment runs',
});
app.synth();
