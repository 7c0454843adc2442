/**
 * `npm run mock:stateful`: a mock that remembers. Prism's validating proxy on http://localhost:4010 (MOCK_PORT) in
 * front of the local server on an in-memory table: a PUT is remembered for the next GET, every request reaches the
 * server, which answers it as the API does, Prism checks every request and answer against the spec and reports what
 * breaks it (`statefulProxyArgs`: an `sl-violations` header, a log line), keys are those `npm start` accepts, and
 * nothing is written to disk. Ctrl-C stops both; if Prism stops on its own, the server stops too and the exit code is 1 (and if this
 * process dies, Prism's process group is killed on the way out).
 */
import { createLogger, describeError } from '../api/logger.js';
import { readStatefulMockConfig } from '../shared/config.js';
import { apiKeyHint, tryItLines } from './api-key-hint.js';
import { startPrism, statefulProxyArgs } from './prism-process.js';
import { startLocalServer } from './server.js';
import { stopOnSignals } from './shutdown.js';
import { startupFailureMessage } from './startup-errors.js';

const PRISM_HOST = '127.0.0.1';
/** Prism's proxy can take a while to start on a busy machine. */
const PRISM_START_TIMEOUT_MS = 60_000;

async function main(): Promise<void> {
  const { server: config, mockPort } = readStatefulMockConfig();
  const logger = createLogger(config.logLevel);
  const server = await startLocalServer({ config, logger });
  const upstream = `http://${config.host}:${new URL(server.url).port}`;
  const prism = await startPrism({
    args: statefulProxyArgs(upstream),
    host: PRISM_HOST,
    port: mockPort,
    startTimeoutMs: PRISM_START_TIMEOUT_MS,
    onOutput: (chunk) => process.stdout.write(chunk),
  }).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  // Prism has a process group of its own (so that stopping it stops what it forked): it must not outlive this one.
  process.once('exit', () => prism.kill());

  const url = `http://localhost:${new URL(prism.url).port}`;
  const keys = apiKeyHint(config.apiKeys);
  process.stdout.write(
    [
      '',
      `customers-api stateful mock on ${url}`,
      `  Prism's validating proxy (process ${prism.pid}) in front of the local server on ${upstream}`,
      `  table ${config.tableName} on the embedded DynamoDB (process ${server.emulatorPid}), in memory: nothing is kept`,
      `  ${keys.line}`,
      '',
      'Try:',
      ...tryItLines(url, keys),
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  stopOnSignals(
    async () => {
      stopping = true;
      await prism.close();
      await server.close();
    },
    (error) => logger.error('failed to stop cleanly', { error: describeError(error) }),
  );
  const { code, signal } = await prism.exited;
  if (stopping) return;
  process.stderr.write(`Prism stopped on its own (code ${code}, signal ${signal}): stopping the local server\n`);
  await server.close();
  process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureMessage(error)}\n`);
  process.exit(1);
});
