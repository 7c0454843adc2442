/**
 * `npm run dev`: the local server, restarted whenever its sources or the spec change. `tsx watch` restarts it on a
 * change to any file it imports; a change to openapi/openapi.yaml runs `npm run generate`, and the regenerated files
 * (imported by the server) restart it in turn. A spec that does not generate leaves the running server as it was
 * and says why; the next save tries again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = join(ROOT, 'openapi', 'openapi.yaml');
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX_CLI = tsxCommandLine();

/** tsx's command-line entry, found through its package's `bin` (its public name), not a path inside it. */
function tsxCommandLine(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const { bin } = require(manifestPath) as { bin: string | Record<string, string> };
  return join(dirname(manifestPath), typeof bin === 'string' ? bin : (bin.tsx as string));
}

function startServer(): ChildProcess {
  const server = spawn(process.execPath, [TSX_CLI, 'watch', '--clear-screen=false', MAIN], { stdio: 'inherit' });
  server.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  // Ctrl-C reaches every process of the terminal's group, tsx watch included, which stops the server; SIGTERM sent
  // to this process alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => server.kill('SIGTERM'));
  return server;
}

/** `npm run <script>` in the project; whether it succeeded. */
async function npmRun(script: string, output: 'inherit' | 'ignore'): Promise<boolean> {
  const child = spawn('npm', ['run', '--silent', script], { cwd: ROOT, stdio: output });
  return (await new Promise<number | null>((resolve) => child.once('exit', resolve))) === 0;
}

async function specHash(): Promise<string | undefined> {
  const content = await readFile(SPEC).catch(() => undefined);
  return content && createHash('sha256').update(content).digest('hex');
}

/** Regenerates when the spec's content differs from what was last generated, one run at a time. */
function regenerateOnSpecChange(): void {
  let generatedFrom: string | undefined;
  const generateIfChanged = async () => {
    const hash = await specHash();
    if (hash === undefined || hash === generatedFrom) return;
    process.stdout.write('\nopenapi/openapi.yaml changed: npm run generate\n');
    if (await npmRun('generate', 'inherit')) generatedFrom = hash;
    else process.stdout.write('npm run generate failed (above); the server keeps the spec it had\n');
  };
  // At start the generated files may be older than the spec (edited while nothing watched it).
  let queue = specHash().then(async (checked) => {
    if (await npmRun('generate:check', 'ignore')) generatedFrom = checked;
    else await generateIfChanged();
  });
  // The folder, not the file: editors often save by replacing the file, which ends a watch on the file itself.
  let timer: NodeJS.Timeout | undefined;
  watch(dirname(SPEC), (_event, name) => {
    if (name !== 'openapi.yaml') return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      queue = queue.then(generateIfChanged);
    }, 200);
  });
}

regenerateOnSpecChange();
startServer();
