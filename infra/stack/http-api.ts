/**
 * The HTTP API: one route per `routes` entry, each integrated (payload 2.0) with its function, and a
 * Lambda authorizer (simple responses) on every route the topology marks `authorized`.
 */
import { Duration } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AUTHORIZER_CACHE_TTL_SECONDS, routes, type FunctionKey } from '../topology.ts';
import { AUTHORIZER, type Functions } from './functions.ts';
import { pascal } from './keys.ts';

export interface Api {
  api: HttpApi;
  stage: HttpStage;
}

export function createHttpApi(scope: Construct, functionsByKey: Functions): Api {
  // No CORS: the callers are provider systems and back-office tools, not browsers on other origins.
  const api = new HttpApi(scope, 'HttpApi', {
    apiName: 'yibao',
    description: 'yibao: enrolment, settlement, DRG, fraud alerts, payment runs',
    createDefaultStage: false,
  });
  const stage = new HttpStage(scope, 'HttpApiDefaultStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    accessLogSettings: {
      destination: new LogGroupLogDestination(new LogGroup(scope, 'HttpApiAccessLogs', { retention: RetentionDays.ONE_YEAR })),
    },
  });

  // Caches the decision per Authorization header (AUTHORIZER_CACHE_TTL_SECONDS: why, and what it means for `exp`).
  const authorizer = new HttpLambdaAuthorizer('JwtAuthorizer', functionsByKey[AUTHORIZER], {
    authorizerName: 'jwt',
    responseTypes: [HttpLambdaResponseType.SIMPLE],
    identitySource: ['$request.header.Authorization'],
    resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS),
  });

  const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
  const integrationFor = (key: FunctionKey): HttpLambdaIntegration => {
    let integration = integrations.get(key);
    if (!integration) {
      // One invoke permission per function for the API (execute-api …/*/*/*), not one per route: a route
      // can only reach its own function's integration anyway, and per-route permissions cost a
      // CloudFormation resource each (118 routes took the stack near its 500-resource limit).
      integration = new HttpLambdaIntegration(`${pascal(key)}Integration`, functionsByKey[key], { scopePermissionToRoute: false });
      integrations.set(key, integration);
    }
    return integration;
  };

  for (const route of routes) {
    api.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: integrationFor(route.function),
      ...(route.authorized ? { authorizer } : {}),
    });
  }
  return { api, stage };
}
