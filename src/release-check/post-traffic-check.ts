/**
 * CodeDeploy's `AfterAllowTraffic` hook (infra/release.ts): once the alias sends all traffic to the new version, look
 * an id up **through the real stage URL** (API Gateway, its auth, the integration with the alias, the function) and
 * tell CodeDeploy whether the answer is the spec's (the verdict of src/release-check/release-probe.ts). `Failed` rolls the alias
 * back to the previous version and fails the stack update, as a failed pre-traffic check does.
 *
 * Read-only: one GET, never a write. It authenticates as the stage's callers must: with the stack's first API key
 * (`-c auth=apiKey`, read with API Gateway's GetApiKey), signed with its own role (`iam`), or not at all (`none`).
 */
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { API_KEY_HEADER } from '../shared/api-key-scheme.js';
import { readPostTrafficCheckConfig, TEST_INVOKE_STAGE } from '../shared/config.js';
import { sigV4Headers } from '../shared/sigv4.js';
import { type HookStatus, type LifecycleHookEvent, logLine, reportIn } from './release-hook-calls.js';
import { judgePreflight, judgeProbeAnswer, type ProbeVerdict } from './release-probe.js';

/** The id the post-traffic lookup asks for (any valid id: a lookup is a 200 either way). */
export const POST_TRAFFIC_PROBE_ID = 'post-traffic-check-probe';

