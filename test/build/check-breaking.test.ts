/**
 * `npm run check:breaking`, run as CI runs it (the real CLI, the real diff tool) on edited copies of the spec: it
 * fails a change that breaks clients and passes one that does not.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { judge, versionOf } from '../../src/build/check-breaking.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = join(REPO_ROOT, 'openapi', 'openapi.yaml');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const TOOL = join(REPO_ROOT, 'src', 'build', 'check-breaking.ts');

interface Outcome {
  readonly exitCode: number;
  readonly output: string;
}

/** `DELETE /customers` (204), for the end of the `/customers` path item. */
const DELETE_OPERATION = [
  '    delete:',
  '      operationId: deleteCustomer',
  '      summary: Remove a customer id',
  '      responses:',
  '        "204":',
  '          description: Removed.',
  '',
].join('\n');

/** The spec text with `info.version` rewritten from its major and minor. */
function withVersion(text: string, next: (major: number, minor: number, patch: number) => string): string {
  const changed = text.replace(
    /^( {2}version: )(\d+)\.(\d+)\.(\d+)$/m,
    (_, prefix: string, ...parts: string[]) => `${prefix}${next(Number(parts[0]), Number(parts[1]), Number(parts[2]))}`,
  );
  expect(changed, 'the spec has an info.version x.y.z').not.toBe(text);
  return changed;
}

let workDir: string;
let spec: string;

/** The spec with one edit; fails the test if the edit no longer applies to the spec as it is. */
function edited(find: string, replace: string): string {
  expect(spec, `the spec still contains ${JSON.stringify(find)}`).toContain(find);
  return spec.replace(find, replace);
}

