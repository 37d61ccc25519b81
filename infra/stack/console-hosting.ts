/**
 * The web console on AWS (issue 16.1): the vite build (console/dist) in a private S3 bucket, served by
 * CloudFront through origin access control, deployed by BucketDeployment with a config.json that
 * tells the console to call the API on its own origin: CloudFront sends /v1/* and /health to the HTTP
 * API uncached, with every viewer header but Host (so the bearer token reaches the authorizer) and no
 * CORS is needed. A NestedStack: the main stack stays under CloudFormation's 500 resources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, Fn, NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { REPO_ROOT } from './functions.ts';

const DIST = join(REPO_ROOT, 'console', 'dist');
const PLACEHOLDER = join(REPO_ROOT, 'infra', 'stack', 'console-placeholder');

/**
 * The built console, built now when missing (a fresh clone's `npm run synth`); a stack test that skips
 * asset building (the bundling-stacks context) gets a one-page placeholder instead of a vite run.
 */
function consoleAssetDir(stack: Stack): string {
  if (existsSync(join(DIST, 'index.html'))) return DIST;
  if (!stack.bundlingRequired) return PLACEHOLDER;
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
  return DIST;
}

export interface ConsoleHostingProps {
  api: HttpApi;
}

export class ConsoleHosting extends NestedStack {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id, { description: 'yibao web console: S3 + CloudFront (origin access control)' });

    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL: the bucket must accept it.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const site = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // The API's host: https://<id>.execute-api.<region>.<suffix> → its third '/'-separated part.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const apiBehaviour = {
      origin: new HttpOrigin(apiHost, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'yibao console',
      defaultRootObject: 'console/index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: { '/v1/*': apiBehaviour, '/health': apiBehaviour },
      // The console is a single page: a path it routes (/console/claims/…) is its index.html.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/console/index.html',
        ttl: Duration.seconds(10),
      })),
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });

    new BucketDeployment(this, 'Deploy', {
      sources: [
        Source.asset(consoleAssetDir(Stack.of(this))),
        Source.jsonData('config.json', { environment: 'aws', apiUrl: '', localSignIn: false }),
      ],
      destinationBucket: site,
      destinationKeyPrefix: 'console/',
      distribution: this.distribution,
      distributionPaths: ['/console/*'],
      memoryLimit: 512,
    });

    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.distribution.distributionDomainName}/console/` });
    this.acknowledge(logs);
  }

  private acknowledge(logs: Bucket): void {
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the console bucket’s and CloudFront’s access logs; logging a log bucket to itself would loop.',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'The console serves the agency, its regulators and its hospitals wherever they are; who may see data is decided per call by the API’s JWT authorizer, not by country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A CloudFront WAF web ACL must live in us-east-1, outside this stack’s region; the API behind /v1/* keeps its own authorizer and throttling, and the bucket holds only the public build.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses CloudFront’s default certificate until the agency attaches its domain; TLSv1.2_2021 is set as the minimum for a custom certificate.',
      },
    );
    // BucketDeployment's copying Lambda (a CDK singleton in this nested stack).
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'BucketDeployment’s copying function: the managed policy grants only CloudWatch Logs writes.',
      },
      ...[
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        'Resource::<SiteE53D7754.Arn>/*',
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      ].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'BucketDeployment’s copying function reads the CDK asset objects and replaces the objects of this stack’s console bucket only: ' +
          'CDK generates these object-level grants (the bucket and the asset bucket are named, the wildcards are over their objects).',
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'cloudfront:CreateInvalidation after a deployment; CDK grants it on * for the copying function (invalidations name no resource ARN in its policy).',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'BucketDeployment’s copying function runs the runtime aws-cdk-lib pins for it; it is upgraded with aws-cdk-lib.',
      },
    );
  }
}