/** An HTTP request the check sends, before it is authenticated. */
export interface ProbeRequest {
  readonly method: 'GET' | 'OPTIONS' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What came back over HTTP. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface PostTrafficCheckCalls {
  /** The stage's base URL (`https://<api>.execute-api.<region>.amazonaws.com/<stage>/`). */
  readonly stageUrl: () => Promise<string>;
  /** Sends `request` as it is (the check has added the credentials). */
  readonly send: (request: ProbeRequest) => Promise<HttpAnswer>;
  /**
   * Headers that authenticate `request` at the stage; `{}` when the stage checks no credentials; undefined when it
   * checks them but the check has none (`apiKey` with `createApiKey=false`): it then sends only a CORS preflight,
   * which needs no credentials and still reaches the new version through the stage.
   */
  readonly credentials: (request: ProbeRequest) => Promise<Record<string, string> | undefined>;
  readonly report: (event: LifecycleHookEvent, status: HookStatus) => Promise<void>;
  readonly log?: (line: Record<string, unknown>) => void;
}

/**
 * The stage URL of the API a Lambda resource policy lets invoke the function: from its first
 * `arn:…:execute-api:<region>:<account>:<api-id>/<stage>/…` source ARN.
 */
export function stageUrlFromPolicy(policy: string, urlSuffix = 'amazonaws.com'): string {
  // The stage's own source ARN, not the one strict grants API Gateway's test invocations (TEST_INVOKE_STAGE).
  const match = [...policy.matchAll(/arn:aws[a-z-]*:execute-api:([a-z0-9-]+):\d{12}:([a-z0-9]+)\/([^/"]+)\//g)].find(
    ([, , , stage]) => stage !== TEST_INVOKE_STAGE,
  );
  if (!match) throw new Error('no API Gateway stage may invoke the alias (no execute-api source ARN in its policy)');
  const [, region, apiId, stage] = match as unknown as [string, string, string, string];
  return `https://${apiId}.execute-api.${region}.${urlSuffix}/${stage}/`;
}

/**
 * Sends a request meant for a stage URL (`https://<api-id>.execute-api.<region>.…/<stage>/<path>?<query>`) as API
 * Gateway's TestInvokeMethod instead, through its management API at `endpoint` (signed with the function's role):
 * the strict profile's VPC reaches that API's interface endpoint but no stage URL. API Gateway runs the API's
 * method for `<path>` (its validator, its integration with the live alias, the function) and returns what the
 * caller would have got; the stage's own deployment and what happens before the method (the key or signature,
 * the usage plan, the WAF) are not part of a test invocation (infra/README.md, "Releases").
 */
export function testInvokeSender(
  region: string,
  endpoint: string,
  send: (request: ProbeRequest) => Promise<HttpAnswer> = sendOverHttp,
): (request: ProbeRequest) => Promise<HttpAnswer> {
  const call = async (method: 'GET' | 'POST', path: string, body?: object): Promise<Record<string, unknown>> => {
    const request: ProbeRequest = {
      method,
      url: `${endpoint}${path}`,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    };
    const answer = await send({
      ...request,
      headers: { ...request.headers, ...(await signedHeaders(request, 'apigateway', region)) },
    });
    if (answer.status !== 200)
      throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return JSON.parse(answer.body) as Record<string, unknown>;
  };
  return async (request) => {
    const target = new URL(request.url);
    const apiId = target.hostname.split('.')[0] ?? '';
    // Below the stage: /<stage>/customers -> /customers
    const path = target.pathname.replace(/^\/[^/]+/, '') || '/';
    const resources = (await call('GET', `/restapis/${encodeURIComponent(apiId)}/resources?limit=500`)).item;
    const resource = (Array.isArray(resources) ? resources : []).find(
      (item: { path?: unknown }) => item.path === path,
    ) as { id?: string } | undefined;
    if (!resource?.id) throw new Error(`API ${apiId} has no resource ${path}`);
    const answer = await call(
      'POST',
      `/restapis/${encodeURIComponent(apiId)}/resources/${encodeURIComponent(resource.id)}/methods/${request.method}`,
      { pathWithQueryString: `${path}${target.search}`, headers: request.headers },
    );
    const headers = Object.fromEntries(
      Object.entries((answer.headers ?? {}) as Record<string, string>).map(([name, value]) => [
        name.toLowerCase(),
        value,
      ]),
    );
    return { status: Number(answer.status), headers, body: String(answer.body ?? '') };
  };
}

/** The lookup the check sends: `GET <stage>/customers?id=post-traffic-check-probe`. */
export function postTrafficRequest(stageUrl: string, id: string = POST_TRAFFIC_PROBE_ID): ProbeRequest {
  const base = stageUrl.endsWith('/') ? stageUrl : `${stageUrl}/`;
  return {
    method: 'GET',
    url: `${base}customers?id=${encodeURIComponent(id)}`,
    headers: { accept: 'application/json', 'user-agent': 'customers-api-post-traffic-check' },
  };
}

/** The CORS preflight for `PUT <stage>/customers`, which needs no credentials in any mode. */
export function postTrafficPreflight(stageUrl: string): ProbeRequest {
  const base = stageUrl.endsWith('/') ? stageUrl : `${stageUrl}/`;
  return {
    method: 'OPTIONS',
    url: `${base}customers`,
    headers: {
      origin: 'https://post-traffic-check.invalid',
      'access-control-request-method': 'PUT',
      'user-agent': 'customers-api-post-traffic-check',
    },
  };
}

/** An HTTP answer as the proxy response the verdicts of src/release-check/release-probe.ts read. */
function asInvokeAnswer(answer: HttpAnswer) {
  return {
    statusCode: 200,
    payload: JSON.stringify({ statusCode: answer.status, headers: answer.headers, body: answer.body }),
  };
}

/** Looks the probe id up through the stage, reports the verdict to CodeDeploy, and returns it. */
export async function checkAfterTraffic(
  event: LifecycleHookEvent,
  calls: PostTrafficCheckCalls,
): Promise<ProbeVerdict> {
  let verdict: ProbeVerdict;
  try {
    const stageUrl = await calls.stageUrl();
    const request = postTrafficRequest(stageUrl);
    const credentials = await calls.credentials(request);
    // The same verdicts as the pre-traffic check's, on the answer as API Gateway gave it.
    verdict =
      credentials === undefined
        ? judgePreflight(asInvokeAnswer(await calls.send(postTrafficPreflight(stageUrl))))
        : judgeProbeAnswer(
            asInvokeAnswer(await calls.send({ ...request, headers: { ...request.headers, ...credentials } })),
            POST_TRAFFIC_PROBE_ID,
          );
  } catch (error) {
    verdict = { passed: false, reason: `the stage could not be reached: ${String(error)}` };
  }
  (calls.log ?? logLine)({ message: 'post-traffic check', deploymentId: event.DeploymentId, ...verdict });
  await calls.report(event, verdict.passed ? 'Succeeded' : 'Failed');
  return verdict;
}

/** `fetch`, with the answer's headers as a plain record. */
export async function sendOverHttp(request: ProbeRequest): Promise<HttpAnswer> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(29_000),
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

/**
 * SigV4 headers for `request` to `service` in `region`, signed with the function's role: its credentials come from
 * the AWS SDK's default chain, as the SDK's own clients get them (in Lambda, the role's, from the environment).
 */
export async function signedHeaders(
  request: ProbeRequest,
  service: string,
  region: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service,
    region,
    credentials: defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
  });
  return sigV4Headers(signer, request);
}

/** An API key as GetApiKey gives it. */
export interface ApiKeyValue {
  readonly value: string;
  /** A disabled key is refused by the stage (403), as an unknown one is. */
  readonly enabled: boolean;
}

/**
 * The API key's value, from API Gateway's GetApiKey (`GET /apikeys/{id}?includeValue=true`), signed with the
 * function's role (allowed `apigateway:GET` on that key only). `endpoint` is API Gateway's regional endpoint.
 */
export async function readApiKey(
  keyId: string,
  region: string,
  send: (request: ProbeRequest) => Promise<HttpAnswer> = sendOverHttp,
  endpoint = `https://apigateway.${region}.amazonaws.com`,
): Promise<ApiKeyValue> {
  const request: ProbeRequest = {
    method: 'GET',
    url: `${endpoint}/apikeys/${encodeURIComponent(keyId)}?includeValue=true`,
    headers: { accept: 'application/json' },
  };
  const answer = await send({
    ...request,
    headers: { ...request.headers, ...(await signedHeaders(request, 'apigateway', region)) },
  });
  const key = answer.status === 200 ? (JSON.parse(answer.body) as { value?: unknown; enabled?: unknown }) : {};
  if (typeof key.value !== 'string')
    throw new Error(`GetApiKey answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  return { value: key.value, enabled: key.enabled !== false };
}

/** The resource policy of the alias `aliasArn` (`…:function:NAME:ALIAS`), as JSON text. */
async function aliasPolicy(aliasArn: string, region: string): Promise<string> {
  const answer = await new LambdaClient({ region }).send(new GetPolicyCommand({ FunctionName: aliasArn }));
  return answer.Policy ?? '';
}

/** The Lambda entry: checks the stage that may invoke `ALIAS_ARN`, authenticated as `AUTH_MODE` says (src/shared/config.ts). */
export async function handler(event: LifecycleHookEvent): Promise<ProbeVerdict> {
  const { aliasArn, authMode, apiKeyId, region, apiGatewayEndpoint, route } = readPostTrafficCheckConfig();
  const stageUrl = async () => stageUrlFromPolicy(await aliasPolicy(aliasArn, region));
  if (route === 'testInvoke') {
    // A test invocation checks no key or signature: the lookup goes as it is.
    return checkAfterTraffic(event, {
      stageUrl,
      send: testInvokeSender(region, apiGatewayEndpoint),
      credentials: async () => ({}),
      report: reportIn(region),
    });
  }
  return checkAfterTraffic(event, {
    stageUrl,
    send: sendOverHttp,
    credentials: async (request) => {
      if (authMode === 'iam') return signedHeaders(request, 'execute-api', region);
      if (authMode === 'apiKey') {
        // Its own key (the stack's release key), not a client's. Disabled (or none): the preflight alone, which needs
        // no key, so that no key's state can fail a release.
        const key = apiKeyId ? await readApiKey(apiKeyId, region, sendOverHttp, apiGatewayEndpoint) : undefined;
        return key?.enabled ? { [API_KEY_HEADER]: key.value } : undefined;
      }
      return {};
    },
    report: reportIn(region),
  });
}
