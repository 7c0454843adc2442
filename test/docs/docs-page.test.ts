/**
 * `npm run docs`: builds the page with the project's own build (src/build/build-docs.ts, the real Redocly CLI) into
 * a temp dir, serves it over HTTP and opens it in headless Chromium. Checks what a reader needs is rendered, with no
 * console errors, that the page asks nothing of any other host and reports no usage, that its links to the spec
 * published beside it (openapi.yaml, openapi.json; published-spec.test.ts) download those files, and saves a screenshot to
 * test-results/docs.png (a CI artifact).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationId } from '../../src/api/operations.js';
import { buildDocs, PUBLISHED_SPEC } from '../../src/build/build-docs.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { CHROMIUM_ARGS, findChromium, IS_CI } from '../helpers/browser.js';
import { responseExamples, specOperations } from '../helpers/spec-examples.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Every operation of the spec, each opened on the page. */
const OPERATION_IDS = specOperations().map((operation) => operation.operationId as OperationId);
const SCREENSHOT = join(REPO_ROOT, 'test-results', 'docs.png');

const browserPath = findChromium('docs page (test/docs)');
const runnable = browserPath !== undefined || IS_CI;

/** The files `npm run docs` writes, by the path the page's server answers them at. */
const SERVED: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  [`/${PUBLISHED_SPEC.yaml}`]: { file: PUBLISHED_SPEC.yaml, type: 'application/yaml' },
  [`/${PUBLISHED_SPEC.json}`]: { file: PUBLISHED_SPEC.json, type: 'application/json' },
};

/** Serves the docs folder as GitHub Pages does: the page and the spec beside it, nothing else. */
function serveDocs(folder: string): Promise<Server> {
  const server = createServer((request, response) => {
    const served = SERVED[request.url ?? ''];
    if (!served) {
      response.writeHead(404).end();
      return;
    }
    readFile(join(folder, served.file)).then(
      (body) => response.writeHead(200, { 'Content-Type': served.type }).end(body),
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
  let html: string;
  const consoleErrors: string[] = [];
  const outsideRequests: string[] = [];

  beforeAll(async () => {
    if (!browserPath) throw new Error('CI=true but no Chromium was found: install it with apt-get install -y chromium');
    workDir = await mkdtemp(join(tmpdir(), 'customers-api-docs-'));
    const htmlFile = join(workDir, 'index.html');
    buildDocs(htmlFile);
    html = await readFile(htmlFile, 'utf8');
    server = await serveDocs(workDir);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The page must work offline: every request to anything but the test's own server is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(baseUrl)) return route.continue();
      outsideRequests.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('renders the title, the API description and every operation', async () => {
    await page.goto(`${baseUrl}#/customers/getcustomer`, { waitUntil: 'load' });
    const info = (openapiDocument as { info: { title: string } }).info;

    await expect.poll(() => page.title()).toContain(info.title);
    const text = await visibleText(page);
    expect(text).toContain('Customer ids');
    expect(text).toContain('Trying it without a backend');
    for (const operationId of OPERATION_IDS) await openOperation(operationId);
  });

  // Redoc renders the operations that follow the one a link points at only as the reader scrolls: each operation is
  // opened by its own link.
  async function openOperation(operationId: OperationId): Promise<void> {
    await page.goto(`${baseUrl}#/customers/${operationId.toLowerCase()}`, { waitUntil: 'load' });
    const operation = specOperations().find((candidate) => candidate.operationId === operationId);
    const summary = (operation as unknown as { summary: string }).summary;
    await page.getByRole('heading', { name: summary }).first().waitFor();
  }

  it('shows the first example of the success answer of each operation that has content', async () => {
    for (const operationId of OPERATION_IDS) {
      const responses = specOperations().find((operation) => operation.operationId === operationId)?.responses ?? {};
      const success = Object.keys(responses).find((status) => /^2\d\d$/.test(status) && responses[status]?.content);
      if (!success) continue;
      await openOperation(operationId);
      const text = await compactText(page);
      const [example] = responseExamples(operationId, Number(success));
      expect(text, `${operationId} ${success} example`).toContain(compact(example?.value));
    }
  });

  it('shows the error shape: the Error schema and the first 400 example of each operation', async () => {
    let text = '';
    for (const operationId of OPERATION_IDS) {
      await openOperation(operationId);
      // The operation's response sample (button) and response schema (tab) for 400.
      for (const control of [
        page.getByRole('button', { name: '400', exact: true }),
        page.getByRole('tab', { name: '400', exact: true }),
      ]) {
        const count = await control.count();
        expect(count, `a 400 control for ${operationId}`).toBeGreaterThanOrEqual(1);
        for (let index = 0; index < count; index++) await control.nth(index).click();
      }
      text = await compactText(page);
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

  it('is built by npm run docs with the same build', async () => {
    const packageJson = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(packageJson.scripts.docs).toBe('tsx src/build/build-docs.ts');
  });

  it("turns Redoc's usage reporting off in the page", () => {
    const options = html.match(/const __redoc_options = (\{.*\});/)?.[1];
    expect(options, 'the page carries its Redoc options').toBeDefined();
    expect(JSON.parse(options ?? '{}')).toMatchObject({ disableTelemetry: true });
  });

  it('shows the "API docs by Redocly" badge from within the page', async () => {
    await page.goto(`${baseUrl}#/customers/getcustomer`, { waitUntil: 'load' });
    const badge = page.getByAltText('redocly logo');
    await badge.waitFor();
    expect(await badge.getAttribute('src')).toMatch(/^data:image\/svg\+xml,/);
  });

  it.each([
    ['OpenAPI (YAML)', PUBLISHED_SPEC.yaml],
    ['OpenAPI (JSON)', PUBLISHED_SPEC.json],
  ])(
    'links to the spec as %s on its overview, and the link downloads that file from beside the page',
    async (title, file) => {
      await page.goto(baseUrl, { waitUntil: 'load' });
      const link = page.getByRole('link', { name: title }).first();
      await link.waitFor();
      const href = await link.getAttribute('href');
      const target = new URL(href ?? '', page.url()).href;

      expect(target).toBe(`${baseUrl}${file}`);
      const response = await page.request.get(target);
      expect(response.status()).toBe(200);
      expect(await response.text()).toBe(await readFile(join(workDir, file), 'utf8'));
    },
  );

  it('logs no console errors and asks nothing of any other host', () => {
    expect(consoleErrors).toEqual([]);
    expect(outsideRequests).toEqual([]);
  });
});
