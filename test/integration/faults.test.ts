/**
 * DynamoDB faults, against the real local server and the real AWS SDK: unreachable, hanging, stalling mid-answer,
 * throttling. The client answers 503 `{message}` with Retry-After and nothing of the AWS error, within a bound well
 * inside API Gateway's 29 s, and recovers by itself. A crash of the server loses no acknowledged write.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startEmulator } from '../../src/local/embedded-dynamodb.js';
import { ensureTable } from '../../src/local/table.js';
import { readHandlerConfig } from '../../src/shared/config.js';
import { getCustomer, putJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/local-server.js';
import { isRunning, randomPort, startServerProcess } from '../helpers/server-process.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Short timeouts so the tests are quick; the bound below is computed from them, as in production. */
const TIMEOUTS = { dynamoDbConnectTimeoutMs: 200, dynamoDbRequestTimeoutMs: 300, dynamoDbMaxAttempts: 2 };
/** maxAttempts × (connect + request) + the SDK's backoff between attempts (< 1 s each with the standard strategy). */
const WORST_CASE_MS =
  TIMEOUTS.dynamoDbMaxAttempts * (TIMEOUTS.dynamoDbConnectTimeoutMs + TIMEOUTS.dynamoDbRequestTimeoutMs) +
  (TIMEOUTS.dynamoDbMaxAttempts - 1) * 1000;

/** With the production defaults, the same bound, which must sit well inside API Gateway's 29 s. */
it('bounds a DynamoDB call well inside API Gateway 29 s with the default configuration', () => {
  const config = readHandlerConfig({});
  const bound =
    config.dynamoDbMaxAttempts * (config.dynamoDbConnectTimeoutMs + config.dynamoDbRequestTimeoutMs) +
    (config.dynamoDbMaxAttempts - 1) * 1000;
  expect(bound).toBeLessThan(15_000);
});

function storeAt(endpoint: string, configure?: (store: DynamoDbCustomerStore) => void) {
  const client = createDynamoDbClient({
    ...TIMEOUTS,
    endpoint,
    credentials: EMULATOR_CREDENTIALS,
    region: EMULATOR_REGION,
  });
  cleanups.push(() => client.destroy());
  const store = new DynamoDbCustomerStore(client, 'customer_ids');
  configure?.(store);
  return { client, store };
}

/** A TCP proxy in front of DynamoDB that can stop answering (connections hang) and come back. */
async function hangableProxy(targetPort: number) {
  let hanging = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (hanging) return; // accept, read nothing, answer nothing
    const upstream = createConnection(targetPort);
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    hang() {
      hanging = true;
      for (const socket of sockets) socket.destroy(); // keep-alive connections too
    },
    resume() {
      hanging = false;
    },
  };
}

function createConnection(port: number): Socket {
  return connect(port, '127.0.0.1');
}

