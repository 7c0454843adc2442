/**
 * Findings of AWS's rule packs (infra/policy-checks.ts) reviewed and accepted, each on the narrowest construct and
 * with the reason. `standard` findings are the ones the `-c compliance=strict` profile fixes, at a monthly cost
 * (infra/README.md); `always` findings hold in both profiles. A test checks that each acknowledgement is used and
 * that, without them, exactly these findings appear.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { credentialedRoutes } from '../src/release-check/release-probe.js';
import type { CustomersApi } from './customers-api.js';
import { type ComplianceProfile, type CustomersApiSettings, DEFAULT_SETTINGS } from './settings.js';

export interface AcknowledgedFinding {
  /**
   * `<plugin>::<rule>`, as the validation report names it. ARNs in it are built from `Aws.REGION` and
   * `Aws.ACCOUNT_ID`, so it reads the same in every account and region (`<AWS::Region>`, `<AWS::AccountId>`).
   */
  readonly id: string;
  readonly reason: string;
  /** The profiles in which the finding appears and is accepted. */
  readonly profiles: readonly ComplianceProfile[];
  /** The construct it is acknowledged on (and below). */
  readonly on: (api: CustomersApi) => IConstruct | undefined;
  /** Whether the finding arises with these settings. @default always */
  readonly when?: (settings: CustomersApiSettings) => boolean;
}

const BOTH: readonly ComplianceProfile[] = ['standard', 'strict'];
const STANDARD: readonly ComplianceProfile[] = ['standard'];
const STRICT: readonly ComplianceProfile[] = ['strict'];
const STRICT_FIXES =
  'The -c compliance=strict profile fixes it (infra/README.md, "Compliance profiles", with its cost).';

