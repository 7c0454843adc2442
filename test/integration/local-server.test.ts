import { connect } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/api/logger.js';
import { startEmulator } from '../../src/local/embedded-dynamodb.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { getCustomer, LOCAL_KEY_HEADERS, putJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/local-server.js';
import { captureLogLines } from '../helpers/log-lines.js';
import { emulatorPidIn, isRunning, spawnServer } from '../helpers/server-process.js';

const { defer, tempDir } = cleanupsAfterEach();
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('local server', () => {
  it('keeps data across a restart in DATA_DIR', async () => {
    const dataDir = await tempDir();
    const first = await startTestServer({ config: { dataDir } });
    expect((await putJson(first.url, { id: 'survivor' })).status).toBe(200);
    await first.close();

    const second = await startTestServer({ config: { dataDir } });
    defer(() => second.close());
    expect((await getCustomer(second.url, 'survivor')).body).toEqual({ id: 'survivor', customerInDB: true });
  });

  it('keeps nothing in :memory: mode', async () => {
    const first = await startTestServer();
    await putJson(first.url, { id: 'ephemeral' });
    await first.close();
    const second = await startTestServer();
    defer(() => second.close());
    expect((await getCustomer(second.url, 'ephemeral')).body).toEqual({ id: 'ephemeral', customerInDB: false });
  });

  it('says so when the embedded DynamoDB stops under it, and answers 503 without AWS details', async () => {
    const { lines } = captureLogLines();
    const server = await startTestServer({ config: { dynamoDbMaxAttempts: 1 }, logger: createLogger('error') });
    defer(() => server.close());
    process.kill(server.emulatorPid as number, 'SIGKILL');
    await vi.waitFor(() =>
      expect(lines.map((line) => line.message)).toContain(
        'the embedded DynamoDB stopped; requests answer 503 until the server is restarted',
      ),
    );
    expect(lines.find((line) => line.signal)).toMatchObject({ signal: 'SIGKILL' });
    const answer = await getCustomer(server.url, 'anyone');
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|dynamodb/i);
  });

  it('uses the DynamoDB at AWS_ENDPOINT_URL_DYNAMODB and creates the table there', async () => {
    const external = await startEmulator(':memory:');
    defer(() => external.close());
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', external.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const server = await startTestServer({ config: { externalDynamoDbEndpoint: external.endpoint } });
    defer(() => server.close());
    expect(server.dynamoDbEndpoint).toBe(external.endpoint);
    await putJson(server.url, { id: 'external' });

    // The write is in the external emulator: a second server on it sees it.
    const other = await startTestServer({ config: { externalDynamoDbEndpoint: external.endpoint } });
    defer(() => other.close());
    expect((await getCustomer(other.url, 'external')).body).toEqual({ id: 'external', customerInDB: true });
  });
});

describe('malformed HTTP', () => {
  it('is answered 400 in the {message} shape, not an empty 400', async () => {
    const server = await startTestServer();
    defer(() => server.close());
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      message: expect.stringMatching(/^Malformed HTTP request/),
    });
  });
});

describe('npm start', () => {
  it('prints the URL and a curl example, serves, and stops cleanly on Ctrl-C', { timeout: 60_000 }, async () => {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const { child, output: printed } = spawnServer(
      { ...process.env, PORT: String(port), DATA_DIR: ':memory:', LOG_LEVEL: 'warn' },
      { detached: true },
    );
    defer(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await vi.waitFor(() => expect(printed.stdout, printed.stderr).toContain('Press Ctrl-C'), {
      timeout: 45_000,
      interval: 100,
    });
    const output = printed.stdout;
    expect(output).toContain(`customers-api listening on http://localhost:${port}`);
    expect(output).toMatch(/curl -X PUT http:\/\/localhost:\d+\/customers/);
    const emulatorPid = emulatorPidIn(output);
    expect(isRunning(emulatorPid)).toBe(true);

    const response = await fetch(`http://localhost:${port}/customers?id=started`, { headers: LOCAL_KEY_HEADERS });
    expect(await response.json()).toEqual({ id: 'started', customerInDB: false });

    // Ctrl-C reaches the embedded DynamoDB too: it must outlive the request in flight (its body half sent when
    // Ctrl-C comes), which the server finishes before it stops.
    const body = JSON.stringify({ id: 'during-shutdown' });
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve(text));
    });
    socket.write(
      `PUT /customers HTTP/1.1\r\nHost: localhost\r\nx-api-key: ${DEFAULT_LOCAL_API_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
    );
    await setTimeout(300);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    process.kill(-(child.pid as number), 'SIGINT');
    await setTimeout(500);
    socket.write(body.slice(5));
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(await exited).toBe(0);
    await vi.waitFor(() => expect(isRunning(emulatorPid)).toBe(false), { timeout: 10_000, interval: 50 });
  });
});
