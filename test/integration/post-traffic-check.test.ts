/**
 * The post-traffic check (src/release-check/post-traffic-check.ts, CodeDeploy's AfterAllowTraffic hook) over real HTTP: its lookup
 * through a stage URL (the real local server behind a `/prod` stage path, as API Gateway serves it) passes when the
 * API answers as the spec says, fails when it does not or when the stage refuses the credentials, and writes nothing.
 * Its AWS calls (GetApiKey, the alias's policy) are checked against stand-ins for their wire format.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundlePreTrafficCheck } from '../../src/build/bundle-lambda.js';
import type { LocalServer } from '../../src/local/server.js';
import {
  checkAfterTraffic,
  POST_TRAFFIC_PROBE_ID,
  type PostTrafficProbe,
  postTrafficProbes,
  readApiKey,
  sendOverHttp,
  signedHeaders,
  stageUrlFromPolicy,
  TEST_INVOKE_KINDS,
  testInvokeSender,
} from '../../src/release-check/post-traffic-check.js';
import type { HookStatus } from '../../src/release-check/release-hook-calls.js';
import { specProbes } from '../../src/release-check/release-probe.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { startTestServer } from '../helpers/local-server.js';
import { specMethods } from '../helpers/spec-methods.js';
import { type StageProxy, startStageProxy } from '../helpers/stage-proxy.js';
import { emulatorClient, storedIds } from '../helpers/stored-ids.js';

const HOOK = { DeploymentId: 'd-POST12345', LifecycleEventHookExecutionId: 'exec-after-7' };

let server: LocalServer;
let stage: StageProxy;

beforeAll(async () => {
  server = await startTestServer();
  stage = await startStageProxy(server.url, '/prod');
});
afterAll(async () => {
  await stage?.close();
  await server?.close();
});

/** Runs the check against `stageUrl` with `key`; what it reported and returned. */
async function runCheck(stageUrl: string, key: string | undefined) {
  const reports: HookStatus[] = [];
  const lines: Record<string, unknown>[] = [];
  const verdict = await checkAfterTraffic(HOOK, {
    stageUrl: async () => stageUrl,
    send: sendOverHttp,
    credentials: async (): Promise<Record<string, string>> => (key ? { 'x-api-key': key } : {}),
    report: async (event, status) => {
      expect(event).toEqual(HOOK);
      reports.push(status);
    },
    log: (line) => lines.push(line),
  });
  return { verdict, reports, lines };
}

