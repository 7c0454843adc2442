/**
 * The contract suite in its deployed mode, as the deploy workflow runs it after every deploy: `npm run test:contract`
 * with `API_URL` (a base URL with a stage path, through a proxy that strips it, as API Gateway does) and `API_KEY`,
 * against the real local server. In full, it passes and every id it writes carries the documented prefix; read-only
 * (`CONTRACT_READ_ONLY=true`), it passes, runs the cases that write nothing, and the table is unchanged.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_API_KEY } from '../../src/config.js';
import type { LocalServer } from '../../src/local/server.js';
import { CONTRACT_ID_PREFIX } from '../contract/target.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { startTestServer } from '../helpers/local-server.js';
import { type StageProxy, startStageProxy } from '../helpers/stage-proxy.js';
import { emulatorClient, storedIds } from '../helpers/stored-ids.js';

const PROJECT = new URL('../../', import.meta.url).pathname;
const { tempDir } = cleanupsAfterEach();

interface JsonReport {
  readonly numFailedTests: number;
  readonly testResults: { readonly assertionResults: { readonly title: string; readonly status: string }[] }[];
}

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

/** `npm run test:contract` in a process of its own, as an operator or the deploy workflow runs it; its JSON report. */
async function runContractSuite(env: Record<string, string>): Promise<Map<string, string>> {
  const report = join(await tempDir('contract-report-'), 'report.json');
  // Nothing of this vitest run's own environment leaks into the child's.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VITEST|TEST$)/.test(name)));
  await promisify(execFile)('npm', ['run', 'test:contract', '--', '--reporter=json', `--outputFile=${report}`], {
    cwd: PROJECT,
    env: { ...inherited, ...env },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`npm run test:contract failed:\n${error.stderr ?? ''}\n${(error.stdout ?? '').slice(-4000)}`);
  });
  const { numFailedTests, testResults } = JSON.parse(await readFile(report, 'utf8')) as JsonReport;
  expect(numFailedTests).toBe(0);
  return new Map(testResults.flatMap((file) => file.assertionResults.map((test) => [test.title, test.status])));
}

describe('the contract suite against a stage URL (API_URL=http://…/prod, API_KEY)', () => {
  it('passes in full, and every id it writes starts with the documented prefix', { timeout: 180_000 }, async () => {
    const dynamo = emulatorClient(server);
    const before = await storedIds(dynamo);
    const results = await runContractSuite({ API_URL: stage.url, API_KEY: DEFAULT_LOCAL_API_KEY });
    // The cases that need a real backend ran, through the stage path.
    expect(results.get('stores an id that GET then finds')).toBe('passed');
    expect(results.get('answers an unknown path with 404')).toBe('passed');
    expect(results.get('refuses a key it does not know with 403, without repeating the key')).toBe('passed');
    const written = [...(await storedIds(dynamo))].filter((id) => !before.has(id));
    expect(written.length).toBeGreaterThan(200);
    expect(written.filter((id) => !id.startsWith(CONTRACT_ID_PREFIX))).toEqual([]);
  });

  it('passes read-only, runs only the cases that write nothing, and leaves the table unchanged', {
    timeout: 180_000,
  }, async () => {
    const dynamo = emulatorClient(server);
    const before = await storedIds(dynamo);
    const results = await runContractSuite({
      API_URL: stage.url,
      API_KEY: DEFAULT_LOCAL_API_KEY,
      CONTRACT_READ_ONLY: 'true',
    });
    expect(results.get('answers customerInDB false for an id that was never stored')).toBe('passed');
    expect(results.get('refuses a key it does not know with 403, without repeating the key')).toBe('passed');
    expect(results.get('answers a CORS preflight for PUT')).toBe('passed');
    expect(results.get('sent no write with credentials, and says what it sent')).toBe('passed');
    expect(results.get('stores an id that GET then finds')).toBe('skipped');
    expect(results.get('keeps every one of 200 concurrent PUTs')).toBe('skipped');
    expect(await storedIds(dynamo)).toEqual(before);
  });
});
