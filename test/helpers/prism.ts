/**
 * Starts the real Prism CLI on the spec, on a free port, for a test file: `prism mock` (the mock and contract suites
 * share it) or, through `startPrism`, `prism proxy` (prism-proxy.ts). The process itself is src/local/prism-process.ts,
 * which `npm run mock:stateful` uses too.
 */
import { createServer } from 'node:net';
import { type PrismProcess, SPEC_PATH, startPrism as startPrismProcess } from '../../src/local/prism-process.js';

export type { PrismProcess } from '../../src/local/prism-process.js';
export { SPEC_PATH } from '../../src/local/prism-process.js';

const MOCK_START_TIMEOUT_MS = 30_000;

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
  return startPrismProcess({ args, host: '127.0.0.1', port: await freePort(), startTimeoutMs });
}

/** A port nobody listens on right now (the OS picks it; the process under test binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error())));
    });
  });
}
