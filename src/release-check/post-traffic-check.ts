/**
 * CodeDeploy's `AfterAllowTraffic` hook (infra/release.ts): once the alias sends all traffic to the new version, send
 * the spec's release probes (src/release-check/release-probe.ts: a lookup for each safe operation, a request each write
 * must refuse, a CORS preflight for each method) **through the real stage URL** (API Gateway, its auth, the
 * integration with the alias, the function) and tell CodeDeploy whether every answer is the spec's. `Failed` rolls
 * the alias back to the previous version and fails the stack update, as a failed pre-traffic check does.
 *
 * Writes nothing: every write it sends is one the spec refuses. It authenticates as the stage's callers must: with the
 * stack's release key (`-c auth=apiKey`, read with API Gateway's GetApiKey; disabled, the preflights only), signed
 * with its own role (`iam`), or not at all (`none`); a preflight, as a browser's, without credentials. In the strict
 * profile's VPC, which reaches no stage URL, API Gateway test-invokes the lookups instead (`PROBE_ROUTE=testInvoke`,
 * {@link testInvokeSender}).
 */
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { API_KEY_HEADER } from '../shared/api-key-scheme.js';
import { readPostTrafficCheckConfig, TEST_INVOKE_STAGE } from '../shared/config.js';
import { sigV4Headers } from '../shared/sigv4.js';
import { type HookStatus, type LifecycleHookEvent, logLine, reportIn } from './release-hook-calls.js';
import { type InvokeAnswer, type ProbeVerdict, type SpecProbe, specProbes } from './release-probe.js';

/** The id the post-traffic lookups ask for (any valid id: a lookup is a 200 either way). */
export const POST_TRAFFIC_PROBE_ID = 'post-traffic-check-probe';

/** An HTTP request the check sends, before it is authenticated. */
export interface ProbeRequest {
  readonly method: string;
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
   * checks them but the check has none (`apiKey` with `createApiKey=false`): it then sends only the CORS preflights,
   * which need no credentials and still reach the new version through the stage.
   */
  readonly credentials: (request: ProbeRequest) => Promise<Record<string, string> | undefined>;
  /** The kinds of probe this way of sending may send. @default every kind */
  readonly kinds?: readonly SpecProbe['kind'][];
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

/**
 * What a test invocation sends: the lookups only. The role may test-invoke GETs, and the alias lets the test-invoke
 * stage call GET /customers, nothing else (infra/release.ts, infra/rest-api.ts).
 */
export const TEST_INVOKE_KINDS: readonly SpecProbe['kind'][] = ['lookup'];

/** A release probe of the spec, as the HTTP request the check sends through the stage. */
export interface PostTrafficProbe {
  readonly name: string;
  readonly kind: SpecProbe['kind'];
  readonly request: ProbeRequest;
  readonly judge: SpecProbe['judge'];
}

/** The spec's release probes (src/release-check/release-probe.ts) under `stageUrl`, in order. */
export function postTrafficProbes(stageUrl: string, id: string = POST_TRAFFIC_PROBE_ID): PostTrafficProbe[] {
  const base = stageUrl.endsWith('/') ? stageUrl : `${stageUrl}/`;
  return specProbes({ probeId: id, userAgent: 'customers-api-post-traffic-check' }).map((probe) => {
    const url = new URL(probe.path.replace(/^\//, ''), base);
    for (const [name, value] of Object.entries(probe.query)) url.searchParams.set(name, value);
    const request = {
      method: probe.method,
      url: url.href,
      headers: { ...probe.headers },
      ...(probe.body === null ? {} : { body: probe.body }),
    };
    return { name: probe.name, kind: probe.kind, request, judge: probe.judge };
  });
}

/** An HTTP answer as the proxy response the verdicts of src/release-check/release-probe.ts read. */
function asInvokeAnswer(answer: HttpAnswer): InvokeAnswer {
  return {
    statusCode: 200,
    payload: JSON.stringify({ statusCode: answer.status, headers: answer.headers, body: answer.body }),
  };
}

/** Sends the probes through the stage, reports the verdict to CodeDeploy, and returns it. */
export async function checkAfterTraffic(
  event: LifecycleHookEvent,
  calls: PostTrafficCheckCalls,
): Promise<ProbeVerdict> {
  let verdict: ProbeVerdict = { passed: true };
  try {
    const stageUrl = await calls.stageUrl();
    // The same verdicts as the pre-traffic check's, on the answers as API Gateway gave them; the first that fails decides.
    for (const probe of postTrafficProbes(stageUrl)) {
      if (calls.kinds && !calls.kinds.includes(probe.kind)) continue;
      const credentials = probe.kind === 'preflight' ? {} : await calls.credentials(probe.request);
      if (credentials === undefined) continue;
      const answer = await calls.send({ ...probe.request, headers: { ...probe.request.headers, ...credentials } });
      const judged = probe.judge(asInvokeAnswer(answer));
      if (!judged.passed) {
        verdict = { passed: false, reason: `${probe.name}: ${judged.reason}` };
        break;
      }
    }
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
    // A test invocation checks no key or signature: the lookups go as they are.
    return checkAfterTraffic(event, {
      stageUrl,
      send: testInvokeSender(region, apiGatewayEndpoint),
      credentials: async () => ({}),
      kinds: TEST_INVOKE_KINDS,
      report: reportIn(region),
    });
  }
  // The key is read once per check, not once per probe.
  let releaseKey: Promise<ApiKeyValue | undefined> | undefined;
  return checkAfterTraffic(event, {
    stageUrl,
    send: sendOverHttp,
    credentials: async (request) => {
      if (authMode === 'iam') return signedHeaders(request, 'execute-api', region);
      if (authMode === 'apiKey') {
        // Its own key (the stack's release key), not a client's. Disabled (or none): the preflight alone, which needs
        // no key, so that no key's state can fail a release.
        releaseKey ??= apiKeyId
          ? readApiKey(apiKeyId, region, sendOverHttp, apiGatewayEndpoint)
          : Promise.resolve(undefined);
        const key = await releaseKey;
        return key?.enabled ? { [API_KEY_HEADER]: key.value } : undefined;
      }
      return {};
    },
    report: reportIn(region),
  });
}
