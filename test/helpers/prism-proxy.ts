/**
 * The real Prism CLI as a validating proxy (`prism proxy openapi/openapi.yaml <upstream>`): it forwards each request
 * to the upstream and checks request and response against the spec, reporting what does not match in an
 * `sl-violations` response header (and, with `--errors`, refusing an invalid request with 422 and turning an invalid
 * response into a 500 problem+json). Its own process group, so `close()` stops it and anything it forked.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SPEC_PATH } from './prism.js';

const PRISM_BIN = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface PrismProxy {
  readonly url: string;
  output(): string;
  close(): Promise<void>;
}

/** One entry of Prism's `sl-violations` header. */
export interface Violation {
  readonly location: string[];
  readonly severity: string;
  readonly code?: string | number;
  readonly message: string;
}

export function violationsOf(headers: Headers): Violation[] {
  const header = headers.get('sl-violations');
  return header ? (JSON.parse(header) as Violation[]) : [];
}

export async function startPrismProxy(upstream: string, options: { errors: boolean }): Promise<PrismProxy> {
  const port = await freePort();
  const args = ['proxy', SPEC_PATH, upstream, '--host', '127.0.0.1', '--port', String(port)];
  if (options.errors) args.push('--errors');
  const child = spawn(PRISM_BIN, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit');
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000).unref();
    await exited;
    clearTimeout(timer);
  };
  const started = Date.now();
  while (!/Prism is listening on/.test(output)) {
    if (child.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      await close();
      throw new Error(`Prism proxy did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${port}`, output: () => output, close };
}

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
