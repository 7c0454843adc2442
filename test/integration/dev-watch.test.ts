/**
 * `npm run dev` on a copy of the project: a source change restarts the server, a spec change regenerates what the
 * spec generates and the restarted server follows the new spec, and Ctrl-C stops everything.
 */
import { appendFile, cp, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { LOCAL_KEY_HEADERS } from '../helpers/http.js';
import { emulatorPidIn, isRunning, randomPort, spawnServer } from '../helpers/server-process.js';

const PROJECT = new URL('../../', import.meta.url).pathname;
const { defer, tempDir } = cleanupsAfterEach();

/**
 * What `npm run dev` needs of the project (`npm run generate` reads infra/ for the definition API Gateway imports),
 * copied, with the installed packages linked.
 */
async function projectCopy(): Promise<string> {
  const dir = await tempDir('customers-api-dev-');
  for (const entry of ['src', 'openapi', 'infra', 'package.json', 'tsconfig.json', 'redocly.yaml']) {
    await cp(join(PROJECT, entry), join(dir, entry), { recursive: true });
  }
  await symlink(join(PROJECT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const banners = (output: string) => output.split('Press Ctrl-C').length - 1;

async function putStatus(baseUrl: string, id: string): Promise<number> {
  const response = await fetch(`${baseUrl}/customers`, {
    method: 'PUT',
    headers: { ...LOCAL_KEY_HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('npm run dev', () => {
  it('restarts on a source change, regenerates on a spec change, stops on Ctrl-C', { timeout: 300_000 }, async () => {
    const dir = await projectCopy();
    const port = randomPort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const { child, output } = spawnServer(
      { ...process.env, PORT: String(port), DATA_DIR: ':memory:', LOG_LEVEL: 'warn' },
      { script: join(dir, 'src/local/dev.ts'), cwd: dir, detached: true },
    );
    defer(async () => {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    });
    const waitUntil = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 120_000, interval: 250 });
    await waitUntil(() => expect(banners(output.stdout), output.stderr).toBe(1));

    // GIVEN an id one character longer than the spec allows
    const specPath = join(dir, 'openapi/openapi.yaml');
    const spec = parseDocument(await readFile(specPath, 'utf8'));
    const idSchema = ['components', 'schemas', 'CustomerId'];
    const maxLength = Number(spec.getIn([...idSchema, 'maxLength']));
    const longerId = 'x'.repeat(maxLength + 1);
    expect(await putStatus(baseUrl, longerId)).toBe(400);

    // WHEN a source file changes THEN the server restarts
    await appendFile(join(dir, 'src/api/operations.ts'), '// touched by the dev-watch test\n');
    await waitUntil(() => expect(banners(output.stdout), output.stderr).toBe(2));

    // WHEN the spec allows longer ids THEN the generated code follows and the restarted server accepts the id
    spec.setIn([...idSchema, 'maxLength'], maxLength + 1);
    await writeFile(specPath, spec.toString());
    await waitUntil(async () => expect(await putStatus(baseUrl, longerId).catch(() => 0), output.stdout).toBe(200));
    expect(output.stdout).toContain('openapi/openapi.yaml changed: npm run generate');
    expect(output.stdout).not.toContain('npm run generate failed');
    const validators = await readFile(join(dir, 'src/generated/request-body-validators.ts'), 'utf8');
    expect(validators).toContain(`"maxLength":${maxLength + 1}`);

    // WHEN Ctrl-C reaches the terminal's process group THEN everything stops, the embedded DynamoDB included
    const emulatorPid = emulatorPidIn(output.stdout.slice(output.stdout.lastIndexOf('listening on')));
    expect(isRunning(emulatorPid)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exited).toBe(0);
    await vi.waitFor(() => expect(isRunning(emulatorPid)).toBe(false), { timeout: 15_000, interval: 100 });
  });
});
