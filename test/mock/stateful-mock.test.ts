/**
 * `npm run mock:stateful`, run as the user runs it (its own process, the real Prism proxy, the real local server on
 * dynalite), from an empty folder so that anything written to disk would show: it remembers a PUT, Prism still
 * refuses what the spec refuses, keys are the local server's, one Ctrl-C stops everything, and a Prism that dies
 * takes the server down with a non-zero exit code.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_API_KEY } from '../../src/config.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { isRunning } from '../helpers/server-process.js';
import { type StatefulMockProcess, startStatefulMock } from '../helpers/stateful-mock.js';

const KEYS = ['frontend-team-key-0123456789', 'second-team-key-0123456789'] as const;
const json = { 'content-type': 'application/json' };

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: unknown }> {
  const response = await fetch(url, init);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() };
}

/** Waits until no process with this id is left (they stop a moment after their parent). */
async function gone(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 100 && isRunning(pid); attempt++) await new Promise((r) => setTimeout(r, 100));
  return !isRunning(pid);
}

describe('npm run mock:stateful, with two keys in API_KEYS', () => {
  const cleanups = cleanupsAfterEach();
  let folder: string;
  let mock: StatefulMockProcess;
  const key = (value: string) => ({ 'x-api-key': value });

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'customers-api-stateful-mock-'));
    mock = await startStatefulMock({ cwd: folder, env: { API_KEYS: KEYS.join(','), DATA_DIR: '.data/dynamodb' } });
  }, 120_000);
  afterAll(async () => {
    if (mock?.child.exitCode === null) process.kill(-(mock.child.pid as number), 'SIGKILL');
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('remembers a PUT for the next GET, through Prism', async () => {
    const id = `stateful-${crypto.randomUUID()}`;
    const get = () => call(`${mock.url}/customers?id=${id}`, { headers: key(KEYS[0]) });

    expect((await get()).body).toEqual({ id, customerInDB: false });
    const put = await call(`${mock.url}/customers`, {
      method: 'PUT',
      headers: { ...key(KEYS[1]), ...json },
      body: JSON.stringify({ id }),
    });
    expect(put).toMatchObject({ status: 200, body: { customer: { id }, message: 'success', created: true } });
    expect(await get()).toMatchObject({ status: 200, body: { id, customerInDB: true } });
  });

  it("still refuses what the spec refuses, with Prism's own 422 (it runs with --errors)", async () => {
    const body = (id: string) => ({
      method: 'PUT',
      headers: { ...key(KEYS[0]), ...json },
      body: JSON.stringify({ id }),
    });

    for (const refused of [
      await call(`${mock.url}/customers`, body('has space')),
      await call(`${mock.url}/customers?id=${'a'.repeat(513)}`, { headers: key(KEYS[0]) }),
    ]) {
      expect(refused.status).toBe(422);
      expect(refused.type).toContain('application/problem+json');
    }
  });

  it('wants a key: none gets 401 from Prism, the printed default key (not in API_KEYS) gets 403', async () => {
    const keyless = await call(`${mock.url}/customers?id=cust-4f9a2c`);
    const unknown = await call(`${mock.url}/customers?id=cust-4f9a2c`, { headers: key(DEFAULT_LOCAL_API_KEY) });

    expect(keyless.status).toBe(401);
    expect(unknown).toEqual({ status: 403, type: 'application/json', body: { message: 'Forbidden' } });
  });

  it('names neither key in its banner', () => {
    for (const secret of KEYS) expect(mock.output.stdout).not.toContain(secret);
    expect(mock.output.stdout).toContain('API keys from API_KEYS (2, not printed)');
  });

  it('stops Prism, the server and its DynamoDB on one Ctrl-C to the process group, exiting 0', async () => {
    process.kill(-(mock.child.pid as number), 'SIGINT');

    expect(await mock.exited).toBe(0);
    expect(await gone(mock.prismPid)).toBe(true);
    expect(await gone(mock.emulatorPid)).toBe(true);
  });

  it('wrote nothing to disk: the folder it ran in is still empty (DATA_DIR is not read)', async () => {
    expect(await readdir(folder)).toEqual([]);
  });

  it('stops the server when Prism dies, exiting non-zero', async () => {
    const other = await startStatefulMock({ cwd: await cleanups.tempDir('customers-api-stateful-mock-') });
    cleanups.defer(() => other.child.exitCode === null && process.kill(-(other.child.pid as number), 'SIGKILL'));

    process.kill(other.prismPid, 'SIGKILL');

    expect(await other.exited).toBe(1);
    expect(other.output.stderr).toMatch(/Prism stopped on its own/);
    expect(await gone(other.emulatorPid)).toBe(true);
  }, 120_000);
});
