/** `npm start`'s server as a separate process (for crash tests and benchmarks), on a data folder of its own. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/local/main.ts', import.meta.url));
/** tsx's loader by its full URL, so that a server started in another folder (`cwd`) runs TypeScript too. */
const TYPESCRIPT_LOADER = import.meta.resolve('tsx');

export interface ServerProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The embedded DynamoDB's process, as the server's start-up banner names it. */
  readonly emulatorPid: number;
}

/** Starts the server and resolves once it prints that it is ready. */
export async function startServerProcess(options: { port: number; dataDir: string }): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      PORT: String(options.port),
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      if (banner.includes('Press Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the server exited before it was ready (${code})`)));
  });
  return { child, url: `http://127.0.0.1:${options.port}`, emulatorPid: emulatorPidIn(banner) };
}

export interface ExitedProcess {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The server's process with what it has printed so far. */
export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
}

/**
 * Starts the server (`script`, default npm start's entry) with exactly `env`, its output collected. `detached` gives
 * it a process group of its own, so that a test can send Ctrl-C as a terminal does: to every process in the group.
 */
export function spawnServer(
  env: NodeJS.ProcessEnv,
  options: { detached?: boolean; script?: string; cwd?: string } = {},
): SpawnedServer {
  const child = spawn(process.execPath, ['--import', TYPESCRIPT_LOADER, options.script ?? MAIN], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  return { child, output };
}

/** Runs the server with exactly `env` (start-up failures) until it exits; what it printed and its exit code. */
export async function runServerUntilExit(env: NodeJS.ProcessEnv): Promise<ExitedProcess> {
  const { child, output } = spawnServer(env);
  // A server that starts after all is stopped, so that the test fails instead of hanging.
  const started = setInterval(() => output.stdout.includes('Press Ctrl-C') && child.kill('SIGTERM'), 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(started);
  return { code, ...output };
}

/** The embedded DynamoDB's process id, as `npm start`'s banner names it (NaN when it names none). */
export function emulatorPidIn(banner: string): number {
  return Number(/dynalite, process (\d+)/.exec(banner)?.[1]);
}

/** A port unlikely to be taken, for a server process that must be restarted on the same one. */
export function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

/** Whether a process with this id exists (signal 0 only checks). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
