/**
 * The customers API on AWS: the `customer_ids` table, the `dynamodb-rest-api` function with a least-privilege
 * role, and the `dynamodb-rest-api` REST API imported from openapi/openapi.yaml with SpecRestApi.
 * Defaults: infra/settings.ts.
 */
import { fileURLToPath } from 'node:url';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { openapiDocument } from '../src/generated/openapi-document.js';
import { PARTITION_KEY } from '../src/shared/customer-table.js';
import type { GatewayDefinitionOptions } from './api-definition.js';
import { type AuthResources, addAuthResources } from './auth.js';
import { writeOwnLogs } from './function-logs.js';
import { importedDefinition } from './imported-definition.js';
import { Monitoring } from './monitoring.js';
import { Release } from './release.js';
import { type CustomersApiSettings, withDefaults } from './settings.js';
import { executeApiPath, operationsOf } from './spec-document.js';
import { StrictCompliance } from './strict-compliance.js';
import { addWaf } from './waf.js';

export const LAMBDA_ASSET_DIR = fileURLToPath(new URL('../dist/lambda', import.meta.url));
export const PRE_TRAFFIC_CHECK_ASSET_DIR = fileURLToPath(new URL('../dist/pre-traffic-check', import.meta.url));

/** The alias API Gateway calls; each deploy moves it to the new version (infra/release.ts). */
export const LIVE_ALIAS = 'live';

/** Days the function's and the API's logs are kept. */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * The access log's JSON fields (one line per request): who called and how, what API Gateway answered, and why when it
 * refused (the gateway response type, the integration's error, the WAF's verdict), how long it took, and which API
 * key was used (its id, never the key). Every value is a `$context` variable of AWS's access-logging list.
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

export interface CustomersApiProps extends Partial<CustomersApiSettings> {
  /** The OpenAPI document, dereferenced. @default the generated openapi/openapi.yaml */
  readonly spec?: object;
  /** The built function code (`npm run build`). @default dist/lambda */
  readonly code?: lambda.Code;
  /** The built pre-traffic check (`npm run build`). @default dist/pre-traffic-check */
  readonly preTrafficCheckCode?: lambda.Code;
  /**
   * What is added to the imported API definition beside what `auth` adds (`security` per operation, gateway
   * responses).
   * @default nothing more
   */
  readonly definitionExtensions?: Omit<GatewayDefinitionOptions, 'integrationUri' | 'corsAllowOrigin'>;
}

export class CustomersApi extends Construct {
  readonly settings: CustomersApiSettings;
  readonly table: dynamodb.ITable;
  readonly function: lambda.Function;
  /** The `live` alias API Gateway calls, on the function's current version. */
  readonly alias: lambda.Alias;
  /** The CodeDeploy deployment group that moves the alias, and its pre-traffic check. */
  readonly release: Release;
  readonly api: apigateway.SpecRestApi;
  readonly stage: apigateway.Stage;
  readonly monitoring: Monitoring;
  /** Who may call (`auth`): the usage plan and first key, or the read and write policies. */
  readonly auth: AuthResources;
  /** The AWS WAF web ACL on the stage (`waf`). */
  readonly webAcl: wafv2.CfnWebACL | undefined;
  /** The KMS key and the VPC of `-c compliance=strict`. */
  readonly strictCompliance: StrictCompliance | undefined;
  /** https://…/prod/customers */
  readonly customersUrl: string;

  constructor(scope: Construct, id: string, props: CustomersApiProps = {}) {
    super(scope, id);
    const { spec = openapiDocument, code, preTrafficCheckCode, definitionExtensions, ...given } = props;
    const settings = withDefaults(given);
    this.settings = settings;
    const strict =
      settings.compliance === 'strict'
        ? new StrictCompliance(this, 'Compliance', { logRetention: LOG_RETENTION })
        : undefined;
    this.strictCompliance = strict;

    this.table = settings.existingTable
      ? // Adopted as it is: the stack neither creates, changes nor deletes it (infra/README.md, "Moving in").
        dynamodb.Table.fromTableName(this, 'Table', settings.tableName)
      : new dynamodb.Table(this, 'Table', {
          tableName: settings.tableName,
          partitionKey: { name: PARTITION_KEY.name, type: dynamodb.AttributeType.STRING },
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          ...(strict ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: strict.key } : {}),
          ...tableProtection(settings.tableDeletionProtection),
        });

    const functionLogGroupName = `/aws/lambda/${settings.functionName}`;
    const logGroup = settings.existingFunctionLogGroup
      ? // Left behind by a console-built function of this name: adopted as it is (infra/README.md, "Moving in").
        logs.LogGroup.fromLogGroupName(this, 'FunctionLogs', functionLogGroupName)
      : new logs.LogGroup(this, 'FunctionLogs', {
          logGroupName: functionLogGroupName,
          retention: LOG_RETENTION,
          ...(strict ? { encryptionKey: strict.key } : {}),
          removalPolicy: RemovalPolicy.DESTROY,
        });

