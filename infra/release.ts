/**
 * How a new version of the function reaches the traffic: API Gateway calls the `live` alias, and every deploy that
 * makes a new version becomes an AWS CodeDeploy deployment that moves the alias to it — 10 % for 5 minutes then all
 * (`canary`, the default), 10 % more every minute (`linear`), or at once (`allAtOnce`). Before any traffic moves, the
 * pre-traffic check (src/pre-traffic-check.ts) invokes the new version with a lookup; while traffic moves, the
 * release alarms (infra/monitoring.ts) are watched. A failed check or an alarm rolls the alias back, and the stack
 * update fails. infra/README.md, "Releases".
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TARGET_VERSION_ENV } from '../src/config.js';
import { writeOwnLogs } from './function-logs.js';
import type { DeploymentStrategy } from './settings.js';
import type { StrictCompliance } from './strict-compliance.js';

/** The CodeDeploy configuration of each `deployment` setting. */
export const DEPLOYMENT_CONFIGS: Readonly<Record<DeploymentStrategy, codedeploy.ILambdaDeploymentConfig>> = {
  canary: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  linear: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  allAtOnce: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
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
}

export class Release extends Construct {
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** CodeDeploy's BeforeAllowTraffic hook. */
  readonly preTrafficCheck: lambda.Function;

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
    role.addToPolicy(writeOwnLogs(logGroup));
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
      description: 'customers-api: CodeDeploy BeforeAllowTraffic hook, a GET /customers lookup on the new version',
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

    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
      alias: props.alias,
      deploymentConfig: DEPLOYMENT_CONFIGS[props.deployment],
      alarms: [...props.alarms],
      preHook: this.preTrafficCheck,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    // The alias moves only once the check knows the version it is to probe, and the deployment group watches the
    // alarms on it (the new version's alarm changes with each version).
    const aliasResource = props.alias.node.defaultChild as lambda.CfnAlias;
    aliasResource.addResourceDependency(this.preTrafficCheck.node.defaultChild as lambda.CfnFunction);
    aliasResource.addResourceDependency(this.deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup);
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
      description: 'customers-api pre-traffic check: HTTPS to the Lambda and CodeDeploy endpoints only',
      allowAllOutbound: false,
    });
    const endpointsGroup = new ec2.SecurityGroup(this, 'EndpointsSecurityGroup', {
      vpc: strict.vpc,
      description: 'customers-api Lambda and CodeDeploy endpoints: HTTPS from the pre-traffic check only',
      allowAllOutbound: false,
    });
    securityGroup.connections.allowTo(
      endpointsGroup,
      ec2.Port.tcp(443),
      'HTTPS to the Lambda and CodeDeploy endpoints',
    );
    for (const [name, service] of [
      ['LambdaEndpoint', ec2.InterfaceVpcEndpointAwsService.LAMBDA],
      ['CodeDeployEndpoint', ec2.InterfaceVpcEndpointAwsService.CODEDEPLOY],
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
