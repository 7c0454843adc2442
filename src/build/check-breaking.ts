/**
 * `npm run check:breaking`: fails when openapi/openapi.yaml would break clients of its version at the git ref
 * `BASE_REF` (default: the merge-base with `main`), or changes the API without a new `info.version`. api-smart-diff
 * classifies every change between the two documents, $refs resolved: a removed or renamed operation, parameter or
 * response property, a new required request property, a narrowed type or bound are breaking; a new operation or
 * optional response property is an addition. Only the operations are compared (`paths`, with every $ref resolved):
 * `components` would repeat the same changes without knowing whether a schema is read or written. Who may call is
 * compared by meaning (security-changes.ts): a new key requirement, a renamed key header or a removed alternative
 * refuses clients that called before. A breaking change passes only with a new major `info.version`, an addition
 * only with a new minor (or major) one: the client package (`npm run build:client`) takes its version from
 * `info.version`, so a version is never published twice with different operations. A reworded description or a new
 * example needs no new version.
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

export interface Addition {
  readonly action: string;
  readonly path: string;
}

/** The changes from `base` to `head` that add to the API without breaking a client (a new operation or property). */
export function additions(base: unknown, head: unknown): Addition[] {
  return apiCompare(base, head)
    .diffs.filter((diff) => (diff.type === 'non-breaking' || diff.type === 'deprecated') && diff.path[0] === 'paths')
    .map((diff) => ({ action: diff.action, path: `#/${diff.path.map(String).join('/')}` }));
}

type Version = readonly [major: number, minor: number, patch: number];

/** A document's `info.version` as major, minor, patch; an error naming the setting when it is not `x.y.z`. */
export function versionOf(document: unknown): Version {
  const version = String((document as { info?: { version?: unknown } }).info?.version);
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match)
    throw new Error(`info.version must be a version x.y.z (semantic versioning), got ${JSON.stringify(version)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Which part of `info.version` a change from `base` to `head` must raise: major, minor, or none (patch at most). */
export type VersionBump = 'major' | 'minor' | 'none';

/** The version part `base` → `head` raises; 'lower' when `head` goes back (a version is never reused). */
export function bumpBetween(base: Version, head: Version): VersionBump | 'lower' {
  if (head[0] !== base[0]) return head[0] > base[0] ? 'major' : 'lower';
  if (head[1] !== base[1]) return head[1] > base[1] ? 'minor' : 'lower';
  return head[2] >= base[2] ? 'none' : 'lower';
}

const RANK: Record<VersionBump, number> = { none: 0, minor: 1, major: 2 };

export interface Verdict {
  readonly breaking: readonly BreakingChange[];
  readonly added: readonly Addition[];
  /** What the changes ask of `info.version`. */
  readonly needed: VersionBump;
  /** What `info.version` did. */
  readonly bump: VersionBump | 'lower';
  readonly passes: boolean;
}

/** Whether `head`'s `info.version` says what changed since `base`: major for a break, minor for an addition. */
export function judge(base: unknown, head: unknown): Verdict {
  const breaking = breakingChanges(base, head);
  const added = additions(base, head);
  const bump = bumpBetween(versionOf(base), versionOf(head));
  const needed: VersionBump = breaking.length > 0 ? 'major' : added.length > 0 ? 'minor' : 'none';
  return { breaking, added, needed, bump, passes: bump !== 'lower' && RANK[bump] >= RANK[needed] };
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
  const { breaking, added, needed, bump, passes } = judge(before, after);
  const [from, to] = [versionOf(before).join('.'), versionOf(after).join('.')];
  const list = [
    ...breaking.map((change) => `  breaks: ${change.action} ${change.path}`),
    ...added.map((addition) => `  adds: ${addition.action} ${addition.path}`),
  ];
  if (passes) {
    const what =
      needed === 'none'
        ? `keeps every client of ${against} working`
        : `changes the API of ${against} (${from} → ${to}, a new ${bump} version):`;
    process.stdout.write([`check:breaking: ${values.spec} ${what}`, ...list, ''].join('\n'));
    return 0;
  }
  const advice =
    bump === 'lower'
      ? `info.version goes back from ${from} to ${to}: a version is never reused.`
      : needed === 'major'
        ? 'For a deliberate breaking change, raise the major version in info.version (README.md, "Changing the API").'
        : `An addition needs a new minor version: raise info.version from ${from} (the client package takes its version from it; README.md, "Changing the API").`;
  const verdict = needed === 'major' ? 'breaks clients of' : needed === 'minor' ? 'adds to the API of' : 'changes';
  process.stderr.write([`check:breaking: ${values.spec} ${verdict} ${against}:`, ...list, advice, ''].join('\n'));
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
