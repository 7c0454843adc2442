/**
 * The real Prism CLI (node_modules/.bin/prism) in a child process: `prism mock` or `prism proxy` on the spec,
 * started, awaited until it says it listens, and stopped. Prism runs in a process group of its own, so that stopping
 * it stops whatever it forked, and so that a Ctrl-C meant for the parent reaches Prism only through the parent's
 * shutdown. `npm run mock:stateful` (stateful-mock.ts) and the tests' Prism helpers start it through here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PRISM_BIN = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
export const SPEC_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

/**
 * `npm run mock:stateful`'s Prism: a validating proxy that forwards every request to `upstream`, so that the API
 * answers each one in its own words (its 400, 403, 404, 405, 413, 415 and its CORS). Without `--errors`, which would
 * answer a request the spec refuses with Prism's own 422 (or 401, 404, 405) and never forward it, Prism reports what
 * breaks the spec, in a request or an answer, in an `sl-violations` header and a `Violation:` log line; `--cors false`
 * leaves CORS to the API, where Prism's own would allow any origin with credentials.
 */
export function statefulProxyArgs(upstream: string): string[] {
  return ['proxy', SPEC_PATH, upstream, '--cors', 'false'];
}

const READY_LINE = /Prism is listening on (http:\/\/\S+)/;
const STOP_TIMEOUT_MS = 5_000;
/** How much of Prism's output `output()` keeps: the start-up and the latest requests, never an unbounded log. */
const OUTPUT_KEPT_CHARS = 200_000;

export interface PrismStartOptions {
  /** Prism's command and its arguments, e.g. `['proxy', SPEC_PATH, upstream, '--errors']`. */
  readonly args: readonly string[];
  readonly host: string;
  readonly port: number;
  /** How long Prism may take to say it listens before the start fails. */
  readonly startTimeoutMs: number;
  /** Receives everything Prism prints (its request log), as it prints it. */
  readonly onOutput?: (chunk: string) => void;
}

export interface PrismExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running Prism process, mock or proxy. */
export interface PrismProcess {
  /** Base URL, as Prism prints it, e.g. http://127.0.0.1:4010 */
  readonly url: string;
  readonly pid: number;
  /** Settles when Prism's process has exited, for whatever reason (`close()`, a crash, a kill). */
  readonly exited: Promise<PrismExit>;
  /** What Prism printed (the latest part of a long log), for failure messages. */
  output(): string;
  /** Stops Prism (SIGTERM to its process group, SIGKILL after 5 s) and resolves when it has exited. */
  close(): Promise<void>;
  /** Kills Prism's process group at once, synchronously: for a parent that is exiting and cannot wait. */
  kill(): void;
}

/** Runs `prism <args> --host <host> --port <port>` until it says it listens (within `startTimeoutMs`). */
export async function startPrism(options: PrismStartOptions): Promise<PrismProcess> {
  const child = spawn(PRISM_BIN, [...options.args, '--host', options.host, '--port', String(options.port)], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_KEPT_CHARS);
    options.onOutput?.(chunk);
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const exited = new Promise<PrismExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const close = () => stop(child, exited);

  try {
    const url = await waitUntilListening(child, () => output, options.startTimeoutMs);
    return {
      url,
      pid: child.pid as number,
      exited,
      output: () => output,
      close,
      kill: () => signalGroup(child, 'SIGKILL'),
    };
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

async function stop(child: ChildProcess, exited: Promise<PrismExit>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  signalGroup(child, 'SIGTERM');
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_TIMEOUT_MS).unref()),
  ]);
  if (!stopped) {
    signalGroup(child, 'SIGKILL');
    await exited;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
