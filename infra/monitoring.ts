/**
 * What an operator watches: CloudWatch alarms on the API's 5xx rate and p99 latency, the function's errors and
 * throttles, and the table's throttling and system errors; the release alarms CodeDeploy watches while a new version
 * takes traffic (infra/release.ts); a dashboard with the same metrics; alarm (and OK) notifications to an SNS topic
 * when one is given (context `alarmTopicArn`).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TABLE_ACTIONS } from '../src/api/store-actions.js';

const PERIOD = Duration.minutes(5);

/** Each alarm's threshold, in one place: breached in 2 of 3 five-minute periods (1 of 1 for errors). */
export const ALARM_THRESHOLDS = {
  /** Share of requests the API answered with a 5xx. */
  api5xxRate: 0.01,
  /** API Gateway's p99 latency, ms (a warm request takes tens of ms; the function gives up on DynamoDB at ~10 s). */
  apiP99LatencyMs: 2000,
  /** Function errors (the function answers errors as responses: an error here is a crash or a timeout). */
  functionErrors: 1,
  functionThrottles: 1,
  /** Throttled requests of the store (on-demand tables throttle past their adaptive capacity). */
  tableThrottledRequests: 1,
  tableSystemErrors: 1,
} as const;

/**
 * The release alarms: CodeDeploy rolls a deployment back when one fires while the new version takes traffic, so they
 * look at one-minute periods (a canary lasts 5 minutes) and at the new version where a metric can tell it apart.
 */
export const RELEASE_ALARM_THRESHOLDS = {
  /** Errors (crashes, timeouts) of the new version, invoked through the live alias (dimension ExecutedVersion). */
  newVersionErrors: 1,
  /**
   * Share of the stage's requests answered 5xx, in 2 of 3 one-minute periods: a version that answers 500 as a
   * normal response is no Lambda error. API Gateway's metrics cannot tell versions apart (ApiName and Stage only).
   */
  api5xxRateDuringRelease: 0.01,
} as const;

const RELEASE_PERIOD = Duration.minutes(1);

export interface MonitoringProps {
  readonly restApiName: string;
  readonly stageName: string;
  readonly function: lambda.IFunction;
  /** The alias API Gateway calls, and the version it is being moved to. */
  readonly alias: lambda.IAlias;
  readonly newVersion: lambda.IVersion;
  readonly table: dynamodb.ITable;
  /** SNS topic notified on alarm and on return to OK. @default no notification */
  readonly alarmTopic?: sns.ITopic | undefined;
}

