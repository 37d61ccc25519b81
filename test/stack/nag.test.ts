/**
 * The stack passes cdk-nag's AwsSolutions rules: a synth with the rule pack succeeds, every finding we
 * keep is acknowledged in infra/stack/nag.ts with its reason, and the pack does fail a synth when a
 * resource breaks a rule (so the pass means something).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { YibaoStack } from '../../infra/stack.ts';
import { cdkJsonContext } from './synth.ts';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function appWithNag(): { app: App; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'yibao-nag-'));
  outdirs.push(outdir);
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, outdir };
}

describe('cdk-nag AwsSolutions', () => {
  it('passes on the yibao stack, every kept finding acknowledged with a written reason', () => {
    const { app, outdir } = appWithNag();
    const stack = new YibaoStack(app, 'Yibao');
    expect(() => app.synth()).not.toThrow();
    const report = readFileSync(join(outdir, 'validation-report.json'), 'utf8');
    expect(report).not.toMatch(/"status":\s*"failure"/);
    // The acknowledgements sit on the constructs, each finding with a reason of substance.
    const reasons = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(0);
    for (const [rule, reason] of reasons) expect(reason.length, rule).toBeGreaterThan(40);
    expect(new Set(reasons.map(([rule]) => rule.replace(/^.*?(AwsSolutions-[A-Z]+\d+).*$/, '$1')))).toEqual(
      new Set([
        'AwsSolutions-IAM4',
        'AwsSolutions-L1',
        'AwsSolutions-IAM5',
        'AwsSolutions-SQS3',
        'AwsSolutions-APIG4',
        // The console's hosting (issue 16, infra/stack/console-hosting.ts): its log bucket, its distribution.
        'AwsSolutions-S1',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR4',
        // aws-cdk-lib's own, on that log bucket: the ACL CloudFront's standard logs are delivered with.
        'CloudFormation-Validate::W3045',
      ]),
    );
  }, 60_000);

  it('fails a synth when a resource breaks a rule (a queue with no dead-letter queue)', () => {
    const { app } = appWithNag();
    const stack = new Stack(app, 'Broken');
    new Queue(stack, 'NoDeadLetters');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3|not used as a dead-letter queue/);
  });
});
