/**
 * The customers API on AWS: the `customer_ids` table, the `dynamodb-rest-api` function with a least-privilege
 * role, and the `dynamodb-rest-api` REST API imported from openapi/openapi.yaml with SpecRestApi.
 */
import { fileURLToPath } from 'node:url';
import { Aws, CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_TABLE_NAME, PARTITION_KEY } from '../src/customer-table.js';
import { openapiDocument } from '../src/generated/openapi-document.js';
import { toGatewayDefinition } from './api-definition.js';

export const LAMBDA_ASSET_DIR = fileURLToPath(new URL('../dist/lambda', import.meta.url));

export interface CustomersApiProps {
  /** The table's name. @default 'customer_ids' */
  readonly tableName?: string;
  /** The function's name. @default 'dynamodb-rest-api' */
  readonly functionName?: string;
  /** The function's role name. @default 'lambda-dynamodb-rest-api' */
  readonly roleName?: string;
  /** The REST API's name. @default 'dynamodb-rest-api' */
  readonly restApiName?: string;
  /** The stage. @default 'prod' */
  readonly stageName?: string;
  /** Origins allowed to call the API from a browser; `*` for any. @default ['*'] */
  readonly corsAllowedOrigins?: readonly string[];
  /** Steady-state requests per second for the whole stage. @default 100 */
  readonly throttlingRateLimit?: number;
  /** Burst of requests for the whole stage. @default 200 */
  readonly throttlingBurstLimit?: number;
  /** Days to keep the function's and the access logs. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** The OpenAPI document, dereferenced. @default the generated openapi/openapi.yaml */
  readonly spec?: object;
  /** The built function code (`npm run build`). @default dist/lambda */
  readonly code?: lambda.Code;
}

export class CustomersApi extends Construct {
  readonly table: dynamodb.Table;
  readonly function: lambda.Function;
  readonly api: apigateway.SpecRestApi;
  /** https://…/prod/customers */
  readonly customersUrl: string;

  constructor(scope: Construct, id: string, props: CustomersApiProps = {}) {
    super(scope, id);
    const corsAllowedOrigins = props.corsAllowedOrigins ?? ['*'];
    if (corsAllowedOrigins.length === 0) throw new Error('corsAllowedOrigins must name at least one origin, or *');
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName ?? DEFAULT_TABLE_NAME,
      partitionKey: { name: PARTITION_KEY.name, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Customer data outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const functionName = props.functionName ?? 'dynamodb-rest-api';
    const logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Least privilege, as the seed's custom policy: no managed policy, no wildcard action.
    const role = new iam.Role(this, 'Role', {
      roleName: props.roleName ?? 'lambda-dynamodb-rest-api',
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
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The log group's ARN ends in ':*', which covers its log streams and nothing else.
        resources: [logGroup.logGroupArn],
      }),
    );

    this.function = new lambda.Function(this, 'Function', {
      functionName,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code ?? lambda.Code.fromAsset(LAMBDA_ASSET_DIR),
      role,
      logGroup,
      memorySize: 512,
      // DynamoDB calls are bounded to ~10 s (src/dynamodb-client.ts); API Gateway gives up at 29 s.
      timeout: Duration.seconds(15),
      environment: {
        TABLE_NAME: this.table.tableName,
        CORS_ALLOWED_ORIGINS: corsAllowedOrigins.join(','),
        // No NODE_OPTIONS=--enable-source-maps: loading the 4 MB map would cost every cold start. The map ships
        // beside the bundle; set that variable on the function while debugging to get TypeScript stack traces.
      },
      description: 'customers-api: GET and PUT /customers, routed and validated from openapi/openapi.yaml',
    });
    // The role's policy must exist before the function can log.
    this.function.node.addDependency(role);

    const integrationUri = `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${this.function.functionArn}/invocations`;
    const definition = toGatewayDefinition(props.spec ?? openapiDocument, {
      integrationUri,
      corsAllowOrigin: corsAllowedOrigins.length === 1 ? (corsAllowedOrigins[0] as string) : '*',
    });

    const stageName = props.stageName ?? 'prod';
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new apigateway.SpecRestApi(this, 'Api', {
      restApiName: props.restApiName ?? 'dynamodb-rest-api',
      apiDefinition: apigateway.ApiDefinition.fromInline(definition),
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName,
        throttlingRateLimit: props.throttlingRateLimit ?? 100,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 200,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        metricsEnabled: true,
        // Tracing off: one function making one DynamoDB call; the request id in the access log and in the
        // function's JSON log lines correlates a request end to end without X-Ray's cost and extra permissions.
        tracingEnabled: false,
      },
    });

    // SpecRestApi adds no invoke permission: allow this API, and only this API, to call the function.
    this.function.addPermission('InvokeFromApi', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: this.api.arnForExecuteApi(),
    });

    this.customersUrl = this.api.urlForPath('/customers');
    new CfnOutput(this, 'CustomersUrl', { value: this.customersUrl, description: 'GET ?id=… and PUT {"id": …}' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL: API_URL for npm run test:contract' });
  }
}
