/** The one grant a function's role needs to write its own log group. */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';

/** Lets a role write to `logGroup` and nowhere else. */
export function writeOwnLogs(logGroup: logs.ILogGroup): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    // The log group's ARN ends in ':*', which covers its log streams and nothing else.
    resources: [logGroup.logGroupArn],
  });
}
