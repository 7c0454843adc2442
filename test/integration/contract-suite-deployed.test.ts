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
import { parse } from 'yaml';
import { DEFAULT_SETTINGS } from '../../infra/settings.js';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
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
  // A stage that checks parameters before the key: AWS documents neither order, so no deployed case may rely on one.
  stage = await startStageProxy(server.url, '/prod', { parametersBeforeKey: { validKey: DEFAULT_LOCAL_API_KEY } });
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

/** Requests each run sent through the stage, as a WAF in front of it would count them from the runner's address. */
const sent: { full?: number; readOnly?: number } = {};

/** Whether deploy-environment.yml exempts the runner from the WAF's rate rule when it runs the full suite. */
async function stagingExemptsTheRunner(): Promise<boolean> {
  const workflow = parse(await readFile(join(PROJECT, '.github/workflows/deploy-environment.yml'), 'utf8')) as {
    jobs: { deploy: { steps: { id?: string; if?: string; run?: string }[] } };
  };
  const { steps } = workflow.jobs.deploy;
  const runner = steps.find((step) => step.id === 'runner');
  const deploy = steps.find((step) => step.run?.startsWith('npx cdk deploy') ?? false);
  return (
    runner?.if === `\${{ !inputs.contract-read-only }}` &&
    (deploy?.run ?? '').includes('-c wafRateLimitExemptAddresses=$RUNNER_ADDRESS')
  );
}

describe('the contract suite against a stage URL (API_URL=http://…/prod, API_KEY)', () => {
  it('passes in full, and every id it writes starts with the documented prefix', { timeout: 180_000 }, async () => {
    const dynamo = emulatorClient(server);
    const before = await storedIds(dynamo);
    const counted = stage.requests;
    const results = await runContractSuite({ API_URL: stage.url, API_KEY: DEFAULT_LOCAL_API_KEY });
    sent.full = stage.requests - counted;
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
    const counted = stage.requests;
    const results = await runContractSuite({
      API_URL: stage.url,
      API_KEY: DEFAULT_LOCAL_API_KEY,
      CONTRACT_READ_ONLY: 'true',
    });
    sent.readOnly = stage.requests - counted;
    expect(results.get('answers customerInDB false for an id that was never stored')).toBe('passed');
    expect(results.get('refuses a key it does not know with 403, without repeating the key')).toBe('passed');
    expect(results.get('answers a CORS preflight for PUT')).toBe('passed');
    expect(results.get('sent no write with credentials, and says what it sent')).toBe('passed');
    expect(results.get('stores an id that GET then finds')).toBe('skipped');
    expect(results.get('keeps every one of 200 concurrent PUTs')).toBe('skipped');
    expect(await storedIds(dynamo)).toEqual(before);
  });
});

describe("the suite within a waf=true stage's per-address rate limit (wafRateLimit per 5 minutes)", () => {
  // A run lasts well under 5 minutes, so everything it sends falls in one window of the rate rule.
  const limit = DEFAULT_SETTINGS.wafRateLimit;

  it("production's read-only suite stays under the limit on its own (its runner is not exempt)", () => {
    expect(sent.readOnly, 'the read-only run above').toBeGreaterThan(0);
    expect(sent.readOnly).toBeLessThanOrEqual(limit);
  });

  it("staging's full suite stays under it, or the deploy workflow exempts staging's runner from the rate rule", async () => {
    expect(sent.full, 'the full run above').toBeGreaterThan(0);
    const exempt = await stagingExemptsTheRunner();
    expect(
      exempt || (sent.full ?? Number.POSITIVE_INFINITY) <= limit,
      `the full suite sent ${sent.full} requests from one address; the limit is ${limit}; runner exempt: ${exempt}`,
    ).toBe(true);
    console.info(`contract suite through the stage: ${sent.full} requests in full, ${sent.readOnly} read-only`);
  });
});
