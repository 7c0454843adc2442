/**
 * The customers API on AWS, put together in one construct: the table (infra/table.ts), the `dynamodb-rest-api`
 * function with its least-privilege role, its log group and its `live` alias (here), the REST API imported from
 * openapi/openapi.yaml (infra/rest-api.ts), who may call (infra/auth.ts), the WAF (infra/waf.ts), the alarms
 * (infra/monitoring.ts) and the releases (infra/release.ts). Defaults: infra/settings.ts.
 */
import { fileURLToPath } from 'node:url';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { TABLE_ACTIONS } from '../src/api/store-actions.js';
import { openapiDocument } from '../src/generated/openapi-document.js';
import type { GatewayDefinitionOptions } from './api-definition.js';
import { type AuthResources, addAuthResources } from './auth.js';
import { writeOwnLogs } from './function-logs.js';
import { importedDefinition } from './imported-definition.js';
import { Monitoring } from './monitoring.js';
import { Release } from './release.js';
import { addRestApi } from './rest-api.js';
import { type CustomersApiSettings, withDefaults } from './settings.js';
import { StrictCompliance } from './strict-compliance.js';
import { customerTable } from './table.js';
import { addWaf } from './waf.js';

export const LAMBDA_ASSET_DIR = fileURLToPath(new URL('../dist/lambda', import.meta.url));
export const PRE_TRAFFIC_CHECK_ASSET_DIR = fileURLToPath(new URL('../dist/pre-traffic-check', import.meta.url));

/** The alias API Gateway calls; each deploy moves it to the new version (infra/release.ts). */
export const LIVE_ALIAS = 'live';

/** Days the function's and the API's logs are kept. */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

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

    this.table = customerTable(this, settings, strict);

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

    // Least privilege, as the seed's custom policy: no managed policy, no wildcard action, on the table only the
    // actions the store sends (src/api/store-actions.ts).
    const role = new iam.Role(this, 'Role', {
      roleName: settings.roleName,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `customers-api: ${TABLE_ACTIONS.join(', ')} on the customer table, logs to its own log group`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWriteCustomerIds',
        actions: TABLE_ACTIONS.map((action) => `dynamodb:${action}`),
        resources: [this.table.tableArn],
      }),
    );
    role.addToPolicy(
      writeOwnLogs(
        settings.existingFunctionLogGroup
          ? // Of Aws.REGION and Aws.ACCOUNT_ID, where the imported group's ARN renders the stack's own: the grant (and
            // its acknowledged finding) reads the same in every account and region.
            `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${functionLogGroupName}:*`
          : logGroup.logGroupArn,
      ),
    );
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
      description: 'customers-api: the operations of openapi/openapi.yaml, routed and validated from it',
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

    const { api, stage } = addRestApi(this, {
      settings,
      definition,
      spec,
      alias: this.alias,
      logRetention: LOG_RETENTION,
      strict,
    });
    this.api = api;
    this.stage = stage;

    this.auth = addAuthResources(this, this.api, this.stage, settings, spec);
    if (settings.contractSuiteRoleArn) {
      // The contract suite runs with this role right after the deploy: the stack attaches what it needs itself, so
      // the permission exists before the suite's first request, on the stack's first deploy too.
      const suiteRole = iam.Role.fromRoleArn(this, 'ContractSuiteRole', settings.contractSuiteRoleArn, {
        mutable: false,
      });
      // auth=iam: the suite signs its requests.
      this.auth.readPolicy?.attachToRole(suiteRole);
      if (settings.contractSuiteWrites) {
        this.auth.writePolicy?.attachToRole(suiteRole);
        // The full suite's ids are purged afterwards (npm run purge:contract-ids); in strict the table is encrypted
        // with strict's key, which a reader of the table must be allowed to use.
        new iam.ManagedPolicy(this, 'ContractIdsPurgePolicy', {
          description: "customers-api: delete the contract suite's ids from the table (npm run purge:contract-ids)",
          roles: [suiteRole],
          statements: [
            new iam.PolicyStatement({
              sid: 'FindAndDeleteContractIds',
              actions: ['dynamodb:Scan', 'dynamodb:BatchWriteItem'],
              resources: [this.table.tableArn],
            }),
            ...(strict && !settings.existingTable
              ? [
                  new iam.PolicyStatement({
                    sid: 'UseTheTablesKey',
                    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
                    resources: [strict.key.keyArn],
                  }),
                ]
              : []),
          ],
        });
      }
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
        apiKey: this.auth.releaseApiKey,
      },
    });

    this.customersUrl = this.api.urlForPath('/customers');
  }
}
