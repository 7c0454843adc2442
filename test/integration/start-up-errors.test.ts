/**
 * `npm start` with a setting that cannot work: it exits 1 with one line that names the setting and the fix, and no
 * stack trace. Each case runs the real entry (src/local/main.ts) as a process of its own.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/local/embedded-dynamodb.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { getCustomer } from '../helpers/http.js';
import { type ExitedProcess, randomPort, runServerUntilExit, startServerProcess } from '../helpers/server-process.js';

const { defer, tempDir } = cleanupsAfterEach();

/** This process's environment without any AWS setting, so that only what a case sets applies. */
function envWith(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    PORT: String(randomPort()),
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...settings,
  };
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function expectRefusal(result: ExitedProcess, message: RegExp) {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).not.toContain('listening');
  expect(result.stderr.trim()).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('npm start refuses to start, naming the setting and the fix', () => {
  it('when TABLE_NAME is not a DynamoDB table name', async () => {
    const result = await runServerUntilExit(envWith({ TABLE_NAME: 'a' }));
    expectRefusal(result, /^Configuration error: TABLE_NAME must be a DynamoDB table name, 3 to 255 .* got 'a'/);
  });

  it('when HOST is not an address', async () => {
    const result = await runServerUntilExit(envWith({ HOST: '999.1.1.1' }));
    expectRefusal(result, /^Cannot start: HOST 999\.1\.1\.1 is neither an IP address .*: set HOST to 127\.0\.0\.1/);
  });

  it('when HOST is not an address of this machine', async () => {
    // TEST-NET-1 (RFC 5737): never assigned to a real interface.
    const result = await runServerUntilExit(envWith({ HOST: '192.0.2.1' }));
    expectRefusal(result, /^Cannot start: HOST 192\.0\.2\.1 is not an address of this machine: set HOST to/);
  });

  it('when PORT is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    defer(() => new Promise((resolve) => taken.close(resolve)));
    const port = String((taken.address() as { port: number }).port);
    const result = await runServerUntilExit(envWith({ PORT: port }));
    expectRefusal(result, new RegExp(`^Cannot start: port ${port} on 127\\.0\\.0\\.1 is in use .*set PORT`));
  });

  it('when another npm start has the data folder, which keeps serving', { timeout: 90_000 }, async () => {
    const dataDir = join(await tempDir('customers-api-start-'), 'dynamodb');
    const first = await startServerProcess({ port: randomPort(), dataDir });
    defer(async () => {
      first.child.kill('SIGTERM');
      await new Promise((resolve) => first.child.once('exit', resolve));
    });
    const result = await runServerUntilExit(envWith({ DATA_DIR: dataDir }));
    expectRefusal(
      result,
      new RegExp(
        `^Cannot start: the data folder ${dataDir} \\(DATA_DIR\\) is in use by another server.*stop that server, or set DATA_DIR`,
      ),
    );
    expect((await getCustomer(first.url, 'still-there')).status).toBe(200);
  });

  it('when AWS_ENDPOINT_URL_DYNAMODB does not answer', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const result = await runServerUntilExit(
      envWith({
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        DYNAMODB_MAX_ATTEMPTS: '1',
      }),
    );
    expectRefusal(
      result,
      new RegExp(
        `^Cannot start: the DynamoDB at ${endpoint} \\(AWS_ENDPOINT_URL_DYNAMODB\\) does not answer .*start it`,
      ),
    );
  });

  it('when AWS_ENDPOINT_URL_DYNAMODB answers but no credentials are set', async () => {
    const emulator = await startEmulator(':memory:');
    defer(() => emulator.close());
    const home = await tempDir('customers-api-start-');
    const result = await runServerUntilExit(
      envWith({
        AWS_ENDPOINT_URL_DYNAMODB: emulator.endpoint,
        // nowhere else to find credentials: no profile files, no instance metadata
        HOME: home,
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
      }),
    );
    expectRefusal(result, /^Cannot start: no AWS credentials .*: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
});
