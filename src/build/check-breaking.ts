/**
 * `npm run check:breaking`: fails when openapi/openapi.yaml would break clients of its version at the git ref
 * `BASE_REF` (default: the merge-base with `main`). api-smart-diff classifies every change between the two
 * documents, $refs resolved: a removed or renamed operation, parameter or response property, a new required request
 * property, a narrowed type or bound are breaking; a new operation or optional response property is not. Only the
 * operations are compared (`paths`, with every $ref resolved): `components` would repeat the same changes without
 * knowing whether a schema is read or written. Who may call is compared by meaning (security-changes.ts): a new
 * key requirement, a renamed key header or a removed alternative refuses clients that called before. A breaking
 * change passes only with a new major `info.version`.
 *
 *   npm run check:breaking                              # against the merge-base with main
 *   BASE_REF=v1.0.0 npm run check:breaking              # against a tag, a branch, a commit
 *   npm run check:breaking -- --base-file old.yaml      # against a file (used by the tests)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apiCompare } from 'api-smart-diff';
import { parse } from 'yaml';
import { securityBreaks } from './security-changes.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = 'openapi/openapi.yaml';

export interface BreakingChange {
  readonly action: string;
  readonly path: string;
}

/** The changes from `base` to `head` (OpenAPI documents as YAML or JSON text) that break existing clients. */
export function breakingChanges(base: unknown, head: unknown): BreakingChange[] {
  const { diffs } = apiCompare(base, head);
  return [
    ...diffs
      .filter((diff) => diff.type === 'breaking' && diff.path[0] === 'paths')
      .map((diff) => ({ action: diff.action, path: `#/${diff.path.map(String).join('/')}` })),
    // api-smart-diff calls a new security requirement a non-breaking addition: who may call is compared by meaning.
    ...securityBreaks(base, head).map((change) => ({ action: `refuse (${change.reason})`, path: change.path })),
  ];
}

function majorVersion(document: unknown): number {
  const version = (document as { info?: { version?: unknown } }).info?.version;
  return Number.parseInt(String(version), 10);
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The spec at a git ref; undefined when it did not exist there (nothing to break). */
function specAt(ref: string): string | undefined {
  try {
    return git('show', `${ref}:${SPEC}`);
  } catch (error) {
    if (/does not exist|exists on disk, but not in/.test(String((error as { stderr?: string }).stderr)))
      return undefined;
    throw error;
  }
}

function main(): number {
  const { values } = parseArgs({
    options: { 'base-file': { type: 'string' }, spec: { type: 'string', default: SPEC } },
  });
  const head = readFileSync(resolve(REPO_ROOT, values.spec), 'utf8');
  let base: string | undefined;
  let against: string;
  if (values['base-file']) {
    against = values['base-file'];
    base = readFileSync(resolve(REPO_ROOT, against), 'utf8');
  } else {
    const ref = process.env.BASE_REF?.trim() || git('merge-base', 'HEAD', 'main').trim();
    against = `${SPEC} at ${ref}`;
    base = specAt(ref);
  }
  if (base === undefined) {
    process.stdout.write(`check:breaking: no ${SPEC} at the base (${against}); nothing to compare\n`);
    return 0;
  }
  const [before, after] = [parse(base) as unknown, parse(head) as unknown];
  const changes = breakingChanges(before, after);
  if (changes.length === 0) {
    process.stdout.write(`check:breaking: ${values.spec} keeps every client of ${against} working\n`);
    return 0;
  }
  const list = changes.map((change) => `  ${change.action} ${change.path}`);
  if (majorVersion(after) > majorVersion(before)) {
    process.stdout.write(
      [`check:breaking: a new major version; these changes break clients of ${against}:`, ...list, ''].join('\n'),
    );
    return 0;
  }
  process.stderr.write(
    [
      `check:breaking: ${values.spec} breaks clients of ${against}:`,
      ...list,
      'For a deliberate breaking change, raise the major version in info.version (README.md, "Changing the API").',
      '',
    ].join('\n'),
  );
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