export class Monitoring extends Construct {
  readonly alarms: Record<keyof typeof ALARM_THRESHOLDS, cloudwatch.Alarm>;
  /** The alarms a deployment rolls back on (infra/release.ts). */
  readonly releaseAlarms: Record<keyof typeof RELEASE_ALARM_THRESHOLDS, cloudwatch.Alarm>;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const api = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiName: props.restApiName, Stage: props.stageName },
        statistic,
        period: PERIOD,
      });
    // The table's operations are the actions the store sends (src/api/store-actions.ts); each must be one CloudWatch
    // reports (aws-cdk-lib's enum says which), or this does not compile.
    const reported: readonly `${dynamodb.Operation}`[] = TABLE_ACTIONS;
    const operations = [...reported] as dynamodb.Operation[];
    const sent = reported.join('/');
    const metrics = {
      // 5XXError is 0 or 1 per request: its average is the share of 5xx answers.
      api5xxRate: api('5XXError', 'Average'),
      apiP99LatencyMs: api('Latency', 'p99'),
      functionErrors: props.function.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      functionThrottles: props.function.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      tableThrottledRequests: props.table.metricThrottledRequestsForOperations({ operations, period: PERIOD }),
      tableSystemErrors: props.table.metricSystemErrorsForOperations({ operations, period: PERIOD }),
    } satisfies Record<keyof typeof ALARM_THRESHOLDS, cloudwatch.IMetric>;
    const descriptions: Record<keyof typeof ALARM_THRESHOLDS, string> = {
      api5xxRate: `More than ${ALARM_THRESHOLDS.api5xxRate * 100}% of requests answered 5xx`,
      apiP99LatencyMs: `p99 latency above ${ALARM_THRESHOLDS.apiP99LatencyMs} ms`,
      functionErrors: 'The function crashed or timed out',
      functionThrottles: 'Invocations throttled (account or reserved concurrency reached)',
      tableThrottledRequests: `DynamoDB throttled ${sent} requests (clients got 503)`,
      tableSystemErrors: `DynamoDB answered ${sent} with a server error (clients got 503)`,
    };
    const rates = new Set<keyof typeof ALARM_THRESHOLDS>(['api5xxRate', 'apiP99LatencyMs']);

    const topic = props.alarmTopic;
    const alarm = (name: string, options: Omit<cloudwatch.AlarmProps, 'treatMissingData'>) => {
      // No traffic is not a failure.
      const created = new cloudwatch.Alarm(this, name, {
        ...options,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (topic) {
        created.addAlarmAction(new actions.SnsAction(topic));
        created.addOkAction(new actions.SnsAction(topic));
      }
      return created;
    };
    this.alarms = Object.fromEntries(
      (Object.keys(ALARM_THRESHOLDS) as (keyof typeof ALARM_THRESHOLDS)[]).map((name) => [
        name,
        alarm(name, {
          metric: metrics[name],
          threshold: ALARM_THRESHOLDS[name],
          comparisonOperator: rates.has(name)
            ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
            : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          // A rate or a latency must last (2 of 3 periods); one crash or throttle is worth a look at once.
          evaluationPeriods: rates.has(name) ? 3 : 1,
          datapointsToAlarm: rates.has(name) ? 2 : 1,
          alarmDescription: `customers-api ${props.stageName}: ${descriptions[name]}`,
        }),
      ]),
    ) as Record<keyof typeof ALARM_THRESHOLDS, cloudwatch.Alarm>;

    const aliasResource = `${props.function.functionName}:${props.alias.aliasName}`;
    // The new version's own invocations through the alias (its errors are no one else's).
    const newVersion = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: {
          FunctionName: props.function.functionName,
          Resource: aliasResource,
          ExecutedVersion: props.newVersion.version,
        },
        statistic: 'Sum',
        period: RELEASE_PERIOD,
      });
    const newVersionErrors = newVersion('Errors');
    this.releaseAlarms = {
      newVersionErrors: alarm('newVersionErrors', {
        metric: newVersionErrors,
        threshold: RELEASE_ALARM_THRESHOLDS.newVersionErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        alarmDescription: `customers-api ${props.stageName}: the newest version crashed or timed out (a deployment in progress rolls back)`,
      }),
      api5xxRateDuringRelease: alarm('api5xxRateDuringRelease', {
        metric: api('5XXError', 'Average').with({ period: RELEASE_PERIOD }),
        threshold: RELEASE_ALARM_THRESHOLDS.api5xxRateDuringRelease,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        alarmDescription:
          `customers-api ${props.stageName}: more than ${RELEASE_ALARM_THRESHOLDS.api5xxRateDuringRelease * 100}% ` +
          'of requests answered 5xx in 2 of 3 minutes (a deployment in progress rolls back)',
      }),
    };

    const graph = (title: string, ...metricsShown: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left: metricsShown, width: 8 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms (the last two roll a deployment back)',
            alarms: [...Object.values(this.alarms), ...Object.values(this.releaseAlarms)],
            width: 24,
          }),
        ],
        [
          graph('API requests and errors', api('Count', 'Sum'), api('4XXError', 'Sum'), api('5XXError', 'Sum')),
          graph('API latency (ms)', api('Latency', 'p50'), api('Latency', 'p99'), api('IntegrationLatency', 'p99')),
          graph('API 5xx rate', metrics.api5xxRate),
        ],
        [
          graph(
            'Function invocations, errors, throttles',
            props.function.metricInvocations({ period: PERIOD }),
            metrics.functionErrors,
            metrics.functionThrottles,
          ),
          graph(
            'Function duration (ms)',
            props.function.metricDuration({ period: PERIOD, statistic: 'p50' }),
            props.function.metricDuration({ period: PERIOD, statistic: 'p99' }),
          ),
          graph(
            'Function concurrency',
            new cloudwatch.Metric({
              namespace: 'AWS/Lambda',
              metricName: 'ConcurrentExecutions',
              dimensionsMap: { FunctionName: props.function.functionName },
              statistic: 'Maximum',
              period: PERIOD,
            }),
          ),
        ],
        [
          graph(
            `Live alias (${props.alias.aliasName}): invocations and errors`,
            props.alias.metricInvocations({ period: RELEASE_PERIOD }),
            props.alias.metricErrors({ period: RELEASE_PERIOD }),
          ),
          graph('Newest version: invocations and errors', newVersion('Invocations'), newVersionErrors),
          graph('API 5xx rate, per minute', this.releaseAlarms.api5xxRateDuringRelease.metric),
        ],
        [
          graph(
            'Table latency (ms)',
            ...operations.map((operation) =>
              props.table.metricSuccessfulRequestLatency({
                dimensionsMap: { TableName: props.table.tableName, Operation: operation },
                period: PERIOD,
                statistic: 'p99',
              }),
            ),
          ),
          graph('Table throttled requests', metrics.tableThrottledRequests),
          graph('Table system errors', metrics.tableSystemErrors),
        ],
      ],
    });
  }
}
