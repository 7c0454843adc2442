/**
 * `npm run mock:stateful`, run as the user runs it (its own process, the real Prism proxy, the real local server on
 * dynalite), from an empty folder so that anything written to disk would show: it remembers a PUT, answers what the
 * spec refuses as the API does (held to the local API itself, answer by answer) while Prism reports it, keys and CORS
 * are the API's, each difference the spec lists is pinned, one Ctrl-C stops everything, and a Prism that dies takes
 * the server down with a non-zero exit code.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { CHROMIUM_ARGS, findChromium, IS_CI } from '../helpers/browser.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { startTestServer } from '../helpers/local-server.js';
import { violationsOf } from '../helpers/prism-proxy.js';
import { exchange } from '../helpers/raw-http.js';
import { isRunning } from '../helpers/server-process.js';
import { allowHeader, aMethodNotInSpec } from '../helpers/spec-methods.js';
import { type StatefulMockProcess, startStatefulMock } from '../helpers/stateful-mock.js';

const KEYS = ['frontend-team-key-0123456789', 'second-team-key-0123456789'] as const;
const json = { 'content-type': 'application/json' };

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: unknown }> {
  const response = await fetch(url, init);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() };
}

const browserPath = findChromium('mock:stateful in a browser (test/mock)');

/** How many preflights Prism has logged: each request it gets is logged with its method and path. */
const preflightsIn = (log: string) => log.match(/options \/customers/gi)?.length ?? 0;

/** Headers that differ between any two answers, or are Prism's report: left out when answers are compared. */
const NOT_COMPARED = /^(date|connection|keep-alive|sl-violations)$/;