    // Least privilege, as the seed's custom policy: no managed policy, no wildcard action.
    const role = new iam.Role(this, 'Role', {
      roleName: settings.roleName,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'customers-api: GetItem and PutItem on the customer table, logs to its own log group',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWriteCustomerIds',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
      }),
    );
    role.addToPolicy(writeOwnLogs(logGroup));
    if (strict) role.addToPolicy(strict.vpcAccessStatement());
    if (strict && !settings.existingTable) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'UseTheTablesKey',
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [strict.key.keyArn],
        }),
      );
    }

    this.function = new lambda.Function(this, 'Function', {
      functionName: settings.functionName,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: code ?? lambda.Code.fromAsset(LAMBDA_ASSET_DIR),
      role,
      logGroup,
      memorySize: 512,
      // DynamoDB calls are bounded to ~10 s (src/api/dynamodb-client.ts); API Gateway gives up at 29 s.
      timeout: Duration.seconds(15),
      // strict: in isolated subnets whose only route out is the DynamoDB endpoint; traced with X-Ray.
      ...(strict
        ? {
            vpc: strict.vpc,
            vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
            securityGroups: [strict.securityGroup],
            tracing: lambda.Tracing.ACTIVE,
          }
        : {}),
      ...(settings.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: settings.reservedConcurrency }),
      environment: {
        TABLE_NAME: this.table.tableName,
        CORS_ALLOWED_ORIGINS: settings.corsAllowedOrigins.join(','),
        // No NODE_OPTIONS=--enable-source-maps: loading the 4 MB map would cost every cold start. The map ships
        // beside the bundle; set that variable on the function while debugging to get TypeScript stack traces.
      },
      description: 'customers-api: GET and PUT /customers, routed and validated from openapi/openapi.yaml',
    });
    // The role's policy must exist before the function can log.
    this.function.node.addDependency(role);

    // API Gateway calls the alias, never the function itself: the alias is what a deployment moves.
    this.alias = new lambda.Alias(this, 'LiveAlias', {
      aliasName: LIVE_ALIAS,
      version: this.function.currentVersion,
      description: 'What API Gateway calls; moved to each new version by CodeDeploy',
    });
    const integrationUri = `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${this.alias.functionArn}/invocations`;
    const definition = importedDefinition({ settings, integrationUri, spec, extensions: definitionExtensions });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION,
      ...(strict ? { encryptionKey: strict.key } : {}),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.SpecRestApi(this, 'Api', {
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
    this.api.node.tryRemoveChild('Endpoint');
    this.stage = this.api.deploymentStage;
    // The execution log group API Gateway would create on the first error, without retention or key: the stack
    // creates it first (the stage waits for it), kept a year and, in strict, encrypted like every other log group.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${settings.stageName}`,
      retention: LOG_RETENTION,
      ...(strict ? { encryptionKey: strict.key } : {}),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage.node.addDependency(executionLogs);

    // SpecRestApi adds no invoke permission: allow this API's stage, on the spec's paths only, to invoke the alias
    // (not the function: API Gateway has no business calling a version that is not live). Every method of a path
    // reaches the function (405 with Allow, the CORS preflight), so the method is `*`.
    for (const path of new Set(operationsOf(spec).map((entry) => entry.path))) {
      this.alias.addPermission(`InvokeFromApi${permissionId(path)}`, {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: this.api.arnForExecuteApi('*', executeApiPath(path), settings.stageName),
      });
    }

    this.auth = addAuthResources(this, this.api, this.stage, settings, spec);
    if (settings.auth === 'iam' && settings.contractSuiteRoleArn) {
      // The contract suite signs with this role right after the deploy: the stack attaches the policies itself, so
      // the permission exists before the suite's first request, on the stack's first deploy too.
      const suiteRole = iam.Role.fromRoleArn(this, 'ContractSuiteRole', settings.contractSuiteRoleArn, {
        mutable: false,
      });
      this.auth.readPolicy?.attachToRole(suiteRole);
      if (settings.contractSuiteWrites) this.auth.writePolicy?.attachToRole(suiteRole);
    }
    this.webAcl = settings.waf ? addWaf(this, this.stage, settings) : undefined;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      restApiName: settings.restApiName,
      stageName: settings.stageName,
      function: this.function,
      alias: this.alias,
      newVersion: this.function.currentVersion,
      table: this.table,
      alarmTopic: settings.alarmTopicArn
        ? sns.Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn)
        : strict?.alarmTopic,
    });

    this.release = new Release(this, 'Release', {
      function: this.function,
      alias: this.alias,
      deployment: settings.deployment,
      alarms: Object.values(this.monitoring.releaseAlarms),
      preTrafficCheckCode: preTrafficCheckCode ?? lambda.Code.fromAsset(PRE_TRAFFIC_CHECK_ASSET_DIR),
      logRetention: LOG_RETENTION,
      strict,
      ignoreAlarms: settings.ignoreReleaseAlarms,
      postTraffic: {
        authMode: settings.auth,
        lookupPath: '/customers',
        apiKey: this.auth.firstApiKey,
      },
    });

    this.customersUrl = this.api.urlForPath('/customers');
  }
}

/**
 * The table's data outlives the stack: kept on update and deletion, and by point-in-time recovery (deleting a table
 * with PITR leaves a system backup for 35 days). Without deletion protection (the default), the deletion policy is
 * RetainExceptOnCreate: a failed first create deletes the new, empty table, so the stack rolls back cleanly and a
 * retry does not hit "already exists". CloudFormation cannot delete a protected table, not even in that rollback,
 * so with protection on (`tableDeletionProtection`, once the first deploy succeeded) the policy is plain Retain:
 * the two never meet.
 */
export function tableProtection(deletionProtection: boolean): {
  deletionProtection: boolean;
  removalPolicy: RemovalPolicy;
} {
  return deletionProtection
    ? { deletionProtection: true, removalPolicy: RemovalPolicy.RETAIN }
    : { deletionProtection: false, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE };
}

function permissionId(path: string): string {
  return path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
