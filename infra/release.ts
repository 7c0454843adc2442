/**
 * How a new version of the function reaches the traffic: API Gateway calls the `live` alias, and every deploy that
 * makes a new version becomes an AWS CodeDeploy deployment that moves the alias to it (CloudFormation hands the move
 * over through the alias's `CodeDeployLambdaAliasUpdate` update policy and waits for it) — 10 % for 5 minutes then all
 * (`canary`, the default), 10 % more every minute (`linear`), or at once (`allAtOnce`). Before any traffic moves, the
 * pre-traffic check (src/release-check/pre-traffic-check.ts) invokes the new version with the spec's probes; while traffic moves, the
 * release alarms (infra/monitoring.ts) are watched. A failed check or an alarm rolls the alias back, and the stack
 * update fails. infra/README.md, "Releases".
 */
import { Arn, ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { credentialedRoutes, specProbes } from '../src/release-check/release-probe.js';
import {
  ALIAS_ARN_ENV,
  API_KEY_ID_ENV,
  AUTH_MODE_ENV,
  PROBE_ROUTE_ENV,
  TARGET_VERSION_ENV,
} from '../src/shared/config.js';
import { writeOwnLogs } from './function-logs.js';
import type { AuthMode, DeploymentStrategy } from './settings.js';
import type { StrictCompliance } from './strict-compliance.js';

/** The path the post-traffic check looks an id up on (the spec's lookup). */
export const POST_TRAFFIC_LOOKUP_PATH = '/customers';

/** The CodeDeploy configuration of each `deployment` setting. */
export const DEPLOYMENT_CONFIGS: Readonly<Record<DeploymentStrategy, codedeploy.ILambdaDeploymentConfig>> = {
  canary: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  linear: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  allAtOnce: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
};

/**
 * Minutes CodeDeploy waits for a lifecycle hook that never reports before it fails the deployment (AWS: one hour).
 * A job that waits for a deploy must wait longer (.github/workflows/deploy-environment.yml).
 */
export const HOOK_WAIT_MINUTES = 60;

/** Minutes each configuration takes to move all traffic, hooks aside (its name says it). */
export const TRAFFIC_SHIFT_MINUTES: Readonly<Record<DeploymentStrategy, number>> = {
  canary: 5,
  linear: 10,
  allAtOnce: 0,
};

export interface ReleaseProps {
  /** The function whose versions are released. */
  readonly function: lambda.IFunction;
  /** The alias API Gateway calls, pointing at the function's current version. */
  readonly alias: lambda.Alias;
  readonly deployment: DeploymentStrategy;
  /** Any of them in ALARM while traffic moves rolls the deployment back. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The pre-traffic check's code (`npm run build`: dist/pre-traffic-check). */
  readonly preTrafficCheckCode: lambda.Code;
  readonly logRetention: logs.RetentionDays;
  /** With `-c compliance=strict`: the check runs in the VPC, reaching Lambda and CodeDeploy through endpoints. */
  readonly strict?: StrictCompliance | undefined;
  /** Deploy without reading the alarms (`ignoreReleaseAlarms`: a hotfix while one is in ALARM). */
  readonly ignoreAlarms?: boolean;
  /** What the post-traffic check needs to call the stage as its callers do. */
  readonly postTraffic: {
    readonly authMode: AuthMode;
    /** With `auth=apiKey`: the key the check sends (the release key, never a client's). */
    readonly apiKey?: apigateway.IApiKey | undefined;
  };
}

export class Release extends Construct {
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** CodeDeploy's BeforeAllowTraffic hook. */
  readonly preTrafficCheck: lambda.Function;
  /** CodeDeploy's AfterAllowTraffic hook: the release probes through the stage once all traffic has moved. */
  readonly postTrafficCheck: lambda.Function;

  constructor(scope: Construct, id: string, props: ReleaseProps) {
    super(scope, id);
    const { strict } = props;
    const newVersion = props.alias.version;

    const logGroup = new logs.LogGroup(this, 'PreTrafficCheckLogs', {
      retention: props.logRetention,
      ...(strict ? { encryptionKey: strict.key } : {}),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'PreTrafficCheckRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: "customers-api pre-traffic check: invoke the function's versions, report to CodeDeploy, log",
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTheFunctionsVersions',
        actions: ['lambda:InvokeFunction'],
        // Every version of this function (and nothing else): a grant on the new version's own ARN would change at
        // every deploy, and the check could run before IAM has the new grant.
        resources: [`${props.function.functionArn}:*`],
      }),
    );
    role.addToPolicy(writeOwnLogs(logGroup.logGroupArn));
    if (strict) role.addToPolicy(strict.vpcAccessStatement());

    const network = strict ? this.endpointsFor(strict) : undefined;

    this.preTrafficCheck = new lambda.Function(this, 'PreTrafficCheck', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.preTrafficCheckCode,
      role,
      logGroup,
      memorySize: 256,
      // The probe's invocation includes the new version's cold start; the API's function gives up at 15 s.
      timeout: Duration.seconds(60),
      environment: { [TARGET_VERSION_ENV]: newVersion.functionArn },
      description: 'customers-api: CodeDeploy BeforeAllowTraffic hook, a lookup, a refused PUT and a preflight',
      ...(strict && network
        ? {
            vpc: strict.vpc,
            vpcSubnets: network.subnets,
            securityGroups: [network.securityGroup],
            tracing: lambda.Tracing.ACTIVE,
          }
        : {}),
    });
    this.preTrafficCheck.node.addDependency(role);

    this.postTrafficCheck = this.postTrafficCheckFor(props, network);

    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
      alias: props.alias,
      deploymentConfig: DEPLOYMENT_CONFIGS[props.deployment],
      alarms: [...props.alarms],
      // A hotfix during an incident: CodeDeploy does not read the alarms (an alarm already in ALARM otherwise fails
      // every deployment at once: aws/serverless-application-model#716); both checks still run. In the template,
      // the deployment group's AlarmConfiguration.Enabled: false,
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-codedeploy-deploymentgroup-alarmconfiguration.html
      ignoreAlarmConfiguration: props.ignoreAlarms ?? false,
      preHook: this.preTrafficCheck,
      postHook: this.postTrafficCheck,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    // The alias moves only once the check knows the version it is to probe, and the deployment group watches the
    // alarms on it (the new version's alarm changes with each version).
    const aliasResource = props.alias.node.defaultChild as lambda.CfnAlias;
    aliasResource.addResourceDependency(this.preTrafficCheck.node.defaultChild as lambda.CfnFunction);
    aliasResource.addResourceDependency(this.postTrafficCheck.node.defaultChild as lambda.CfnFunction);
    aliasResource.addResourceDependency(this.deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup);
  }

  /**
   * The AfterAllowTraffic hook: the pre-traffic check's bundle, its `postTrafficHandler`. Writes nothing: it may read the
   * alias's resource policy (to find the stage that calls it), the first API key (`apiKey`), and invoke the routes
   * its probes call (`iam`); it references neither the API nor the stage, which wait for the alias (and so for it).
   */
  private postTrafficCheckFor(
    props: ReleaseProps,
    network: { subnets: ec2.SubnetSelection; securityGroup: ec2.SecurityGroup } | undefined,
  ): lambda.Function {
    const { strict, postTraffic } = props;
    // Strict: in the VPC, which reaches no stage URL; API Gateway test-invokes the lookup instead.
    const testInvoke = strict !== undefined && network !== undefined;
    const stack = Stack.of(this);
    // Built from the function's ARN, not the alias's Ref: the alias waits for this check.
    const aliasArn = `${props.function.functionArn}:${props.alias.aliasName}`;
    const logGroup = new logs.LogGroup(this, 'PostTrafficCheckLogs', {
      retention: props.logRetention,
      ...(strict ? { encryptionKey: strict.key } : {}),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'PostTrafficCheckRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'customers-api post-traffic check: the release probes through the stage, report to CodeDeploy, log',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWhichStageCallsTheAlias',
        actions: ['lambda:GetPolicy'],
        resources: [aliasArn],
      }),
    );
    if (testInvoke) {
      const apigatewayArn = (path: string) => `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::${path}`;
      // Any API of this account and region, as for execute-api below: the API refers to the alias, which waits for
      // this check. Read the resources (to find the lookup's), and test-invoke a GET: nothing that changes the API.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'FindTheLookupsResource',
          actions: ['apigateway:GET'],
          resources: [apigatewayArn('/restapis/*/resources')],
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'TestInvokeTheLookup',
          actions: ['apigateway:POST'],
          resources: [apigatewayArn('/restapis/*/resources/*/methods/GET')],
        }),
      );
    } else if (postTraffic.authMode === 'apiKey' && postTraffic.apiKey) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadTheReleaseApiKey',
          actions: ['apigateway:GET'],
          resources: [
            // arn:<partition>:apigateway:<region>::/apikeys/<id>
            Arn.format(
              {
                service: 'apigateway',
                account: '',
                resource: '/apikeys',
                resourceName: postTraffic.apiKey.keyId,
                arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
              },
              stack,
            ),
          ],
        }),
      );
    }
    if (!testInvoke && postTraffic.authMode === 'iam') {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'LookUpThroughTheStage',
          actions: ['execute-api:Invoke'],
          // Any API id and stage: the API and its stage refer to the alias, which waits for this check, so they
          // cannot be named here. The routes the release probes call (src/release-check/release-probe.ts): its
          // lookups and the writes it sends only in a form the API refuses.
          // Built from Aws.REGION and Aws.ACCOUNT_ID, not the stack's: the ARN (and its acknowledged finding) reads
          // the same in every account and region.
          resources: credentialedRoutes().map(
            ({ method, path }) =>
              `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:*/*/${method}${path}`,
          ),
        }),
      );
    }
    role.addToPolicy(writeOwnLogs(logGroup.logGroupArn));
    if (strict) role.addToPolicy(strict.vpcAccessStatement());
    const check = new lambda.Function(this, 'PostTrafficCheck', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.postTrafficHandler',
      code: props.preTrafficCheckCode,
      role,
      logGroup,
      memorySize: 256,
      // Its probes one after another through API Gateway, which gives up on each at 29 s, and the report.
      timeout: Duration.seconds(30 + 29 * specProbes().length),
      environment: {
        [ALIAS_ARN_ENV]: aliasArn,
        [AUTH_MODE_ENV]: postTraffic.authMode,
        [PROBE_ROUTE_ENV]: testInvoke ? 'testInvoke' : 'stage',
        ...(postTraffic.apiKey && !testInvoke ? { [API_KEY_ID_ENV]: postTraffic.apiKey.keyId } : {}),
      },
      description: testInvoke
        ? 'customers-api: CodeDeploy AfterAllowTraffic hook, the release lookups test-invoked through API Gateway'
        : 'customers-api: CodeDeploy AfterAllowTraffic hook, the release probes through the stage',
      // Strict: in the VPC (CT.LAMBDA.PR.3), beside the pre-traffic check. The VPC has no route out, and an
      // execute-api endpoint reaches private APIs only (with private DNS it would cut the VPC off from regional
      // APIs, https://aws.amazon.com/premiumsupport/knowledge-center/api-gateway-vpc-connections/), so the check
      // asks API Gateway's management API, through its interface endpoint, to test-invoke the lookups
      // (src/release-check/post-traffic-check.ts; what that sees and misses: infra/README.md, "Releases").
      ...(testInvoke && strict && network
        ? {
            vpc: strict.vpc,
            vpcSubnets: network.subnets,
            securityGroups: [network.securityGroup],
            tracing: lambda.Tracing.ACTIVE,
          }
        : {}),
    });
    check.node.addDependency(role);
    return check;
  }

  /**
   * No route leaves the isolated subnets: the check reaches Lambda and CodeDeploy through interface endpoints, in
   * the one subnet it runs in (an endpoint is billed per subnet and hour). Its security group may reach theirs on
   * HTTPS, and nothing else.
   */
  private endpointsFor(strict: StrictCompliance): { subnets: ec2.SubnetSelection; securityGroup: ec2.SecurityGroup } {
    const subnets = { subnets: [strict.vpc.isolatedSubnets[0] as ec2.ISubnet] };
    const securityGroup = new ec2.SecurityGroup(this, 'PreTrafficCheckSecurityGroup', {
      vpc: strict.vpc,
      description: 'customers-api release checks: HTTPS to the Lambda, CodeDeploy and API Gateway endpoints only',
      allowAllOutbound: false,
    });
    const endpointsGroup = new ec2.SecurityGroup(this, 'EndpointsSecurityGroup', {
      vpc: strict.vpc,
      description: 'customers-api Lambda, CodeDeploy and API Gateway endpoints: HTTPS from the release checks only',
      allowAllOutbound: false,
    });
    securityGroup.connections.allowTo(
      endpointsGroup,
      ec2.Port.tcp(443),
      'HTTPS to the Lambda, CodeDeploy and API Gateway endpoints',
    );
    for (const [name, service] of [
      ['LambdaEndpoint', ec2.InterfaceVpcEndpointAwsService.LAMBDA],
      ['CodeDeployEndpoint', ec2.InterfaceVpcEndpointAwsService.CODEDEPLOY],
      // The post-traffic check's GetResources and TestInvokeMethod (API Gateway's management API, not execute-api).
      ['ApiGatewayEndpoint', ec2.InterfaceVpcEndpointAwsService.APIGATEWAY],
    ] as const) {
      strict.vpc.addInterfaceEndpoint(name, {
        service,
        subnets,
        privateDnsEnabled: true,
        securityGroups: [endpointsGroup],
        open: false,
      });
    }
    return { subnets, securityGroup };
  }
}
