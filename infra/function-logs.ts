/** The one grant a function's role needs to write its own log group. */
import * as iam from 'aws-cdk-lib/aws-iam';

/** Lets a role write to the log group of `logGroupArn` (`…:log-group:NAME:*`) and nowhere else. */
export function writeOwnLogs(logGroupArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    // The log group's ARN ends in ':*', which covers its log streams and nothing else.
    resources: [logGroupArn],
  });
}
