/**
 * `npm run mock:stateful` (src/local/stateful-mock.ts) as a process of its own, in a process group of its own (so a
 * test can send Ctrl-C as a terminal does), on a free port, in the folder `cwd`; resolved once its banner is printed.
 */
import { fileURLToPath } from 'node:url';
import { freePort } from './prism.js';
import { type SpawnedServer, spawnServer } from './server-process.js';

const STATEFUL_MOCK = fileURLToPath(new URL('../../src/local/stateful-mock.ts', import.meta.url));
/** Prism's proxy and the local server start side by side on shared cores. */
const START_TIMEOUT_MS = 90_000;

export interface StatefulMockProcess extends SpawnedServer {
  /** Prism's address, e.g. http://127.0.0.1:43121 */
  readonly url: string;
  /** Prism's and the embedded DynamoDB's process ids, as the banner names them. */
  readonly prismPid: number;
  readonly emulatorPid: number;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

export async function startStatefulMock(options: {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<StatefulMockProcess> {
  const port = await freePort();
  const spawned = spawnServer(
    {
      ...process.env,
      LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
      MOCK_PORT: String(port),
    },
    { script: STATEFUL_MOCK, cwd: options.cwd, detached: true },
  );
  const { child, output } = spawned;
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mock:stateful did not start within ${START_TIMEOUT_MS} ms:\n${output.stdout}${output.stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout?.on('data', () => {
      if (!output.stdout.includes('Press Ctrl-C')) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mock:stateful exited before it was ready (${code}):\n${output.stdout}${output.stderr}`));
    });
  });
  return {
    ...spawned,
    url: `http://127.0.0.1:${port}`,
    prismPid: Number(/validating proxy \(process (\d+)\)/.exec(output.stdout)?.[1]),
    emulatorPid: Number(/embedded DynamoDB \(process (\d+)\)/.exec(output.stdout)?.[1]),
    exited,
  };
}
