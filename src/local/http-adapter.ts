/**
 * The local server's HTTP adapter: Node's HTTP server in front of a proxy handler, as API Gateway is in front of the
 * Lambda. It reads the body (up to the API's limit), turns the request into a v1 proxy event (src/local/proxy-event.ts)
 * and the result back into HTTP, and answers what Node cannot parse in the API's `{message}` shape.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PayloadTooLargeError } from '../errors.js';
import { toErrorResponse } from '../http-response.js';
import { describeError, type Logger } from '../logger.js';
import { MAX_BODY_BYTES, type ProxyHandler } from '../request-handler.js';
import { toProxyEvent, writeProxyResult } from './proxy-event.js';

/** An HTTP server (not yet listening) that answers every request with `handler`. */
export function createHttpServer(handler: ProxyHandler, logger: Logger): Server {
  const server = createServer((request, response) => {
    serve(handler, request, response).catch((error: unknown) => {
      logger.error('local server failed to answer', { error: describeError(error) });
      if (!response.headersSent) writeProxyResult(response, toErrorResponse(error));
      else response.destroy();
    });
  });
  // Longer than the idle timeout of load balancers and clients that reuse connections, as API Gateway's is.
  server.keepAliveTimeout = 65_000;
  // A request Node cannot parse as HTTP still gets the API's {message} shape (Node's default is an empty 400).
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const body = JSON.stringify({ message: 'Malformed HTTP request' });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

/** Starts listening; resolves with the base URL, e.g. http://localhost:3000. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown}:${bound}`;
}

async function serve(handler: ProxyHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  if (body === 'too-large') {
    // Answer at once and stop reading; the connection is closed since the rest of the body is not drained.
    response.setHeader('Connection', 'close');
    writeProxyResult(response, toErrorResponse(new PayloadTooLargeError(MAX_BODY_BYTES)));
    request.unpipe();
    request.resume();
    return;
  }
  writeProxyResult(response, await handler(toProxyEvent(request, body)));
}

/** The whole body, or 'too-large' as soon as it exceeds the API's limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
