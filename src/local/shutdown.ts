/**
 * Stopping the local server without cutting anyone off: requests being answered finish before the server (and then
 * DynamoDB under it) stops, and Ctrl-C or SIGTERM stop it once.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { finished } from 'node:stream/promises';

/**
 * Follows the server's requests from now on; the function returned stops accepting connections, closes the idle
 * ones, waits for the answers in flight to be handed to their sockets, then closes every connection.
 */
export function drainOnClose(server: Server): () => Promise<void> {
  const inFlight = new Set<Promise<void>>();
  server.on('request', (request, response) => {
    // in flight until the answer is handed to the socket, so that closing connections cannot cut it off; or until
    // the connection is gone (a pipelined request after an answer that closed it is never answered)
    const gone = new AbortController();
    const closed = request.socket.destroyed
      ? Promise.resolve()
      : once(request.socket, 'close', { signal: gone.signal });
    const answered = Promise.race([finished(response), closed])
      .then(() => {})
      .catch(() => {})
      .finally(() => gone.abort());
    inFlight.add(answered);
    void answered.finally(() => inFlight.delete(answered));
  });
  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.allSettled([...inFlight]);
    server.closeAllConnections();
    await closed;
  };
}

/** On the first SIGINT or SIGTERM: says so, runs `stop`, and exits 0 (1 if `stop` fails, after `onError`). */
export function stopOnSignals(stop: () => Promise<void>, onError: (error: unknown) => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received, stopping…\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        onError(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
