/**
 * The docs page (`npm run docs`, built with the real Redocly CLI) shows a caller what to send: the API-key scheme
 * with its header, each operation's authorization, and the 401/403 answers with their examples. Rendered in headless
 * Chromium, offline.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
import { responseExamples } from '../helpers/spec-examples.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const browserPath = findChromium('docs page security (test/docs)');
const scheme = (openapiDocument as unknown as { components: { securitySchemes: Record<string, { name: string }> } })
  .components.securitySchemes.apiKey;

describe.skipIf(browserPath === undefined && !IS_CI)('docs page: who may call', () => {
  let workDir: string;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let baseUrlOfPage: string;

  /** One operation's page, rendered. */
  async function openOperation(anchor: string, summary: string): Promise<void> {
    // A fresh page each time: a dialog left open by one test must not cover the next one's controls.
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Offline: the page only (Redoc's badge and anything else from outside are refused).
    await page.route('**/*', (route) =>
      route.request().url().startsWith(baseUrlOfPage) ? route.continue() : route.abort(),
    );
    await page.goto(`${baseUrlOfPage}#/customers/${anchor}`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: summary }).first().waitFor();
  }

  // biome-ignore lint/performance/useDomNodeTextContent: what is rendered visibly is the point.
  const visibleText = () => page.locator('body').innerText();

  beforeAll(async () => {
    if (!browserPath) throw new Error('CI=true but no Chromium was found: install it with apt-get install -y chromium');
    workDir = await mkdtemp(join(tmpdir(), 'customers-api-docs-auth-'));
    const html = join(workDir, 'index.html');
    await promisify(execFile)(
      join(REPO_ROOT, 'node_modules', '.bin', 'redocly'),
      ['build-docs', 'openapi/openapi.yaml', '--inlineBundle', '-o', html],
      { cwd: REPO_ROOT },
    );
    const pageHtml = await readFile(html);
    server = createServer((_request, response) =>
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pageHtml),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
    baseUrlOfPage = baseUrl;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('has the scheme in the spec to show', () => {
    expect(scheme?.name).toBe('x-api-key');
  });

  it.each([
    ['getcustomer', 'Tell whether a customer id exists'],
    ['putcustomer', 'Add a customer id'],
  ])(
    '%s: names the API key under Security, and its details show the header and what a missing key gets',
    async (anchor, summary) => {
      await openOperation(anchor, summary);
      expect(await visibleText()).toMatch(/Security[\s\S]*apiKey/);

      await page.getByRole('button', { name: 'View security details' }).first().click();

      const text = await visibleText();
      expect(text).toMatch(/Header parameter name:\s*x-api-key/);
      expect(text).toContain('403 {"message": "Forbidden"}');
    },
  );

  it.each([
    ['getcustomer', 'Tell whether a customer id exists'],
    ['putcustomer', 'Add a customer id'],
  ])('%s: shows the 401 and 403 answers with their examples', async (anchor, summary) => {
    await openOperation(anchor, summary);
    for (const status of [401, 403] as const) {
      await page
        .getByRole('tab', { name: String(status), exact: true })
        .first()
        .click();
      await page
        .getByRole('button', { name: String(status), exact: true })
        .first()
        .click();
      const text = (await visibleText()).replace(/\s+/g, '');
      const [example] = responseExamples('getCustomer', status);
      expect(text, `${status} example`).toContain(JSON.stringify(example?.value).replace(/\s+/g, ''));
    }
  });
});
