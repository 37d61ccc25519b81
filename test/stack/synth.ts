/**
 * Synthesises the stack once per test process, with Lambda bundling skipped (the
 * `aws:cdk:bundling-stacks` context set to no stack: NodejsFunction then uses a placeholder asset),
 * so stack tests are fast and need neither esbuild runs nor a network. The rest of the context comes
 * from cdk.json, as `cdk synth` would pass it.
 *
 * aws-cdk-lib's built-in CloudFormation schema validation (a WASM engine) is switched off here: it
 * costs ~7 s per synth, and `cdk synth` (npm run synth) runs it on the same template anyway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../infra/stack/functions.ts';
import { YibaoStack } from '../../infra/stack.ts';

let memo: Template | undefined;

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export function synthTemplate(): Template {
  if (!memo) {
    const app = new App({
      builtinCloudFormationValidation: false,
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
    });
    memo = Template.fromStack(new YibaoStack(app, 'Yibao'));
  }
  return memo;
}
