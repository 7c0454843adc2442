/**
 * Starts the real Prism CLI on the spec, on a free port, for a test file: `prism mock` (the mock and contract suites
 * share it) or, through `startPrism`, `prism proxy` (prism-proxy.ts). Prism runs in its own process group so `close()`
 * stops it and anything it forked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRISM_BIN = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
export const SPEC_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

const READY_LINE = /Prism is listening on (http:\/\/\S+)/;
const MOCK_START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** A running Prism process, mock or proxy. */
export interface PrismProcess {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  readonly url: string;
  /** Everything Prism printed so far (its request log), for failure messages. */
  output(): string;
  /** Stops Prism (SIGTERM to its process group, SIGKILL after 5 s). */
  close(): Promise<void>;
}

export type PrismMock = PrismProcess;

export interface PrismMockOptions {
  /** Serve data generated from the schemas instead of the examples (`--dynamic`). @default false */
  readonly dynamic?: boolean;
  /** The document to mock. @default openapi/openapi.yaml */
  readonly specPath?: string;
}

export function startPrismMock(options: PrismMockOptions = {}): Promise<PrismMock> {
  const args = ['mock', options.specPath ?? SPEC_PATH];
  if (options.dynamic) args.push('--dynamic');
  return startPrism(args, MOCK_START_TIMEOUT_MS);
}

/** Runs `prism <args> --host 127.0.0.1 --port <free port>` until it says it listens (within `startTimeoutMs`). */
export async function startPrism(args: readonly string[], startTimeoutMs: number): Promise<PrismProcess> {
  const port = await freePort();
  const child = spawn(PRISM_BIN, [...args, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = () => stop(child, exited);

  try {
    const url = await waitUntilListening(child, () => output, startTimeoutMs);
    return { url, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function waitUntilListening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Prism did not start within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const onData = () => {
      const match = READY_LINE.exec(output());
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited before listening (code ${code}, signal ${signal}):\n${output()}`));
    });
  });
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const group = -child.pid;
  signalGroup(group, 'SIGTERM');
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_TIMEOUT_MS).unref()),
  ]);
  if (!stopped) {
    signalGroup(group, 'SIGKILL');
    await exited;
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch (error) {
    // ESRCH: the group is already gone.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** A port nobody listens on right now (the OS picks it; Prism binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error())));
    });
  });
}
