/**
 * The two AWS calls the pre-traffic check makes — Lambda `Invoke` of one version, and CodeDeploy
 * `PutLifecycleEventHookExecutionStatus` — with the AWS SDK's own clients (credentials from the function's role; an
 * endpoint from `AWS_ENDPOINT_URL_LAMBDA` / `AWS_ENDPOINT_URL_CODEDEPLOY` when set, as the SDK reads them).
 */
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeAnswer } from './release-probe.js';

export type HookStatus = 'Succeeded' | 'Failed';

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
