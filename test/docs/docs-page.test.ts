/**
 * `npm run docs`: builds the page with the real Redocly CLI (the script's own command, into a temp dir), serves it
 * over HTTP and opens it in headless Chromium. Checks what a reader needs is rendered, with no console errors,
 * and saves a screenshot to test-results/docs.png (a CI artifact).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { CHROMIUM_ARGS, findChromium, IS_CI } from '../helpers/browser.js';
import { responseExamples, specOperations } from '../helpers/spec-examples.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT = join(REPO_ROOT, 'test-results', 'docs.png');
const DOCS_OUTPUT = 'docs/index.html';
/** The one outside request the page makes: Redoc's "API docs by Redocly" badge. Served locally in the test. */
const REDOCLY_BADGE = /^https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg$/;

const browserPath = findChromium('docs page (test/docs)');
const runnable = browserPath !== undefined || IS_CI;

/** Builds the docs with the command of `npm run docs`, writing to `outputFile` instead of docs/index.html. */
async function buildDocs(outputFile: string): Promise<void> {
  const packageJson = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command, ...args] = (packageJson.scripts.docs ?? '').split(' ');
  expect(command, 'npm run docs runs the Redocly CLI').toBe('redocly');
  expect(args, `npm run docs writes ${DOCS_OUTPUT}`).toContain(DOCS_OUTPUT);
  const bin = join(REPO_ROOT, 'node_modules', '.bin', 'redocly');
  await promisify(execFile)(
    bin,
    args.map((arg) => (arg === DOCS_OUTPUT ? outputFile : arg)),
    { cwd: REPO_ROOT },
  );
}

function serveFile(file: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/' && request.url !== '/index.html') {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (html) => response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html),
      () => response.writeHead(500).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The text a reader sees (innerText: hidden parts left out), as one string. */
async function visibleText(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the test is about what is rendered visibly, not the DOM.
  return page.locator('body').innerText();
}

/** Visible text without whitespace, so JSON examples compare regardless of how Redoc indents them. */
async function compactText(page: Page): Promise<string> {
  return (await visibleText(page)).replace(/\s+/g, '');
}
const compact = (value: unknown) => JSON.stringify(value).replace(/\s+/g, '');

describe.skipIf(!runnable)('docs page (npm run docs) in headless Chromium', () => {
  let workDir: string;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  const consoleErrors: string[] = [];
  const outsideRequests: string[] = [];

  beforeAll(async () => {
    if (!browserPath) throw new Error('CI=true but no Chromium was found: install it with apt-get install -y chromium');
    workDir = await mkdtemp(join(tmpdir(), 'customers-api-docs-'));
    const html = join(workDir, 'index.html');
    await buildDocs(html);
    server = await serveFile(html);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    // The page must work offline: nothing is fetched from outside but the Redocly badge, stood in for locally.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(baseUrl)) return route.continue();
      if (REDOCLY_BADGE.test(url)) {
        return route.fulfill({ contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg"/>' });
      }
      outsideRequests.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('renders the title, the API description and both operations', async () => {
    await page.goto(`${baseUrl}#/customers/getcustomer`, { waitUntil: 'load' });
    const info = (openapiDocument as { info: { title: string } }).info;

    await expect.poll(() => page.title()).toContain(info.title);
    for (const operation of specOperations()) {
      const summary = (operation as unknown as { summary: string }).summary;
      await page.getByRole('heading', { name: summary }).first().waitFor();
    }
    const text = await visibleText(page);
    expect(text).toContain('Customer ids');
    expect(text).toContain('Trying it without a backend');
  });

  it('shows the first documented 200 example of each operation', async () => {
    await page.goto(`${baseUrl}#/customers/getcustomer`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Add a customer id' }).first().waitFor();

    const text = await compactText(page);
    for (const operationId of ['getCustomer', 'putCustomer'] as const) {
      const [example] = responseExamples(operationId, 200);
      expect(text, `${operationId} 200 example`).toContain(compact(example?.value));
    }
  });

  it('shows the error shape: the Error schema and the first 400 example of each operation', async () => {
    await page.goto(`${baseUrl}#/customers/getcustomer`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Add a customer id' }).first().waitFor();

    // The response samples (buttons) and the response schemas (tabs) of both operations, in document order.
    for (const control of [
      page.getByRole('button', { name: '400', exact: true }),
      page.getByRole('tab', { name: '400', exact: true }),
    ]) {
      const count = await control.count();
      expect(count, 'a 400 control for each operation').toBeGreaterThanOrEqual(2);
      for (let index = 0; index < count; index++) await control.nth(index).click();
    }

    const text = await compactText(page);
    for (const operationId of ['getCustomer', 'putCustomer'] as const) {
      const [example] = responseExamples(operationId, 400);
      expect(text, `${operationId} 400 example`).toContain(compact(example?.value));
    }
    const error = (
      openapiDocument as unknown as {
        components: { schemas: { Error: { properties: Record<string, { description: string }> } } };
      }
    ).components.schemas.Error;
    for (const [name, property] of Object.entries(error.properties)) {
      expect(text, `Error.${name}`).toContain(compact(property.description).replace(/^"|"$/g, ''));
    }

    await mkdir(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('logs no console errors and fetches nothing from outside', () => {
    expect(consoleErrors).toEqual([]);
    expect(outsideRequests).toEqual([]);
  });
});
