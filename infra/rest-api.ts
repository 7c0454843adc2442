/**
 * The REST API: imported with SpecRestApi from the translated spec (infra/imported-definition.ts), regional, with
 * one stage (throttling, JSON access logs, execution logs of errors only, X-Ray in strict), and the permission for
 * that stage, on the spec's paths only, to invoke the function's `live` alias.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TEST_INVOKE_STAGE } from '../src/shared/config.js';
import { POST_TRAFFIC_LOOKUP_PATH } from './release.js';
import type { CustomersApiSettings } from './settings.js';
import { executeApiPath, type JsonObject, operationsOf } from './spec-document.js';
import type { StrictCompliance } from './strict-compliance.js';

/**
 * The access log's JSON fields (one line per request): who called and how, what API Gateway answered, and why when it
 * refused (the gateway response type, the integration's error, the WAF's verdict), how long it took, and which API
 * key was used (its id, never the key). Every value is a `$context` variable of AWS's access-logging list,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
 */
export const ACCESS_LOG_FIELDS = {
  requestId: apigateway.AccessLogField.contextRequestId(),
  extendedRequestId: apigateway.AccessLogField.contextExtendedRequestId(),
  ip: apigateway.AccessLogField.contextIdentitySourceIp(),
  userAgent: apigateway.AccessLogField.contextIdentityUserAgent(),
  requestTime: apigateway.AccessLogField.contextRequestTime(),
  httpMethod: apigateway.AccessLogField.contextHttpMethod(),
  resourcePath: apigateway.AccessLogField.contextResourcePath(),
  protocol: apigateway.AccessLogField.contextProtocol(),
  status: apigateway.AccessLogField.contextStatus(),
  responseLength: apigateway.AccessLogField.contextResponseLength(),
  responseLatency: apigateway.AccessLogField.contextResponseLatency(),
  integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
  integrationStatus: apigateway.AccessLogField.contextIntegrationStatus(),
  errorType: apigateway.AccessLogField.contextErrorResponseType(),
  integrationError: apigateway.AccessLogField.contextIntegrationErrorMessage(),
  apiKeyId: apigateway.AccessLogField.contextIdentityApiKeyId(),
  wafStatus: apigateway.AccessLogField.contextWafStatus(),
  wafResponse: apigateway.AccessLogField.contextWafResponseCode(),
} as const;

export interface RestApiProps {
  readonly settings: CustomersApiSettings;
  /** The OpenAPI body API Gateway imports (infra/imported-definition.ts). */
  readonly definition: JsonObject;
  /** The spec, dereferenced: its paths are the ones the stage may invoke the alias on. */
  readonly spec: object;
  /** The alias the integration calls. */
  readonly alias: lambda.Alias;
  readonly logRetention: logs.RetentionDays;
  readonly strict: StrictCompliance | undefined;
}

/** The API `Api` in `scope`, its stage, its log groups (`AccessLogs`, `ExecutionLogs`) and the alias's invoke permissions. */
export function addRestApi(
  scope: Construct,
  { settings, definition, spec, alias, logRetention, strict }: RestApiProps,
): { api: apigateway.SpecRestApi; stage: apigateway.Stage } {
  const accessLogs = new logs.LogGroup(scope, 'AccessLogs', {
    retention: logRetention,
    ...(strict ? { encryptionKey: strict.key } : {}),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const api = new apigateway.SpecRestApi(scope, 'Api', {
    restApiName: settings.restApiName,
    apiDefinition: apigateway.ApiDefinition.fromInline(definition),
    // Anything the importer does not understand fails the deploy instead of being dropped.
    failOnWarnings: true,
    endpointTypes: [apigateway.EndpointType.REGIONAL],
    // A stage with logging is refused until API Gateway's account-level CloudWatch role is set in the region.
    cloudWatchRole: settings.apiGatewayCloudWatchRole,
    // Kept when the stack is deleted (every REST API in the account and region logs through it), removed when
    // a failed first deploy rolls back.
    ...(settings.apiGatewayCloudWatchRole
      ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE }
      : {}),
    deployOptions: {
      stageName: settings.stageName,
      throttlingRateLimit: settings.throttlingRateLimit,
      throttlingBurstLimit: settings.throttlingBurstLimit,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      // No per-method (detailed, billed) metrics: every alarm and graph reads the API-level ones (ApiName, Stage),
      // which API Gateway publishes anyway (infra/README.md, "What an operator sees").
      metricsEnabled: false,
      // Execution logs of failures only: what went wrong between the gateway and the function, at little cost.
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      // X-Ray in the strict profile; otherwise the request id in the access log and in the function's log lines
      // correlates a request end to end.
      tracingEnabled: strict !== undefined,
    },
  });
  // SpecRestApi adds its own `Endpoint` output; the stack outputs ApiUrl and CustomersUrl instead.
  api.node.tryRemoveChild('Endpoint');
  const stage = api.deploymentStage;
  // The execution log group API Gateway would create on the first error, without retention or key (its name:
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-execution-logging.html): the stack
  // creates it first (the stage waits for it), kept a year and, in strict, encrypted like every other log group.
  const executionLogs = new logs.LogGroup(scope, 'ExecutionLogs', {
    logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${settings.stageName}`,
    retention: logRetention,
    ...(strict ? { encryptionKey: strict.key } : {}),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  stage.node.addDependency(executionLogs);

  // SpecRestApi adds no invoke permission: allow this API's stage, on the spec's paths only, to invoke the alias
  // (not the function: API Gateway has no business calling a version that is not live). Every method of a path
  // reaches the function (405 with Allow, the CORS preflight), so the method is `*`.
  for (const path of new Set(operationsOf(spec).map((entry) => entry.path))) {
    alias.addPermission(`InvokeFromApi${permissionId(path)}`, {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: api.arnForExecuteApi('*', executeApiPath(path), settings.stageName),
    });
  }
  if (strict) {
    // Strict's post-traffic check runs in the VPC, which reaches no stage URL: it has API Gateway test-invoke the
    // lookup (TestInvokeMethod, through the VPC's API Gateway endpoint), which calls the integration as the
    // pseudo-stage `test-invoke-stage`. That one method and path only (infra/release.ts).
    alias.addPermission('InvokeFromTestInvokeLookup', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: api.arnForExecuteApi('GET', executeApiPath(POST_TRAFFIC_LOOKUP_PATH), TEST_INVOKE_STAGE),
    });
  }

  return { api, stage };
}

function permissionId(path: string): string {
  return path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