describe('the lookup through the stage URL', () => {
  it('passes and reports Succeeded when the stage answers as the spec says, and writes nothing', async () => {
    const dynamo = emulatorClient(server);
    const before = await storedIds(dynamo);
    const { verdict, reports, lines } = await runCheck(`${stage.url}/`, DEFAULT_LOCAL_API_KEY);
    expect(verdict).toEqual({ passed: true });
    expect(reports).toEqual(['Succeeded']);
    expect(lines).toEqual([{ message: 'post-traffic check', deploymentId: HOOK.DeploymentId, passed: true }]);
    expect(await storedIds(dynamo)).toEqual(before);
  });

  it('fails and reports Failed when the stage refuses the credentials (403), naming the status', async () => {
    const { verdict, reports } = await runCheck(`${stage.url}/`, 'not-a-key-the-stage-knows');
    expect(verdict).toEqual({ passed: false, reason: expect.stringContaining('403') });
    expect(reports).toEqual(['Failed']);
  });

  it('fails when the stage path is wrong (the gateway answers no lookup)', async () => {
    const { verdict, reports } = await runCheck(`${stage.url.replace('/prod', '/staging')}/`, DEFAULT_LOCAL_API_KEY);
    expect(verdict.passed).toBe(false);
    expect(reports).toEqual(['Failed']);
  });

  it('fails, and still reports, when the stage cannot be found or reached', async () => {
    const unknown = await checkAfterTraffic(HOOK, {
      stageUrl: async () => stageUrlFromPolicy('{"Statement":[]}'),
      send: sendOverHttp,
      credentials: async () => ({}),
      report: async () => undefined,
      log: () => undefined,
    });
    expect(unknown).toEqual({ passed: false, reason: expect.stringContaining('no API Gateway stage') });
    const closed = await runCheck('http://127.0.0.1:9/prod/', DEFAULT_LOCAL_API_KEY);
    expect(closed.verdict).toEqual({ passed: false, reason: expect.stringContaining('could not be reached') });
    expect(closed.reports).toEqual(['Failed']);
  });

  it('sends only the CORS preflights, and judges them, when the stage wants credentials the check does not have', async () => {
    const sent: string[] = [];
    const check = (send: typeof sendOverHttp) =>
      checkAfterTraffic(HOOK, {
        stageUrl: async () => `${stage.url}/`,
        send: async (request) => {
          sent.push(`${request.method} ${new URL(request.url).pathname}`);
          return send(request);
        },
        credentials: async () => undefined,
        report: async () => undefined,
        log: () => undefined,
      });
    await expect(check(sendOverHttp)).resolves.toEqual({ passed: true });
    expect(sent).toEqual(specMethods('/customers').map(() => 'OPTIONS /prod/customers'));
    const refused = await check(async () => ({ status: 403, headers: {}, body: '{"message":"Forbidden"}' }));
    expect(refused).toEqual({ passed: false, reason: expect.stringMatching(/preflight was answered 403/) });
  });

  it("sends the spec's probes under the stage, whatever its URL looks like, the lookups asking for the probe id", () => {
    for (const base of ['https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod', 'https://x.example/prod/']) {
      const probes = postTrafficProbes(base);
      expect(probes.map(({ request }) => request.method)).toEqual(specProbes().map(({ method }) => method));
      for (const { request, kind } of probes) {
        expect(new URL(request.url).pathname).toBe('/prod/customers');
        if (kind === 'lookup') expect(new URL(request.url).searchParams.get('id')).toBe(POST_TRAFFIC_PROBE_ID);
      }
    }
  });

  it('sends every probe, the credentials on all but the preflights, and fails naming the first wrong answer', async () => {
    const sent: { method: string; key: string | undefined }[] = [];
    const verdict = await checkAfterTraffic(HOOK, {
      stageUrl: async () => `${stage.url}/`,
      send: async (request) => {
        sent.push({ method: request.method, key: request.headers['x-api-key'] });
        const answer = await sendOverHttp(request);
        // a version that stores what it must refuse
        return request.method === 'PUT' ? { ...answer, status: 200 } : answer;
      },
      credentials: async () => ({ 'x-api-key': DEFAULT_LOCAL_API_KEY }),
      report: async () => undefined,
      log: () => undefined,
    });
    const write = specProbes().find((probe) => probe.kind === 'refused write');
    expect(verdict).toEqual({ passed: false, reason: expect.stringContaining(`${write?.name}: `) });
    const expected = specProbes().slice(0, sent.length);
    expect(sent).toEqual(
      expected.map(({ method, kind }) => ({ method, key: kind === 'preflight' ? undefined : DEFAULT_LOCAL_API_KEY })),
    );
  });
});

