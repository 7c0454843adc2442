/**
 * What `-c compliance=strict` adds so that every applicable AWS Control Tower proactive control passes: one
 * customer-managed KMS key (rotated yearly) for the table and the log groups, and a VPC of isolated subnets (no NAT,
 * no internet route) with a DynamoDB gateway endpoint for the function, with flow logs. X-Ray tracing is turned on
 * by the construct. Costs: infra/README.md, "Compliance profiles".
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export class StrictCompliance extends Construct {
  /** Encrypts the table and every log group of the stack. */
  readonly key: kms.Key;
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  /** Where the alarms go when no `alarmTopicArn` is given. */
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: { readonly logRetention: logs.RetentionDays }) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'customers-api: the customer table and the log groups',
      enableKeyRotation: true,
      // The table's data can only be read with this key: the key lives as long as the (retained) table.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // CloudWatch Logs encrypts a log group with the key only if the key policy lets the regional service use it,
    // for this account's log groups.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );

    // Grants on the key only for AWS services acting for this account's resources (CT.KMS.PR.2).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    // CloudWatch alarms publish to the encrypted alarm topic.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'function', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // The function's only way out: DynamoDB, through a gateway endpoint (no hourly charge).
      gatewayEndpoints: { DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });

    this.securityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'customers-api function: HTTPS out only (the subnets route nowhere but the DynamoDB endpoint)',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to DynamoDB via the endpoint');

    // Every alarm has an action (CT.CLOUDWATCH.PR.1): this topic, unless -c alarmTopicArn names one. Subscribe to it.
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'customers-api alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
  }

  /**
   * What a function in the VPC needs to attach its network interfaces (the actions of AWS's
   * AWSLambdaVPCAccessExecutionRole, without its logs:* on every log group).
   */
  vpcAccessStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'AttachToTheVpc',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    });
  }
}
