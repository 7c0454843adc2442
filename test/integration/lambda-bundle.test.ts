import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleLambda } from '../../src/build/bundle-lambda.js';
import { createTableInput } from '../../src/customer-table.js';
import { EMULATOR_CREDENTIALS, type Emulator, startEmulator } from '../../src/local/embedded-dynamodb.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

/** The deployed artifact itself (dist/lambda, lean openapi-backend, precompiled validators) on dynalite. */
let handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
let emulator: Emulator;
/** What esbuild put into the Lambda bundle, and the sizes of it and of the floor handler bundled the same way. */
let metafile: Metafile;
let bundleBytes: number;
let floorBytes: number;

beforeAll(async () => {
  emulator = await startEmulator(':memory:');
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: EMULATOR_CREDENTIALS,
  });
  await client.send(new CreateTableCommand(createTableInput('customer_ids')));
  client.destroy();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', emulator.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', EMULATOR_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', EMULATOR_CREDENTIALS.secretAccessKey);
  vi.stubEnv('LOG_LEVEL', 'silent');
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
  ({ handler } = await import(pathToFileURL(join(outdir, 'index.mjs')).href));
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
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
      { location: 'query.id', message: 'must not contain whitespace or control characters' },
    ]);
    const put = await handler(putEvent('{"id": 5}'));
    expect(JSON.parse(put.body).errors).toEqual([{ location: 'body.id', message: 'must be a string' }]);
  });

  it('answers 405 and 404 from the spec', async () => {
    expect((await handler(proxyEvent({ httpMethod: 'DELETE' }))).statusCode).toBe(405);
    expect((await handler(proxyEvent({ path: '/nothing' }))).statusCode).toBe(404);
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

/** The bundle's budget against the floor handler bundled the same way (1.21× when it was set). */
const SIZE_BUDGET_VS_FLOOR = 1.25;

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

  it(`stays within ${SIZE_BUDGET_VS_FLOOR}× the size of the floor handler`, () => {
    expect(bundleBytes / floorBytes).toBeLessThanOrEqual(SIZE_BUDGET_VS_FLOOR);
  });
});