export const ACKNOWLEDGED_FINDINGS: readonly AcknowledgedFinding[] = [
  {
    id: 'AwsSolutions::AwsSolutions-APIG2',
    reason:
      'Request validation is enabled in the imported OpenAPI body (x-amazon-apigateway-request-validators, validator ' +
      '"parameters" on every operation), which cdk-nag cannot see; infra tests assert it. Bodies are validated by the ' +
      'Lambda, which validates the full contract and names the failing property (infra/README.md).',
    profiles: BOTH,
    on: (api) => api.api,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason:
      "API Gateway's account-level CloudWatch role uses the AWS-managed policy AWS documents for it: logs actions only, " +
      'and the role is trusted by apigateway.amazonaws.com alone. AWS maintains it as the service changes.',
    profiles: BOTH,
    on: (api) => api.api.node.tryFindChild('CloudWatchRole'),
  },
  {
    id: 'AwsSolutions::AwsSolutions-APIG3',
    reason:
      'No WAF web ACL by default: the stage is throttled, API Gateway and the Lambda validate every request and bodies ' +
      'are limited to 16 KiB. A web ACL costs a fixed monthly fee; attach one when the API is exposed beyond its known clients.',
    profiles: BOTH,
    on: (api) => api.stage,
    when: (settings) => !settings.waf,
  },
  {
    id: 'Serverless::Serverless-LambdaDLQ',
    reason:
      'The function is only invoked synchronously by API Gateway, which returns its errors to the client; a dead-letter ' +
      'queue receives only failed asynchronous invocations and would stay empty.',
    profiles: BOTH,
    on: (api) => api.function,
  },
  {
    id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
    reason:
      'CT.LAMBDA.PR.2: the permission does set SourceArn (this API, stage and path: tests assert it), but the ARN is an ' +
      'Fn::Join of the API id, which cfn-guard run on the template cannot resolve; the Control Tower hook sees the ' +
      'resolved ARN at deploy time.',
    profiles: BOTH,
    on: (api) => api.alias,
  },
  {
    id: 'cdk-validator-cfnguard::cloudwatch_alarm_action_check',
    reason:
      'CT.CLOUDWATCH.PR.1: no notification target exists by default; the alarms show on the dashboard and in the ' +
      'console, and -c alarmTopicArn=<SNS topic> makes every alarm notify it. The strict profile creates a topic.',
    profiles: STANDARD,
    on: (api) => api.monitoring,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and the VPC network-interface actions a function in a ' +
      'VPC needs (the actions of AWSLambdaVPCAccessExecutionRole) do not support resource-level permissions or are ' +
      'granted on * by AWS itself; every action is named, none is a wildcard.',
    profiles: STRICT,
    on: (api) => api.function.role,
  },
  {
    id: 'cdk-validator-cfnguard::api_gw_xray_enabled_check',
    reason: `CT.APIGATEWAY.PR.2: X-Ray is off by default; the request id in the access log and in the function's log lines correlates a request end to end. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.stage,
  },
  {
    id: 'Serverless::Serverless-APIGWXrayEnabled',
    reason: `X-Ray is off by default; the request id in the access log and in the function's log lines correlates a request end to end. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.stage,
  },
  {
    id: 'Serverless::Serverless-LambdaTracing',
    reason: `X-Ray is off by default: one function making one DynamoDB call, whose duration and errors the alarms and logs show. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.function,
  },
  {
    id: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
    reason: `CT.CLOUDWATCH.PR.3: log groups are encrypted at rest by CloudWatch Logs with an AWS-owned key; a customer-managed key adds a key to manage and pay for. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api,
  },
  {
    id: 'cdk-validator-cfnguard::dynamodb_table_encrypted_kms_check',
    reason: `CT.DYNAMODB.PR.2: the table is encrypted at rest with an AWS-owned key (DynamoDB's default); a customer-managed key adds a key to manage and pay for. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.table,
  },
  {
    id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
    reason: `CT.LAMBDA.PR.3: the function reaches only DynamoDB, over TLS with IAM-signed requests, and accepts no inbound connection; a VPC adds subnets and an endpoint to run. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.function,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<CustomersApiFunction6F5F79AC.Arn>:*]',
    reason:
      "The pre-traffic check may invoke this function's versions (<function ARN>:*, no other function): each deploy " +
      "makes a new version, and a grant on that version's own ARN would change the policy at every deploy and race " +
      "IAM's propagation with the check's first call.",
    profiles: BOTH,
    on: (api) => api.release.preTrafficCheck.role,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    reason:
      "CodeDeploy's service role uses the AWS-managed policy AWS documents for Lambda deployments (and the CDK " +
      'attaches): it reads the alarms, moves the alias and invokes the hooks; the role is trusted by ' +
      'codedeploy.amazonaws.com alone.',
    profiles: BOTH,
    on: (api) => api.release.deploymentGroup.role,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<CustomersApiReleasePreTrafficCheck86CD9ABC.Arn>:*]',
    reason:
      "CodeDeploy's role may invoke the pre-traffic check and its versions (<check ARN>:*, no other function), as " +
      "the CDK's LambdaDeploymentGroup grants it; CodeDeploy invokes the hook it is given, unqualified.",
    profiles: BOTH,
    on: (api) => api.release.deploymentGroup.role,
  },
  {
    id: 'Serverless::Serverless-LambdaDLQ',
    reason:
      'The pre-traffic check is invoked by CodeDeploy once per deployment. If it fails without reporting, CodeDeploy ' +
      'fails the deployment when the hook times out and rolls back; a dead-letter queue would hold an event nobody ' +
      'replays (a new deployment makes a new one).',
    profiles: BOTH,
    on: (api) => api.release.preTrafficCheck,
  },
  {
    id: 'Serverless::Serverless-LambdaTracing',
    reason: `X-Ray is off by default: the pre-traffic check makes one invocation and one CodeDeploy call per deployment, and logs its verdict. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.release.preTrafficCheck,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'The pre-traffic check in the VPC, traced: X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and the ' +
      'network-interface actions of AWSLambdaVPCAccessExecutionRole support no resource-level permissions; every ' +
      'action is named, none is a wildcard.',
    profiles: STRICT,
    on: (api) => api.release.preTrafficCheck.role,
  },
  {
    id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
    reason: `CT.LAMBDA.PR.3: the pre-traffic check calls only the Lambda and CodeDeploy APIs, over TLS with IAM-signed requests, and accepts no inbound connection; in the VPC it needs two interface endpoints. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.release.preTrafficCheck,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<CustomersApiReleasePostTrafficCheck89809DDD.Arn>:*]',
    reason:
      "CodeDeploy's role may invoke the post-traffic check and its versions (<check ARN>:*, no other function), as " +
      "the CDK's LambdaDeploymentGroup grants it; CodeDeploy invokes the hook it is given, unqualified.",
    profiles: BOTH,
    on: (api) => api.release.deploymentGroup.role,
  },
  // one for each route the release probes send credentials to (src/release-check/release-probe.ts)
  ...credentialedRoutes().map(
    ({ method, path }): AcknowledgedFinding => ({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:*/*/${method}${path}]`,
      reason:
        `With auth=iam the post-traffic check signs its probe of ${method} ${path} (a lookup, or a write in a form the ` +
        'API refuses: it writes nothing) with its own role. The API and its stage refer to the live alias, whose update ' +
        "waits for the check: naming the API's id here would be a dependency cycle, so the grant names the method and " +
        'path in any API of this account and region.',
      // strict test-invokes the lookups instead (no execute-api grant)
      profiles: STANDARD,
      on: (api) => api.release.postTrafficCheck.role,
      when: (settings) => settings.auth === 'iam',
    }),
  ),
  {
    id: 'Serverless::Serverless-LambdaDLQ',
    reason:
      'The post-traffic check is invoked by CodeDeploy once per deployment. If it fails without reporting, CodeDeploy ' +
      'fails the deployment when the hook times out and rolls back; a dead-letter queue would hold an event nobody ' +
      'replays.',
    profiles: BOTH,
    on: (api) => api.release.postTrafficCheck,
  },
  {
    id: 'Serverless::Serverless-LambdaTracing',
    reason: `X-Ray is off by default: the post-traffic check sends its few probes and one CodeDeploy call per deployment, and logs its verdict. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.release.postTrafficCheck,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'The post-traffic check in the VPC, traced: X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and the ' +
      'network-interface actions of AWSLambdaVPCAccessExecutionRole support no resource-level permissions; every ' +
      'action is named, none is a wildcard.',
    profiles: STRICT,
    on: (api) => api.release.postTrafficCheck.role,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/restapis/*/resources]',
    reason:
      "In strict the post-traffic check finds the lookup's resource id (GetResources, a read) before it test-invokes " +
      'it. The API refers to the live alias, whose update waits for the check: naming the API id here would be a ' +
      'dependency cycle, so the grant names the resources of any API of this account and region.',
    profiles: STRICT,
    on: (api) => api.release.postTrafficCheck.role,
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/restapis/*/resources/*/methods/GET]',
    reason:
      'In strict the post-traffic check has API Gateway test-invoke its lookup (TestInvokeMethod is a POST on the ' +
      "method, and changes nothing): GET methods only, of any API of this account and region, as the API's id " +
      'cannot be named without a dependency cycle (the API waits for the alias, which waits for the check).',
    profiles: STRICT,
    on: (api) => api.release.postTrafficCheck.role,
  },
  {
    id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
    reason: `CT.LAMBDA.PR.3: the post-traffic check calls the stage's public URL, as clients do; it accepts no inbound connection and makes one read-only lookup per deployment. ${STRICT_FIXES}`,
    profiles: STANDARD,
    on: (api) => api.release.postTrafficCheck,
  },
];