/** Runs `npm run check:breaking` with the spec as it is as the base and `head` as the edited spec. */
async function checkBreaking(
  head: string,
  env: Record<string, string> = {},
  base: boolean | string = true,
): Promise<Outcome> {
  const headFile = join(workDir, `head-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(headFile, head);
  let baseArgs: string[] = [];
  if (typeof base === 'string') {
    const baseFile = join(workDir, `base-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(baseFile, base);
    baseArgs = ['--base-file', baseFile];
  } else if (base) baseArgs = ['--base-file', SPEC];
  const args = [TOOL, '--spec', headFile, ...baseArgs];
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failure.code ?? -1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'customers-api-breaking-'));
  spec = await readFile(SPEC, 'utf8');
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('npm run check:breaking', () => {
  it('fails a change that newly requires an API key, naming each operation it locks out', async () => {
    // The spec as it was before keys: no operation had `security`.
    const keyless = spec.replace(/\n {6}security:\n {8}- apiKey: \[\]/g, '');
    expect(keyless).not.toMatch(/- apiKey: \[\]/);
    const outcome = await checkBreaking(spec, {}, keyless);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toContain('#/paths/~1customers/get/security');
    expect(outcome.output).toContain('#/paths/~1customers/put/security');
  });

  it('fails a renamed API key header', async () => {
    const head = edited('      name: x-api-key', '      name: x-customers-key');
    const outcome = await checkBreaking(head);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toMatch(/refuse .*#\/paths\/~1customers\/get\/security/);
  });

  it('fails a renamed query parameter, and names it', async () => {
    const head = edited('        - name: id\n          in: query', '        - name: customerId\n          in: query');
    const { exitCode, output } = await checkBreaking(head);
    expect(exitCode).toBe(1);
    expect(output).toContain('#/paths//customers/get/parameters');
  });

  it('fails a new required request property', async () => {
    const head = edited(
      '      required: [id]\n      properties:\n        id:\n          $ref: "#/components/schemas/CustomerId"\n',
      '      required: [id, name]\n      properties:\n        id:\n          $ref: "#/components/schemas/CustomerId"\n        name:\n          type: string\n          maxLength: 100\n',
    );
    const { exitCode, output } = await checkBreaking(head);
    expect(exitCode).toBe(1);
    expect(output).toContain('#/paths//customers/put/requestBody');
  });

  it('fails a removed response property', async () => {
    const head = edited(
      '        customerInDB:\n          type: boolean\n',
      '        customerInDb:\n          type: boolean\n',
    );
    expect((await checkBreaking(head)).exitCode).toBe(1);
  });

  it('asks for a new minor version for a new optional response property, and passes with one', async () => {
    const head = edited(
      '          description: Whether the id is in the table.\n',
      '          description: Whether the id is in the table.\n        checkedAt:\n          type: string\n          format: date-time\n          description: When the id was looked up.\n',
    );
    const unversioned = await checkBreaking(head);
    expect(unversioned.output).toContain('adds: add #/paths//customers/get/responses/200');
    expect(unversioned.output).toContain('An addition needs a new minor version');
    expect(unversioned.exitCode).toBe(1);
    const released = await checkBreaking(withVersion(head, (major, minor) => `${major}.${minor + 1}.0`));
    expect(released.output).toMatch(/a new minor version/);
    expect(released.exitCode).toBe(0);
  });

  it('passes a reworded description', async () => {
    const head = edited('Tell whether a customer id exists', 'Tell whether a customer id is known');
    expect((await checkBreaking(head)).exitCode).toBe(0);
  });

  it('passes a breaking change released as a new major version, listing what breaks', async () => {
    const renamed = edited(
      '        - name: id\n          in: query',
      '        - name: customerId\n          in: query',
    );
    const head = renamed.replace(
      /^( {2}version: )(\d+)\./m,
      (_, prefix: string, major: string) => `${prefix}${Number(major) + 1}.`,
    );
    expect(head).not.toBe(renamed);
    const { exitCode, output } = await checkBreaking(head);
    expect(output).toContain('#/paths//customers/get/parameters');
    expect(exitCode).toBe(0);
  });

  it('compares with the spec at the git ref BASE_REF', async () => {
    const committed = await promisify(execFile)('git', ['show', 'HEAD:openapi/openapi.yaml'], { cwd: REPO_ROOT });
    const same = await checkBreaking(committed.stdout, { BASE_REF: 'HEAD' }, false);
    expect(same.output).toContain('at HEAD');
    expect(same.exitCode).toBe(0);
    const renamed = committed.stdout.replace(
      '        - name: id\n          in: query',
      '        - name: customerId\n          in: query',
    );
    expect((await checkBreaking(renamed, { BASE_REF: 'HEAD' }, false)).exitCode).toBe(1);
  });
});

describe('the version a change asks for', () => {
  type Document = { info: { version: string }; paths: Record<string, Record<string, unknown>> };
  /** The spec parsed, at `version`, with DELETE /customers when `withDelete`. */
  function document(version: string, withDelete = false): Document {
    const parsed = parse(withDelete ? spec.replace('\ncomponents:\n', `\n${DELETE_OPERATION}components:\n`) : spec);
    return { ...parsed, info: { ...parsed.info, version } } as Document;
  }

  it.each([
    ['2.0.0', '2.1.0', true],
    ['2.0.0', '3.0.0', true],
    ['2.0.0', '2.0.1', false],
    ['2.0.0', '2.0.0', false],
    ['2.3.4', '2.4.0', true],
  ])('an operation added from %s to %s passes: %s', (from, to, passes) => {
    const verdict = judge(document(from), document(to, true));
    expect(verdict.needed).toBe('minor');
    expect(verdict.added.map(({ path }) => path)).toEqual(['#/paths//customers/delete']);
    expect(verdict.passes).toBe(passes);
  });

  it('asks nothing of a change clients do not see, but never lets the version go back', () => {
    expect(judge(document('2.0.0'), document('2.0.0'))).toMatchObject({ needed: 'none', passes: true });
    expect(judge(document('2.0.0'), document('2.0.1'))).toMatchObject({ needed: 'none', bump: 'none', passes: true });
    expect(judge(document('2.1.0'), document('2.0.9'))).toMatchObject({ bump: 'lower', passes: false });
    expect(judge(document('2.0.0', true), document('1.9.0'))).toMatchObject({ needed: 'major', passes: false });
  });

  it('reads info.version as x.y.z, and names the setting when it is not', () => {
    expect(versionOf(document('10.2.3'))).toEqual([10, 2, 3]);
    expect(() => versionOf(document('2.0'))).toThrow(/info.version must be a version x.y.z .*got "2.0"/);
  });
});
