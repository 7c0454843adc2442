/**
 * Reading a request's body up to the API's limit and within a time bound, and refusing a request before its body is
 * read (413, or the key gate's 403) so that the client can read the answer: a client still sending when the server
 * closes the connection gets EPIPE/ECONNRESET instead of the answer (Node's `http`, `fetch` and curl alike), so the
 * rest of the body is read and thrown away, up to a bound, before closing. A client that goes away mid-body is
 * a ClientClosedRequestError (logged as such, not as a fault).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ClientClosedRequestError } from './protocol-errors.js';

/** Bytes of an over-limit body read and discarded before the connection closes; a client sending more is cut off. */
export const DRAIN_LIMIT_BYTES = 10 * 1024 * 1024;
/** Draining stops when the client sends nothing for this long. */
export const DRAIN_IDLE_MS = 1000;

/**
 * The whole body; 'too-large' as soon as it exceeds `limit` (the rest is left unread for `refuseUnreadBody`);
 * 'timeout' when it has not ended within `timeoutMs`. Rejects with ClientClosedRequestError when the client goes.
 */
export function readBody(
  request: IncomingMessage,
  limit: number,
  timeoutMs: number,
): Promise<Buffer | 'too-large' | 'timeout'> {
  if (Number(request.headers['content-length'] ?? 0) > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      stop();
      request.pause();
      resolve('timeout');
    }, timeoutMs);
    const stop = () => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      request.pause();
      resolve('too-large');
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    // The request stream fails (`aborted`, ECONNRESET) or closes before its end only when the client went away.
    const onGone = () => {
      stop();
      reject(new ClientClosedRequestError());
    };
    request.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onGone);
  });
}

/**
 * Sends `result` (a 413, or a refusal made before the body was read) at once, whole, then reads and discards what the
 * client still sends, up to DRAIN_LIMIT_BYTES or until it pauses for DRAIN_IDLE_MS, and closes the connection.
 * Resolves when done.
 */
export function refuseUnreadBody(
  request: IncomingMessage,
  response: ServerResponse,
  result: APIGatewayProxyResult,
): Promise<void> {
  response.writeHead(result.statusCode, {
    ...result.headers,
    'Content-Length': Buffer.byteLength(result.body),
    Connection: 'close',
  });
  // The whole answer is on the wire now; `end()` (which makes Node close the connection) waits for the drain.
  response.write(result.body);
  // A client waiting for `100 Continue` was not granted it: it sends no body, so there is nothing to drain.
  if (request.complete || /100-continue/i.test(request.headers.expect ?? '')) {
    response.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let drained = 0;
    let idle: NodeJS.Timeout | undefined;
    const finish = (cutOff: boolean) => {
      clearTimeout(idle);
      request.off('data', onData).off('end', onEnd).off('close', onClose);
      if (cutOff) request.socket.destroy();
      else response.end();
      resolve();
    };
    const waitForMore = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(false), DRAIN_IDLE_MS);
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_LIMIT_BYTES) finish(true);
      else waitForMore();
    };
    const onEnd = () => finish(false);
    const onClose = () => finish(true);
    request.on('data', onData).on('end', onEnd).on('close', onClose);
    waitForMore();
    request.resume();
  });
}

/** Sends `result` (the 408 for a body too slow to arrive) and closes the connection without reading more. */
export function refuseSlowBody(response: ServerResponse, result: APIGatewayProxyResult): Promise<void> {
  response.writeHead(result.statusCode, {
    ...result.headers,
    'Content-Length': Buffer.byteLength(result.body),
    Connection: 'close',
  });
  return new Promise((resolve) => {
    response.end(result.body, () => {
      response.socket?.destroySoon();
      resolve();
    });
  });
}