describe("finding the stage from the live alias's resource policy", () => {
  it('reads the API id, region and stage of the execute-api source ARN, as Lambda returns the policy', () => {
    // The shape of GetPolicy's Policy for a permission added with a SourceArn condition.
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [
        {
          Sid: 'InvokeFromApiCustomers',
          Effect: 'Allow',
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:dynamodb-rest-api:live',
          Condition: {
            ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*/customers' },
          },
        },
      ],
    });
    expect(stageUrlFromPolicy(policy)).toBe('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/');
  });

  it("skips strict's grant to API Gateway's test invocations (test-invoke-stage), whichever comes first", () => {
    const grant = (stage: string) => ({
      Effect: 'Allow',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Condition: {
        ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/${stage}/GET/customers` },
      },
    });
    const policy = JSON.stringify({ Statement: [grant('test-invoke-stage'), grant('v1')] });
    expect(stageUrlFromPolicy(policy)).toBe('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/');
  });
});

describe("strict: the lookup test-invoked through API Gateway's management API (its VPC reaches no stage URL)", () => {
  let management: Server;
  let endpoint: string;
  const calls: { line: string; authorization: string; body: string }[] = [];
  let answerStatus: number | undefined;

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    // A stand-in for GetResources and TestInvokeMethod: the test invocation runs the lookup on the local stage
    // (the key added, as a test invocation checks none).
    management = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      calls.push({
        line: `${request.method} ${request.url}`,
        authorization: request.headers.authorization ?? '',
        body,
      });
      const json = (status: number, value: object) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.method === 'GET' && request.url === '/restapis/a1b2c3d4e5/resources?limit=500')
        return json(200, {
          item: [
            { id: 'root0', path: '/' },
            { id: 'res9', path: '/customers' },
          ],
        });
      if (request.method === 'POST' && request.url === '/restapis/a1b2c3d4e5/resources/res9/methods/GET') {
        const { pathWithQueryString, headers } = JSON.parse(body) as { pathWithQueryString: string; headers: object };
        const answer = await fetch(`${stage.url}${pathWithQueryString}`, {
          headers: { ...headers, 'x-api-key': DEFAULT_LOCAL_API_KEY },
        });
        return json(200, {
          status: answerStatus ?? answer.status,
          body: await answer.text(),
          headers: Object.fromEntries(answer.headers),
          log: 'Execution log for request …',
          latency: 12,
        });
      }
      return json(404, { message: 'nope' });
    });
    await new Promise<void>((resolve) => management.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(management.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise<void>((resolve) => management.close(() => resolve()));
  });

  const check = () => {
    const reports: HookStatus[] = [];
    return checkAfterTraffic(HOOK, {
      stageUrl: async () => 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/',
      send: testInvokeSender('eu-west-1', endpoint),
      credentials: async () => ({}),
      kinds: TEST_INVOKE_KINDS,
      report: async (_event, status) => {
        reports.push(status);
      },
      log: () => undefined,
    }).then((verdict) => ({ verdict, reports }));
  };

  it("finds the lookup's resource, test-invokes the GET with the probe id, signed for apigateway, and passes", async () => {
    calls.length = 0;
    answerStatus = undefined;
    await expect(check()).resolves.toEqual({ verdict: { passed: true }, reports: ['Succeeded'] });
    expect(calls.map((call) => call.line)).toEqual([
      'GET /restapis/a1b2c3d4e5/resources?limit=500',
      'POST /restapis/a1b2c3d4e5/resources/res9/methods/GET',
    ]);
    for (const call of calls)
      expect(call.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/apigateway\//);
    expect(JSON.parse(calls[1]?.body ?? '{}')).toMatchObject({
      pathWithQueryString: '/customers?id=post-traffic-check-probe',
    });
  });

  it('fails, and reports Failed, when the test invocation answers other than the spec', async () => {
    answerStatus = 502;
    const { verdict, reports } = await check();
    expect(verdict).toEqual({ passed: false, reason: expect.stringContaining('502') });
    expect(reports).toEqual(['Failed']);
  });
});

describe('reading the API key (apiKey mode): GetApiKey, signed with the function role', () => {
  let standIn: Server;
  const received: { path: string; headers: IncomingMessage['headers'] }[] = [];
  let endpoint: string;

  beforeAll(async () => {
    standIn = createServer((request, response) => {
      received.push({ path: request.url ?? '', headers: request.headers });
      const keys: Record<string, object> = {
        '/apikeys/key-id-9?includeValue=true': { id: 'key-id-9', value: 'the-key-value', enabled: true },
        '/apikeys/key-id-off?includeValue=true': { id: 'key-id-off', value: 'the-off-value', enabled: false },
      };
      const key = keys[request.url ?? ''];
      response
        .writeHead(key ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(key ?? { message: 'nope' }));
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session-token-example');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise<void>((resolve) => standIn.close(() => resolve()));
  });

  it('asks for the one key with its value, SigV4-signed for apigateway in the region, and returns the value', async () => {
    await expect(readApiKey('key-id-9', 'eu-west-1', sendOverHttp, endpoint)).resolves.toEqual({
      value: 'the-key-value',
      enabled: true,
    });
    const [request] = received;
    expect(request?.path).toBe('/apikeys/key-id-9?includeValue=true');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/apigateway\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-security-token']).toBe('session-token-example');
  });

  it('says when the key is disabled (the stage would refuse it, so the check sends the preflight instead)', async () => {
    await expect(readApiKey('key-id-off', 'eu-west-1', sendOverHttp, endpoint)).resolves.toEqual({
      value: 'the-off-value',
      enabled: false,
    });
  });

  it("signs with credentials from the AWS SDK's chain, e.g. a profile, not only the environment's keys", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'post-traffic-credentials-'));
    const file = join(dir, 'credentials');
    await writeFile(
      file,
      '[release-check]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profile-secret-example\n',
    );
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', file);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_PROFILE', 'release-check');
    try {
      const headers = await signedHeaders(
        (postTrafficProbes('https://a.example/prod/')[0] as PostTrafficProbe).request,
        'execute-api',
        'eu-west-1',
      );
      expect(headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFROMPROFILE\/\d{8}\/eu-west-1\/execute-api\//,
      );
    } finally {
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
      vi.stubEnv('AWS_SESSION_TOKEN', 'session-token-example');
      vi.stubEnv('AWS_PROFILE', '');
    }
  });

  it('throws, naming the status, when API Gateway does not give the key', async () => {
    await expect(readApiKey('other-key', 'eu-west-1', sendOverHttp, endpoint)).rejects.toThrow(
      /GetApiKey answered 404/,
    );
  });
});

describe("the release checks' bundle", () => {
  it('exports both hooks: `index.handler` (before traffic) and `index.postTrafficHandler` (after), as infra names them', {
    timeout: 60_000,
  }, async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'release-checks-'));
    await bundlePreTrafficCheck(outdir);
    const bundle = (await import(pathToFileURL(join(outdir, 'index.mjs')).href)) as Record<string, unknown>;
    expect(typeof bundle.handler).toBe('function');
    expect(typeof bundle.postTrafficHandler).toBe('function');
  });
});
