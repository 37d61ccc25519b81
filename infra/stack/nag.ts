/**
 * cdk-nag's AwsSolutions rules run on the stack at every synth (infra/app.ts) and in `npm test`
 * (test/stack/nag.test.ts). What the rules flag and we keep on purpose is acknowledged here, each
 * finding with the reason we keep it; anything new fails the synth until it is fixed or argued.
 */
import { type Stack, Validations } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { functions, tables as tableSpecs, type FunctionKey, type TableKey } from '../topology.ts';
import type { Functions } from './functions.ts';
import type { Tables } from './tables.ts';

export function acknowledgeNagFindings(stack: Stack, parts: { functions: Functions; tables: Tables }): void {
  for (const [key, fn] of Object.entries(parts.functions) as [FunctionKey, Functions[FunctionKey]][]) {
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The managed AWSLambdaBasicExecutionRole grants only CloudWatch Logs writes (CreateLogGroup, CreateLogStream, PutLogEvents); ' +
          "keeping it apart leaves each function's own policy to exactly its topology grants, which test/stack/stack.test.ts asserts.",
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to Node.js 22, the LTS line the bundles target (esbuild target node22) and the code is tested against; ' +
          'a runtime upgrade is a deliberate change with its own test run, not a drift.',
      },
    );
    // A grant on a table with secondary indexes covers <table>/index/*: the function may query any
    // index of a table it is granted, and nothing else (no "*" resource: test/stack/stack.test.ts).
    const declared = Object.keys(functions[key].tables) as TableKey[];
    for (const table of declared) {
      if (tableSpecs[table].indexes.length === 0) continue;
      const logicalId = stack.getLogicalId(parts.tables[table].node.defaultChild as CfnTable);
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
        reason: `Queries the secondary indexes of its granted table ${table} (${tableSpecs[table].indexes.map((i) => i.name).join(', ')}); the grant names that table's indexes only.`,
      });
    }
  }

  for (const [id, what] of [
    ['RulesDeadLetterQueue', 'EventBridge rule targets'],
    ['SchedulerDeadLetterQueue', 'EventBridge Scheduler schedules'],
  ] as const) {
    const queue = stack.node.tryFindChild(id);
    if (queue)
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue of the ${what} (their DeadLetterConfig), which cdk-nag cannot see as an SQS redrive; an alarm watches its depth.`,
      });
  }

  const health = stack.node.tryFindChild('HttpApi')?.node.tryFindChild('GET--health');
  if (health)
    Validations.of(health).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'GET /health is the unauthenticated liveness check load balancers and operators call; it answers a constant and reads nothing.',
    });
}