/** The acknowledgements that apply to the API's settings (its compliance profile, its WAF). */
export function acknowledgementsFor(
  settings: Pick<CustomersApiSettings, 'compliance'> & Partial<CustomersApiSettings>,
): readonly AcknowledgedFinding[] {
  const all = { ...DEFAULT_SETTINGS, ...settings };
  return [...ACKNOWLEDGED_FINDINGS, ...adoptedLogGroupFindings(all)].filter(
    (finding) => finding.profiles.includes(settings.compliance) && (finding.when?.(all) ?? true),
  );
}

/**
 * With `existingFunctionLogGroup`, the function's role may write the adopted group's log streams: its ARN, which
 * names the function, ends in `:*` (a created group's ARN is a reference cdk-nag cannot read).
 */
function adoptedLogGroupFindings(settings: CustomersApiSettings): AcknowledgedFinding[] {
  return [
    {
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/${settings.functionName}:*]`,
      reason:
        'The function writes to the log group it adopted (existingFunctionLogGroup), /aws/lambda/<functionName>: the ' +
        "ARN's trailing :* covers that group's log streams and nothing else, as a created group's ARN does.",
      profiles: BOTH,
      on: (api) => api.function.role,
      when: (all) => all.existingFunctionLogGroup,
    },
  ];
}

export function acknowledgeReviewedFindings(api: CustomersApi): void {
  for (const finding of acknowledgementsFor(api.settings)) {
    const scope = finding.on(api);
    if (!scope) throw new Error(`acknowledged finding ${finding.id} has no construct to sit on`);
    Validations.of(scope).acknowledge({ id: finding.id, reason: finding.reason });
  }
}
