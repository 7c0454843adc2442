/**
 * The two AWS calls the pre-traffic check makes — Lambda `Invoke` of one version, and CodeDeploy
 * `PutLifecycleEventHookExecutionStatus` — as SigV4-signed HTTPS requests, with the AWS SDK's own signer and
 * credential chain (in Lambda: the function role's credentials from the environment).
 *
 * Why not `@aws-sdk/client-lambda` and `@aws-sdk/client-codedeploy`: they are not dependencies of this project.
 * These two functions are the only place that would change if they were added.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
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

/** CodeDeploy did not take a hook's status. */
export class HookStatusError extends Error {
  override readonly name = 'HookStatusError';
}

export function parseQualifiedArn(arn: string): QualifiedFunction {
  const match = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:([\w-]+):([\w-]+)$/.exec(arn);
  if (!match) throw new QualifiedArnError(`expected a Lambda version ARN (…:function:<name>:<version>), got '${arn}'`);
  const [, region, functionName, qualifier] = match as unknown as [string, string, string, string];
  return { region, functionName, qualifier };
}

const credentials = defaultProvider();

/**
 * The service's regional endpoint, or the one `AWS_ENDPOINT_URL_<SERVICE>` names (the AWS SDK's own variable for a
 * service-specific endpoint: tests point it at a local stand-in).
 */
function endpointOf(service: string, region: string): URL {
  const override = process.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`];
  return new URL(override || `https://${service}.${region}.amazonaws.com`);
}

async function send(
  service: string,
  region: string,
  request: { path: string; query?: Record<string, string>; headers: Record<string, string>; body: string },
): Promise<Response> {
  const endpoint = endpointOf(service, region);
  const signer = new SignatureV4({ service, region, credentials, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: request.path,
    query: request.query ?? {},
    headers: { ...request.headers, host: endpoint.host },
    body: request.body,
  });
  const url = new URL(request.path, endpoint);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  return fetch(url, { method: 'POST', headers: signed.headers, body: request.body });
}

/** Lambda `Invoke` (synchronous) of exactly the version `versionArn` names, with `event` as its payload. */
export async function invokeVersion(versionArn: string, event: unknown): Promise<InvokeAnswer> {
  const { region, functionName, qualifier } = parseQualifiedArn(versionArn);
  const response = await send('lambda', region, {
    path: `/2015-03-31/functions/${functionName}/invocations`,
    query: { Qualifier: qualifier },
    headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
    body: JSON.stringify(event),
  });
  return {
    statusCode: response.status,
    functionError: response.headers.get('x-amz-function-error') ?? undefined,
    payload: await response.text(),
  };
}

/** Tells CodeDeploy how a lifecycle hook ended; throws if CodeDeploy does not take it. */
export async function reportHookStatus(
  region: string,
  ids: { readonly deploymentId: string; readonly lifecycleEventHookExecutionId: string },
  status: HookStatus,
): Promise<void> {
  const response = await send('codedeploy', region, {
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus',
    },
    body: JSON.stringify({ ...ids, status }),
  });
  if (!response.ok) {
    throw new HookStatusError(`CodeDeploy refused the hook status (${response.status}): ${await response.text()}`);
  }
}