/** An answer as a client sees it: status, the headers the API sends, the body; and Prism's report, apart. */
async function answer(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !NOT_COMPARED.test(name)));
  return { status: response.status, headers, body: await response.text(), violations: violationsOf(response.headers) };
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
  /** The API itself (the local server, same keys), to hold each answer of the mock to. */
  let api: LocalServer;
  const key = (value: string) => ({ 'x-api-key': value });

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'customers-api-stateful-mock-'));
    [mock, api] = await Promise.all([
      startStatefulMock({ cwd: folder, env: { API_KEYS: KEYS.join(','), DATA_DIR: '.data/dynamodb' } }),
      startTestServer({ config: { apiKeys: KEYS } }),
    ]);
  }, 120_000);
  afterAll(async () => {
    if (mock?.child.exitCode === null) process.kill(-(mock.child.pid as number), 'SIGKILL');
    await api?.close();
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

  const origin = { origin: 'https://app.example' };
  const putWith = (headers: Record<string, string>, body: string | Uint8Array): RequestInit => ({
    method: 'PUT',
    headers: { ...key(KEYS[0]), ...headers },
    body,
  });
  /** Requests the spec refuses, and the CORS exchanges of a browser: the mock must answer each exactly as the API. */
  const asTheApi: ReadonlyArray<readonly [string, string, RequestInit]> = [
    ['GET /customers without id (400)', '/customers', { headers: { ...key(KEYS[0]), ...origin } }],
    ['an id with a space (400)', '/customers?id=a%20b', { headers: key(KEYS[0]) }],
    ['an id of 513 characters (400)', `/customers?id=${'a'.repeat(513)}`, { headers: key(KEYS[0]) }],
    ['a body id with a space (400)', '/customers', putWith(json, '{"id":"a b"}')],
    ['a body without id (400)', '/customers', putWith(json, '{}')],
    ['no key (403)', '/customers?id=x', { headers: origin }],
    ['an unknown key (403)', '/customers?id=x', { headers: key(DEFAULT_LOCAL_API_KEY) }],
    ['an unknown path (404)', '/customerz', { headers: key(KEYS[0]) }],
    [
      `${aMethodNotInSpec('/customers')} (405, Allow)`,
      '/customers',
      { method: aMethodNotInSpec('/customers'), headers: { ...key(KEYS[0]), ...origin } },
    ],
    ['a body over 16 KiB (413)', '/customers', putWith(json, JSON.stringify({ id: 'a'.repeat(17_000) }))],
    ['text/plain (415)', '/customers', putWith({ 'content-type': 'text/plain' }, '{"id":"a"}')],
    ['charset=latin1 (415)', '/customers', putWith({ 'content-type': 'application/json; charset=latin1' }, '{}')],
    ['gzip (415)', '/customers', putWith({ ...json, 'content-encoding': 'gzip' }, '{"id":"a"}')],
    ['a repeated id (the last one)', '/customers?id=a&id=b', { headers: key(KEYS[0]) }],
    ['/customers/ (as /customers)', '/customers/?id=x', { headers: key(KEYS[0]) }],
    ['Accept: text/html (JSON all the same)', '/customers?id=x', { headers: { ...key(KEYS[0]), accept: 'text/html' } }],
    [
      'a CORS preflight, keyless (204)',
      '/customers',
      {
        method: 'OPTIONS',
        headers: {
          ...origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'x-api-key,content-type',
        },
      },
    ],
  ];

  it.each(asTheApi)('answers %s exactly as the API: status, headers, body', async (_, path, init) => {
    const [fromMock, fromApi] = await Promise.all([
      answer(`${mock.url}${path}`, init),
      answer(`${api.url}${path}`, init),
    ]);

    expect({ ...fromMock, violations: undefined }).toEqual({ ...fromApi, violations: undefined });
  });

  it("answers GET /customers without id with the API's 400 body, and Prism's check names what was wrong", async () => {
    const refused = await answer(`${mock.url}/customers`, { headers: key(KEYS[0]) });

    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({
      message: 'Invalid request: query.id is missing or empty',
      errors: [{ location: 'query.id', message: 'is missing or empty' }],
    });
    expect(refused.violations).toEqual([expect.objectContaining({ location: ['request', 'query'], code: 'required' })]);
  });

  it("has the API's CORS, not Prism's: no Access-Control-Allow-Credentials, the API's allowed headers", async () => {
    const preflight = await answer(`${mock.url}/customers`, {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'PUT' },
    });

    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toContain('X-Api-Key');
    expect(preflight.headers.allow).toBe(allowHeader('/customers'));
  });

  // What is left between the mock and the API: each listed in the spec ("Trying it without a backend"), each pinned.
  describe('where it still differs from the API, as the spec lists', () => {
    it("answers JSON that does not parse, or starts with a byte order mark, with Prism's own 400 body and no CORS", async () => {
      for (const body of ['{"id":', '\ufeff{"id":"bom"}']) {
        const mocked = await answer(`${mock.url}/customers`, putWith({ ...json, ...origin }, body));
        const real = await answer(`${api.url}/customers`, putWith(json, body));
        expect([mocked.status, real.status]).toEqual([400, 400]);
        expect(JSON.parse(mocked.body)).toEqual({ error: { code: 'invalid_json', message: 'Invalid JSON' } });
        expect(mocked.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('refuses a GET with a body with 501 problem+json (the API ignores the body)', async () => {
      // fetch will not send a GET with a body; a raw request will
      const getWithBody = (base: string) =>
        exchange(
          base,
          `GET /customers?id=x HTTP/1.1\r\nHost: ${new URL(base).host}\r\nx-api-key: ${KEYS[0]}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{"id":"x"}',
        );
      const [mocked, real] = [(await getWithBody(mock.url)).responses[0], (await getWithBody(api.url)).responses[0]];

      expect([mocked?.status, mocked?.headers['content-type'], real?.status]).toEqual([
        501,
        'application/problem+json',
        200,
      ]);
    });

    it('accepts a body that repeats a key, with the last value (the API: 400)', async () => {
      const id = `repeated-${crypto.randomUUID()}`;
      const body = `{"id":"first","id":"${id}"}`;
      const mocked = await answer(`${mock.url}/customers`, putWith(json, body));
      const real = await answer(`${api.url}/customers`, putWith(json, body));

      expect([mocked.status, JSON.parse(mocked.body).customer, real.status]).toEqual([200, { id }, 400]);
    });

    it('refuses a PUT without Content-Type with 415 (the API reads it as JSON)', async () => {
      const id = `untyped-${crypto.randomUUID()}`;
      const untyped = (base: string) =>
        answer(`${base}/customers`, { method: 'PUT', headers: key(KEYS[0]), body: new Blob([JSON.stringify({ id })]) });
      const [mocked, real] = [await untyped(mock.url), await untyped(api.url)];

      expect([mocked.status, real.status]).toEqual([415, 200]);
    });

    it('refuses a body that is not UTF-8 with 400 like the API, for U+FFFD rather than "not valid UTF-8"', async () => {
      const encode = (text: string) => new TextEncoder().encode(text);
      const body = new Uint8Array([...encode('{"id":"'), 0xff, ...encode('"}')]);
      const mocked = await answer(`${mock.url}/customers`, putWith(json, body));
      const real = await answer(`${api.url}/customers`, putWith(json, body));

      expect([mocked.status, real.status]).toEqual([400, 400]);
      expect(JSON.parse(mocked.body).errors).toEqual([
        { location: 'body.id', message: 'must not contain whitespace, control characters or U+FFFD' },
      ]);
      expect(JSON.parse(real.body).errors).toEqual([{ location: 'body', message: 'is not valid UTF-8' }]);
    });

    it("leaves what Node's HTTP layer refuses to Prism's server: a bare 400 or 417, without the API's JSON", async () => {
      const raw = (base: string, head: string) =>
        exchange(base, `GET /customers?id=x HTTP/1.1\r\nHost: h\r\nx-api-key: ${KEYS[0]}\r\n${head}\r\n`);
      for (const [head, status] of [
        ['Bad Header\r\n', 400],
        ['Expect: fancy\r\n', 417],
      ] as const) {
        const [mocked, real] = [await raw(mock.url, head), await raw(api.url, head)];
        // Prism's 417 never finishes its (empty) chunked body: its status line is all there is
        const mockedText = mocked.responses[0] ? `HTTP/1.1 ${mocked.responses[0].status} ` : mocked.rest;
        expect(mockedText).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
        expect(mocked.responses[0]?.body ?? '').toBe('');
        expect(real.responses[0]?.status).toBe(status);
        expect(JSON.parse(real.responses[0]?.body ?? '')).toEqual({ message: expect.any(String) });
      }
    });

    it('adds an sl-violations header when Prism finds something (the API never sends it)', async () => {
      const response = await fetch(`${mock.url}/customers?id=a%20b`, { headers: key(KEYS[0]) });

      expect(response.headers.get('sl-violations')).toContain('"pattern"');
    });
  });

  it.skipIf(!browserPath && !IS_CI)(
    'serves a page in headless Chromium from another origin: a real preflight, then a PUT and a GET it may read',
    async () => {
      if (!browserPath)
        throw new Error('CI=true but no Chromium was found: install it with apt-get install -y chromium');
      // A page on another origin (another port), so the browser must ask the mock with a preflight first.
      const page = createServer((_, response) =>
        response.setHeader('content-type', 'text/html').end('<!doctype html>'),
      );
      await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
      cleanups.defer(() => new Promise((resolve) => page.close(resolve)));
      const browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
      cleanups.defer(() => browser.close());
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${(page.address() as AddressInfo).port}/`);
      const preflightsBefore = preflightsIn(mock.output.stdout);
      const id = `browser-${crypto.randomUUID()}`;

      const seen = await tab.evaluate(
        async ({ url, apiKey, id }) => {
          const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };
          const put = await fetch(`${url}/customers`, { method: 'PUT', headers, body: JSON.stringify({ id }) });
          const get = await fetch(`${url}/customers?id=${encodeURIComponent(id)}`, { headers });
          const refused = await fetch(`${url}/customers?id=a%20b`, { headers });
          return [
            [put.status, await put.json()],
            [get.status, await get.json()],
            [refused.status, ((await refused.json()) as { errors: unknown }).errors],
          ];
        },
        { url: mock.url, apiKey: KEYS[0], id },
      );

      expect(seen).toEqual([
        [200, { customer: { id }, message: 'success', created: true }],
        [200, { id, customerInDB: true }],
        [400, [{ location: 'query.id', message: 'must not contain whitespace, control characters or U+FFFD' }]],
      ]);
      // Prism logs each request it gets: the browser's own OPTIONS came first
      expect(preflightsIn(mock.output.stdout)).toBeGreaterThan(preflightsBefore);
    },
    60_000,
  );

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