function expectNothingLeaked(body: unknown) {
  const text = JSON.stringify(body);
  expect(body).toEqual({
    message:
      'The customer store is unavailable or did not answer in time; retry later (retrying a PUT is safe: its write may or may not have been made)',
  });
  expect(text).not.toMatch(/ECONN|Timeout|Exception|dynamodb|at \w+ \(|127\.0\.0\.1/i);
}

describe('when DynamoDB is unreachable', () => {
  it('answers 503 with Retry-After and nothing of the cause, for GET and PUT', async () => {
    const closed = await startEmulator(':memory:');
    const endpoint = closed.endpoint;
    await closed.close(); // nothing listens there any more
    const { store } = storeAt(endpoint);
    const server = await startTestServer({ store });
    cleanups.push(() => server.close());

    const get = await getCustomer(server.url, 'unreachable');
    expect(get.status).toBe(503);
    expect(get.headers.get('retry-after')).toBe('1');
    expectNothingLeaked(get.body);
    const put = await putJson(server.url, { id: 'unreachable' });
    expect(put.status).toBe(503);
    expectNothingLeaked(put.body);
  });
});

describe('when DynamoDB hangs', () => {
  it('answers 503 within the configured bound, and recovers by itself when DynamoDB answers again', async () => {
    const dynamo = await startEmulator(':memory:');
    cleanups.push(() => dynamo.close());
    const proxy = await hangableProxy(Number(new URL(dynamo.endpoint).port));
    const { client, store } = storeAt(proxy.endpoint);
    await ensureTable(client, 'customer_ids');
    const server = await startTestServer({ store });
    cleanups.push(() => server.close());
    expect((await putJson(server.url, { id: 'before-the-outage' })).status).toBe(200);

    proxy.hang();
    const started = performance.now();
    const during = await getCustomer(server.url, 'before-the-outage');
    const elapsed = performance.now() - started;
    expect(during.status).toBe(503);
    expectNothingLeaked(during.body);
    expect(elapsed).toBeLessThan(WORST_CASE_MS + 500);

    proxy.resume();
    await vi.waitFor(
      async () =>
        expect((await getCustomer(server.url, 'before-the-outage')).body).toEqual({
          id: 'before-the-outage',
          customerInDB: true,
        }),
      { timeout: 10_000, interval: 200 },
    );
  });
});

describe('when DynamoDB stalls in the middle of an answer', () => {
  it('answers 503 within the configured bound (the body is timed, not only the headers)', async () => {
    // An HTTP server that sends a DynamoDB answer's headers and the start of its body, then nothing more.
    let requests = 0;
    const stalling = createHttpServer((request, response) => {
      requests++;
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': '100' });
        response.write('{"Item":');
      });
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      stalling.closeAllConnections();
      return new Promise((resolve) => stalling.close(resolve));
    });
    const { store } = storeAt(`http://127.0.0.1:${(stalling.address() as { port: number }).port}`);
    const server = await startTestServer({ store });
    cleanups.push(() => server.close());

    const started = performance.now();
    const answer = await getCustomer(server.url, 'stalled');
    const elapsed = performance.now() - started;
    expect(answer.status).toBe(503);
    expectNothingLeaked(answer.body);
    expect(elapsed).toBeLessThan(WORST_CASE_MS + 500);
    expect(requests).toBe(TIMEOUTS.dynamoDbMaxAttempts);
  }, 30_000);
});

describe('when DynamoDB throttles', () => {
  it('retries, then answers 503 with Retry-After, and writes nothing', async () => {
    const dynamo = await startEmulator(':memory:');
    cleanups.push(() => dynamo.close());
    let throttling = true;
    let attempts = 0;
    const { client, store } = storeAt(dynamo.endpoint);
    await ensureTable(client, 'customer_ids');
    // A real throttling error, as DynamoDB returns it, injected below the SDK's retry: dynalite never throttles.
    client.middlewareStack.add(
      (next) => async (args) => {
        if (!throttling) return next(args);
        attempts++;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: 'deserialize', name: 'injectThrottling' },
    );
    const server = await startTestServer({ store });
    cleanups.push(() => server.close());

    const put = await putJson(server.url, { id: 'throttled' });
    expect(put.status).toBe(503);
    expect(put.headers.get('retry-after')).toBe('1');
    expectNothingLeaked(put.body);
    expect(attempts).toBe(TIMEOUTS.dynamoDbMaxAttempts);

    throttling = false;
    expect((await getCustomer(server.url, 'throttled')).body).toEqual({ id: 'throttled', customerInDB: false });
  });
});

describe('when the local server crashes', () => {
  it('loses no acknowledged write (data folder on disk)', { timeout: 90_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'customers-api-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = randomPort();
    const start = async () => {
      const started = await startServerProcess({ port, dataDir });
      cleanups.push(() => started.child.exitCode === null && started.child.kill('SIGKILL'));
      return started;
    };
    const base = `http://127.0.0.1:${port}`;

    const { child: first, emulatorPid } = await start();
    const ids = Array.from({ length: 50 }, (_, index) => `crash-${index}-${Date.now()}`);
    const acknowledged: string[] = [];
    await Promise.all(
      ids.map(async (id) => {
        if ((await putJson(base, { id })).status === 200) acknowledged.push(id);
      }),
    );
    expect(acknowledged).toHaveLength(50);
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL'); // no clean shutdown
    await exited;
    // its embedded DynamoDB does not outlive it (it would hold the data folder's lock)
    await vi.waitFor(() => expect(isRunning(emulatorPid)).toBe(false), { timeout: 10_000, interval: 50 });

    await start();
    const found = await Promise.all(acknowledged.map(async (id) => (await getCustomer(base, id)).body.customerInDB));
    expect(found.filter((inDb) => inDb !== true)).toEqual([]);
  });
});
