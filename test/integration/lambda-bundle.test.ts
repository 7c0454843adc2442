import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleLambda } from '../../src/build/bundle-lambda.js';
import { createTableInput } from '../../src/customer-table.js';
import { EMULATOR_CREDENTIALS, type Emulator, startEmulator } from '../../src/local/embedded-dynamodb.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

/** The deployed artifact itself (dist/lambda, lean openapi-backend, precompiled validators) on dynalite. */
let handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
let emulator: Emulator;

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
  const outdir = await mkdtemp(join(tmpdir(), 'customers-api-bundle-'));
  await bundleLambda(outdir);
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
