/**
 * `npm run docs` publishes the spec beside the page, for tools (client generators, other mocks): docs/openapi.yaml
 * and docs/openapi.json, the document the page renders, as the callers of the chosen auth mode see it. Built with the
 * project's own build (src/build/build-docs.ts, the real Redocly CLI) into a temp dir; no browser needed (the page's
 * links to both files are followed in headless Chromium by docs-page.test.ts).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { specForAuthMode } from '../../infra/auth-spec.js';
import { AUTH_MODES } from '../../infra/settings.js';
import { buildDocs, DEFAULT_DOCS_OUTPUT, PUBLISHED_SPEC } from '../../src/build/build-docs.js';

const SPEC = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));
const PAGES_WORKFLOW = fileURLToPath(new URL('../../.github/workflows/pages.yml', import.meta.url));

/** The document the page renders, as the Redocly CLI embeds it. */
function embeddedDocument(html: string): unknown {
  const embedded = html.match(/const __redoc_definition = (\{.*?\});\s*const /s)?.[1];
  if (embedded === undefined) throw new Error('the page carries no __redoc_definition');
  return JSON.parse(embedded);
}

describe.each(AUTH_MODES)('npm run docs -- --auth %s', (mode) => {
  let folder: string;
  const read = (file: string) => readFile(join(folder, file), 'utf8');

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'customers-api-published-spec-'));
    buildDocs(join(folder, 'index.html'), mode);
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('leaves openapi.yaml and openapi.json beside index.html, and nothing else', async () => {
    expect((await readdir(folder)).sort()).toEqual(['index.html', PUBLISHED_SPEC.json, PUBLISHED_SPEC.yaml]);
  });

  it("publishes the document the mode's callers see, as YAML and as the same document in valid JSON", async () => {
    const source = await readFile(SPEC, 'utf8');
    const json: unknown = JSON.parse(await read(PUBLISHED_SPEC.json));

    expect(parse(await read(PUBLISHED_SPEC.yaml))).toEqual(specForAuthMode(parse(source), mode));
    expect(json).toEqual(parse(await read(PUBLISHED_SPEC.yaml)));
    if (mode === 'apiKey') expect(await read(PUBLISHED_SPEC.yaml)).toBe(source);
    else expect(json).not.toEqual(parse(source));
  });

  it('publishes exactly the document the page renders', async () => {
    expect(embeddedDocument(await read('index.html'))).toEqual(JSON.parse(await read(PUBLISHED_SPEC.json)));
  });
});

describe('GitHub Pages (.github/workflows/pages.yml)', () => {
  it('publishes the folder npm run docs writes, so the spec is served beside the page', async () => {
    const workflow = parse(await readFile(PAGES_WORKFLOW, 'utf8')) as {
      jobs: { build: { steps: { run?: string; uses?: string; with?: { path?: string } }[] } };
    };
    const steps = workflow.jobs.build.steps;
    const upload = steps.findIndex((step) => step.uses?.startsWith('actions/upload-pages-artifact@'));

    expect(steps.findIndex((step) => step.run === 'npm run docs')).toBeLessThan(upload);
    expect(steps[upload]?.with?.path).toBe(dirname(DEFAULT_DOCS_OUTPUT));
  });
});
