/**
 * The pre-traffic check's Lambda entry (src/release-check/pre-traffic-check.ts) end to end, with its real HTTP calls: one local
 * server stands in for Lambda's Invoke API (running the API's handler in-process, on a store in memory) and for
 * CodeDeploy's PutLifecycleEventHookExecutionStatus, reached through the AWS SDK's `AWS_ENDPOINT_URL_<SERVICE>`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { createLogger } from '../../src/api/logger.js';
import { MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import { handler as preTrafficCheck } from '../../src/release-check/pre-traffic-check.js';
import { PROBE_CUSTOMER_ID, specProbes } from '../../src/release-check/release-probe.js';
import { readHandlerConfig } from '../../src/shared/config.js';

const VERSION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:dynamodb-rest-api:7';
const HOOK = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'exec-42' };

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const store = new MemoryCustomerStore();
const api = createApiHandler({ config: readHandlerConfig({}), store, logger: createLogger('silent') });
/** What the stand-in Lambda answers; the API's own handler unless a test replaces it. */
let lambda: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> = api;
const invocations: Received[] = [];
const reports: Received[] = [];
let server: Server;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const received = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() };
    if (request.headers['x-amz-target'] === 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus') {
      reports.push(received);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
      return;
    }
    invocations.push(received);
    const result = await lambda(JSON.parse(received.body) as APIGatewayProxyEvent);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_CODEDEPLOY', endpoint);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('TARGET_VERSION_ARN', VERSION_ARN);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  lambda = api;
  invocations.length = 0;
  reports.length = 0;
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

describe('the pre-traffic check, deployed', () => {
  it("invokes exactly the new version, signed for Lambda, with each of the spec's probes", async () => {
    await preTrafficCheck(HOOK);
    const probes = specProbes();
    expect(invocations).toHaveLength(probes.length);
    for (const invocation of invocations) {
      expect(invocation.path).toBe('/2015-03-31/functions/dynamodb-rest-api/invocations?Qualifier=7');
      expect(invocation.headers['x-amz-invocation-type']).toBe('RequestResponse');
      expect(invocation.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\//,
      );
    }
    const sent = invocations.map((invocation) => JSON.parse(invocation.body) as APIGatewayProxyEvent);
    expect(sent.map(({ httpMethod, path, body }) => ({ httpMethod, path, body }))).toEqual(
      probes.map(({ method, path, body }) => ({ httpMethod: method, path, body })),
    );
    expect(sent[0]).toMatchObject({ queryStringParameters: { id: PROBE_CUSTOMER_ID } });
  });

  it('reports Succeeded for this hook execution when the version answers as the spec says, and stores nothing', async () => {
    await expect(preTrafficCheck(HOOK)).resolves.toEqual({ passed: true });
    expect(reports).toHaveLength(1);
    const [report] = reports as [Received];
    expect(report.headers.authorization).toMatch(/\/eu-west-1\/codedeploy\/aws4_request/);
    expect(JSON.parse(report.body)).toEqual({
      deploymentId: HOOK.DeploymentId,
      lifecycleEventHookExecutionId: HOOK.LifecycleEventHookExecutionId,
      status: 'Succeeded',
    });
    expect(store.ids.size).toBe(0);
  });

  it('reports Failed, naming the setting, when TARGET_VERSION_ARN is not set, and invokes nothing', async () => {
    vi.stubEnv('TARGET_VERSION_ARN', '');
    try {
      await expect(preTrafficCheck(HOOK)).resolves.toMatchObject({
        passed: false,
        reason: expect.stringMatching(/TARGET_VERSION_ARN must be set/),
      });
    } finally {
      vi.stubEnv('TARGET_VERSION_ARN', VERSION_ARN);
    }
    expect(invocations).toHaveLength(0);
    expect(JSON.parse((reports[0] as Received).body)).toMatchObject({ status: 'Failed' });
  });

  it('reports Failed when the version answers 500', async () => {
    lambda = async () => ({ statusCode: 500, headers: {}, body: '{"message":"Internal server error"}' });
    await expect(preTrafficCheck(HOOK)).resolves.toMatchObject({ passed: false });
    expect(JSON.parse((reports[0] as Received).body)).toMatchObject({ status: 'Failed' });
  });
});
