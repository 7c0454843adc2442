/**
 * What both release checks share: the event CodeDeploy sends a lifecycle hook, their log line, and the AWS calls
 * they make — Lambda `Invoke` of one version (the pre-traffic check), and CodeDeploy
 * `PutLifecycleEventHookExecutionStatus` (both) — with the AWS SDK's own clients (credentials from the function's role; an
 * endpoint from `AWS_ENDPOINT_URL_LAMBDA` / `AWS_ENDPOINT_URL_CODEDEPLOY` when set, as the SDK reads them).
 */
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeAnswer } from './release-probe.js';

export type HookStatus = 'Succeeded' | 'Failed';

/** What CodeDeploy sends a lifecycle hook. */
export interface LifecycleHookEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/** A check's verdict as one JSON line on stdout (its log group): `ERROR` when it failed, `INFO` otherwise. */
export function logLine(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level: line.passed === false ? 'ERROR' : 'INFO', ...line })}\n`);
}

/** A Lambda version's (or alias's) ARN, split: `arn:<partition>:lambda:<region>:<account>:function:<name>:<qualifier>`. */
export interface QualifiedFunction {
  readonly region: string;
  readonly functionName: string;
  readonly qualifier: string;
}

export class QualifiedArnError extends Error {
  override readonly name = 'QualifiedArnError';
}

export function parseQualifiedArn(arn: string): QualifiedFunction {
  const match = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:([\w-]+):([\w-]+)$/.exec(arn);
  if (!match) throw new QualifiedArnError(`expected a Lambda version ARN (…:function:<name>:<version>), got '${arn}'`);
  const [, region, functionName, qualifier] = match as unknown as [string, string, string, string];
  return { region, functionName, qualifier };
}

/** Lambda `Invoke` (synchronous) of exactly the version `versionArn` names, with `event` as its payload. */
export async function invokeVersion(versionArn: string, event: unknown): Promise<InvokeAnswer> {
  const { region, functionName, qualifier } = parseQualifiedArn(versionArn);
  const answer = await new LambdaClient({ region }).send(
    new InvokeCommand({
      FunctionName: functionName,
      Qualifier: qualifier,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  return {
    statusCode: answer.StatusCode ?? 0,
    functionError: answer.FunctionError,
    payload: answer.Payload ? new TextDecoder().decode(answer.Payload) : '',
  };
}

/** Tells CodeDeploy how a lifecycle hook ended; throws (the SDK's error) if CodeDeploy does not take it. */
export async function reportHookStatus(
  region: string,
  ids: { readonly deploymentId: string; readonly lifecycleEventHookExecutionId: string },
  status: HookStatus,
): Promise<void> {
  await new CodeDeployClient({ region }).send(new PutLifecycleEventHookExecutionStatusCommand({ ...ids, status }));
}

/** How a check in `region` reports the hook `hook` ended: {@link reportHookStatus} with the ids CodeDeploy sent. */
export function reportIn(region: string): (hook: LifecycleHookEvent, status: HookStatus) => Promise<void> {
  return (hook, status) =>
    reportHookStatus(
      region,
      { deploymentId: hook.DeploymentId, lifecycleEventHookExecutionId: hook.LifecycleEventHookExecutionId },
      status,
    );
}
