import { mkdtemp, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleLambda } from '../../src/build/bundle-lambda.js';
import { EMULATOR_CREDENTIALS, type Emulator, startEmulator } from '../../src/local/embedded-dynamodb.js';
import {
  judgeProbeAnswer,
  PROBE_CUSTOMER_ID,
  probeEvent,
  releaseProbes,
} from '../../src/release-check/release-probe.js';
import { createTableInput } from '../../src/shared/customer-table.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';
import { allowHeader, aMethodNotInSpec } from '../helpers/spec-methods.js';

/** The deployed artifact itself (dist/lambda, lean openapi-backend, precompiled validators) on dynalite. */
let bundled: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
let emulator: Emulator;
/** What esbuild put into the Lambda bundle, and the sizes of it and of the floor handler bundled the same way. */
let metafile: Metafile;
let bundleBytes: number;
let floorBytes: number;
/** Requests the bundle sent to DynamoDB (through the relay in front of the emulator). */
let dynamoDbRequests = 0;
let relay: Server;

beforeAll(async () => {
  emulator = await startEmulator(':memory:');
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: EMULATOR_CREDENTIALS,
  });
  await client.send(new CreateTableCommand(createTableInput('customer_ids')));
  client.destroy();
  // the bundle reaches the emulator through a counting relay: what it asks DynamoDB is seen from outside its own SDK
  relay = createServer((incoming, outgoing) => {
    dynamoDbRequests++;
    const target = new URL(incoming.url ?? '/', emulator.endpoint);
    const forwarded = httpRequest(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${(relay.address() as AddressInfo).port}`);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', EMULATOR_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', EMULATOR_CREDENTIALS.secretAccessKey);
  // every line it can write, even the event if Powertools were asked to log it (it is not: no line may carry a key)
  vi.stubEnv('LOG_LEVEL', 'debug');
  vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  const [outdir, floorOutdir] = await Promise.all([
    mkdtemp(join(tmpdir(), 'customers-api-bundle-')),
    mkdtemp(join(tmpdir(), 'customers-api-floor-')),
  ]);
  const [result] = await Promise.all([
    bundleLambda(outdir),
    bundleLambda(floorOutdir, fileURLToPath(new URL('../bench/floor-handler.ts', import.meta.url))),
  ]);
  metafile = result.metafile;
  const sizeOf = async (dir: string) => (await stat(join(dir, 'index.mjs'))).size;
  [bundleBytes, floorBytes] = await Promise.all([sizeOf(outdir), sizeOf(floorOutdir)]);
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
    const text = String(chunk);
    if (!text.includes(`"service":"customers-api"`)) return write(chunk, ...(rest as []));
    logLines.push(...text.trim().split('\n'));
    return true;
  });
  ({ handler: bundled } = await import(pathToFileURL(join(outdir, 'index.mjs')).href));
}, 60_000);

/** Lines the bundle logged, and the invocations that made them. */
const logLines: string[] = [];
const invocations: { context: Context; event: APIGatewayProxyEvent }[] = [];
const API_KEY = 'k3y-Zm9vYmFyYmF6cXV4LXNlY3JldA';

/** Invokes the bundle as the Lambda runtime does, for a caller that sends an API key (header and identity). */
function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const withKey: APIGatewayProxyEvent = {
    ...event,
    headers: { ...event.headers, 'x-api-key': API_KEY },
    multiValueHeaders: { ...event.multiValueHeaders, 'x-api-key': [API_KEY] },
    requestContext: {
      ...event.requestContext,
      requestId: `apigw-${invocations.length}`,
      identity: { ...event.requestContext.identity, apiKey: API_KEY },
    },
  };
  const context = lambdaContext({ awsRequestId: `lambda-${invocations.length}` });
  invocations.push({ context, event: withKey });
  return bundled(withKey, context);
}

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  relay?.closeAllConnections();
  await new Promise((resolve) => relay?.close(resolve));
  await emulator?.close();
});

describe('the Lambda bundle', () => {
  it('stores and finds an id', async () => {
    const put = await handler(putEvent(JSON.stringify({ id: 'bundled-😀' })));
    expect(JSON.parse(put.body)).toEqual({ customer: { id: 'bundled-😀' }, message: 'success', created: true });
    const get = await handler(proxyEvent({ queryStringParameters: { id: 'bundled-😀' } }));
    expect(JSON.parse(get.body)).toEqual({ id: 'bundled-😀', customerInDB: true });
  });

  it('validates with the precompiled validators, with the same messages', async () => {
    const get = await handler(proxyEvent({ queryStringParameters: { id: 'a b' } }));
    expect(get.statusCode).toBe(400);
    expect(JSON.parse(get.body).errors).toEqual([
      { location: 'query.id', message: 'must not contain whitespace, control characters or U+FFFD' },
    ]);
    const put = await handler(putEvent('{"id": 5}'));
    expect(JSON.parse(put.body).errors).toEqual([{ location: 'body.id', message: 'must be a string' }]);
  });

  it('refuses an id carrying U+FFFD (API Gateway writes it over bytes that are not UTF-8) before any DynamoDB call', async () => {
    const before = dynamoDbRequests;
    {
      for (const event of [
        // a text event, as API Gateway passes a JSON body it decoded
        putEvent('{"id":"caf\ufffd"}'),
        putEvent('{"id":"caf\ufffd"}', {}),
        proxyEvent({ queryStringParameters: { id: 'caf\ufffd' } }),
      ]) {
        const response = await handler(event);
        expect(response.statusCode).toBe(400);
        expect(JSON.parse(response.body).errors).toEqual([
          {
            location: event.httpMethod === 'PUT' ? 'body.id' : 'query.id',
            message: 'must not contain whitespace, control characters or U+FFFD',
          },
        ]);
      }
      expect(dynamoDbRequests).toBe(before);
      // the count sees the bundle's DynamoDB calls: a valid lookup makes one
      const get = await handler(proxyEvent({ queryStringParameters: { id: 'caf' } }));
      expect(JSON.parse(get.body)).toEqual({ id: 'caf', customerInDB: false });
      expect(dynamoDbRequests).toBe(before + 1);
    }
  });

  it('refuses a repeated key and a byte order mark in the body with 400 {message}', async () => {
    for (const body of ['{"id":"bundled-dup","id":"bundled-dup-2"}', '\ufeff{"id":"bundled-bom"}']) {
      const response = await handler(putEvent(body));
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).message).toMatch(/^Invalid request: body must not/);
    }
    for (const id of ['bundled-dup', 'bundled-dup-2', 'bundled-bom']) {
      const get = await handler(proxyEvent({ queryStringParameters: { id } }));
      expect(JSON.parse(get.body)).toEqual({ id, customerInDB: false });
    }
  });

  it('answers 405 and 404 from the spec', async () => {
    const refused = await handler(proxyEvent({ httpMethod: aMethodNotInSpec('/customers') }));
    expect(refused.statusCode).toBe(405);
    // a script in a browser may read the Allow header (the finishing step names it)
    expect(refused.headers).toMatchObject({
      Allow: allowHeader('/customers'),
      'Access-Control-Expose-Headers': 'Allow',
    });
    expect((await handler(proxyEvent({ path: '/nothing' }))).statusCode).toBe(404);
  });

  it('passes every probe of the pre-traffic check (src/release-check/release-probe.ts), which writes nothing', async () => {
    for (let run = 0; run < 2; run++) {
      for (const probe of releaseProbes()) {
        const response = await handler(probe.event);
        // as Lambda's Invoke hands the proxy response to the check
        expect(probe.judge({ statusCode: 200, payload: JSON.stringify(response) }), probe.name).toEqual({
          passed: true,
        });
      }
      // a lookup: the probe id is never stored, however often the check runs
      const response = await handler(probeEvent());
      expect(judgeProbeAnswer({ statusCode: 200, payload: JSON.stringify(response) })).toEqual({ passed: true });
      expect(JSON.parse(response.body)).toEqual({ id: PROBE_CUSTOMER_ID, customerInDB: false });
    }
  });
});

describe("the Lambda bundle's log lines", () => {
  it('carry the Lambda context (request id, cold start) next to the API Gateway request id', () => {
    const requests = logLines.map((line) => JSON.parse(line)).filter((line) => line.message === 'request');
    expect(requests.length).toBe(invocations.length);
    expect(requests.length).toBeGreaterThan(3);
    requests.forEach((line, index) => {
      expect(line).toMatchObject({
        level: 'INFO',
        service: 'customers-api',
        function_request_id: `lambda-${index}`,
        function_name: 'dynamodb-rest-api',
        requestId: `apigw-${index}`,
        cold_start: index === 0,
      });
    });
  });

  it('never carry the API key', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(API_KEY))).toEqual([]);
  });
});

/**
 * What the build leaves out of the bundle (src/build/bundle-lambda.ts), read from esbuild's metafile: when an
 * upstream release renames a file or an import so that an alias no longer applies, the left-out part comes back and
 * this fails, instead of the bundle silently growing and cold start slowing.
 */
const LEFT_OUT: readonly (readonly [what: string, input: RegExp])[] = [
  ['lodash (es-toolkit/compat stands in)', /node_modules\/lodash\//],
  [
    "ajv's compiler (only its runtime helpers, for the precompiled validators)",
    /node_modules\/ajv\/(?!dist\/runtime\/)/,
  ],
  ['qs (the router is given query maps)', /node_modules\/qs\//],
  ["openapi-backend's OpenAPIBackend class", /node_modules\/openapi-backend\/backend\.js$/],
  ['document loading and checking', /node_modules\/(js-yaml|@apidevtools|openapi-schema-validator)\//],
  ['the whole spec (the runtime document stands in)', /src\/generated\/openapi-document\.ts$/],
];

/**
 * The bundle's budget against the floor handler bundled the same way: 1.29× when it was set (Powertools' Logger
 * included); lodash coming back alone would add ≈ 0.2×.
 */
const SIZE_BUDGET_VS_FLOOR = 1.35;

describe('what the Lambda bundle leaves out', () => {
  it.each(LEFT_OUT)('leaves out %s', (_what, input) => {
    expect(Object.keys(metafile.inputs).filter((path) => input.test(path))).toEqual([]);
  });

  it('still bundles what it keeps (the checks above read the right names)', () => {
    const inputs = Object.keys(metafile.inputs);
    for (const kept of [
      /node_modules\/openapi-backend\/(router|validation)\.js$/,
      /node_modules\/ajv\/dist\/runtime\//,
      /node_modules\/es-toolkit\//,
      /node_modules\/@aws-sdk\/lib-dynamodb\//,
      /src\/build\/shims\//,
    ]) {
      expect(
        inputs.some((path) => kept.test(path)),
        String(kept),
      ).toBe(true);
    }
  });

  it("gives openapi-backend's validator the same SetMatchType as the OpenAPIBackend class it leaves out", async () => {
    const { SetMatchType } = await import('openapi-backend');
    const shim = createRequire(import.meta.url)('../../src/build/shims/openapi-backend-set-match-type.cjs');
    expect(shim.SetMatchType).toEqual({ ...SetMatchType });
  });

  it(`stays within ${SIZE_BUDGET_VS_FLOOR}× the size of the floor handler`, () => {
    expect(bundleBytes / floorBytes).toBeLessThanOrEqual(SIZE_BUDGET_VS_FLOOR);
  });
});
