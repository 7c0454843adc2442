/**
 * `npm run docs [-- --out <file>] [-- --auth apiKey|iam|none]`: the Redoc page of the spec, for the callers of a stage
 * deployed in that auth mode (infra/auth-spec.ts; default `apiKey`, the spec as written), self-contained and offline,
 * with that document beside it as openapi.yaml and openapi.json for tools (client generators, mocks). The Redocly CLI builds it
 * (`--inlineBundle`: Redoc itself is in the page; `telemetry: off` in redocly.yaml: neither the CLI nor the page
 * reports usage). One thing Redoc still fetches: its "API docs by Redocly" badge, an image on cdn.redoc.ly, rendered
 * with no option to leave it out. The page gets the badge as an inline image instead. test/docs/docs-page.test.ts
 * fails on any request the page makes to another host, so an upstream change that adds one cannot go unnoticed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { specForAuthMode } from '../../infra/auth-spec.js';
import { AUTH_MODES, type AuthMode } from '../../infra/settings.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = 'openapi/openapi.yaml';
export const DEFAULT_DOCS_OUTPUT = 'docs/index.html';

/** Redoc's badge images, by URL, as they appear in its bundle. */
const REDOCLY_BADGE_URL = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g;
/** The badge's stand-in: the name as text, so the attribution stays (its link to redocly.com is kept too). */
const INLINE_BADGE = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#5c6c80">Redocly</text></svg>',
)}`;

/** The spec published beside the page (as the page's callers see it), by file name; the page links to both. */
export const PUBLISHED_SPEC = { yaml: 'openapi.yaml', json: 'openapi.json' } as const;

/**
 * Builds the docs page of the spec into `outputFile` (relative to the repository or absolute), for `auth`, and beside
 * it the document the page shows, as openapi.yaml and openapi.json: the page is built from that very YAML file, and
 * its download links (redocly.yaml, `downloadUrls`) point at both.
 */
export function buildDocs(outputFile: string = DEFAULT_DOCS_OUTPUT, auth: AuthMode = 'apiKey'): void {
  const path = resolve(REPO_ROOT, outputFile);
  const redocly = join(REPO_ROOT, 'node_modules', '.bin', 'redocly');
  const source = readFileSync(join(REPO_ROOT, SPEC), 'utf8');
  // The spec as written keeps its comments and layout; another mode's document is written out from the changed tree.
  const yaml = auth === 'apiKey' ? source : stringify(specForAuthMode(parse(source), auth));
  const published = join(dirname(path), PUBLISHED_SPEC.yaml);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(published, yaml);
  writeFileSync(join(dirname(path), PUBLISHED_SPEC.json), `${JSON.stringify(parse(yaml), null, 2)}\n`);
  execFileSync(redocly, ['build-docs', published, '--inlineBundle', '-o', path], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const html = readFileSync(path, 'utf8');
  writeFileSync(path, html.replace(REDOCLY_BADGE_URL, INLINE_BADGE));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: DEFAULT_DOCS_OUTPUT }, auth: { type: 'string', default: 'apiKey' } },
  });
  if (!(AUTH_MODES as readonly string[]).includes(values.auth)) {
    throw new Error(`--auth must be one of ${AUTH_MODES.join(', ')}, got '${values.auth}'`);
  }
  buildDocs(values.out, values.auth as AuthMode);
}
