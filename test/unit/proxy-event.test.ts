import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyEventOptions, toProxyEvent } from '../../src/local/proxy-event.js';

let onRequest: (request: IncomingMessage, body: Buffer) => void = () => {};
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    onRequest(request, Buffer.concat(chunks));
    response.end();
  });
});

beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends a real HTTP request and returns the proxy event the local server builds from it. */
function eventFor(
  method: string,
  path: string,
  options: { headers?: Record<string, string | string[]>; body?: string; proxy?: ProxyEventOptions } = {},
): Promise<APIGatewayProxyEvent> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    onRequest = (request, body) => {
      try {
        resolve(toProxyEvent(request, body, options.proxy));
      } catch (error) {
        reject(error);
      }
    };
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers: options.headers ?? {} });
    request.on('response', (response) => response.resume());
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('local proxy event', () => {
  it('uses null for absent query maps and body, as API Gateway does', async () => {
    const event = await eventFor('GET', '/customers');
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.stageVariables).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('keeps every value of a repeated query parameter, and the last in the single-value map', async () => {
    const event = await eventFor('GET', '/customers?id=first&id=second&x=%C3%BC');
    expect(event.queryStringParameters).toEqual({ id: 'second', x: 'ü' });
    expect(event.multiValueQueryStringParameters).toEqual({ id: ['first', 'second'], x: ['ü'] });
  });

  it('keeps header names as sent, with every value of a repeated header', async () => {
    const event = await eventFor('GET', '/customers', {
      headers: { 'X-Trace': ['a', 'b'], 'Content-Type': 'application/json' },
    });
    expect(event.headers['Content-Type']).toBe('application/json');
    expect(event.headers['X-Trace']).toBe('b');
    expect(event.multiValueHeaders['X-Trace']).toEqual(['a', 'b']);
  });

  it('carries method, path, body and a request context with a request id', async () => {
    const event = await eventFor('PUT', '/customers', {
      headers: { 'Content-Type': 'application/json' },
      body: '{"id":"x"}',
    });
    expect(event).toMatchObject({ httpMethod: 'PUT', path: '/customers', resource: '/customers', body: '{"id":"x"}' });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext).toMatchObject({ httpMethod: 'PUT', stage: 'local', resourcePath: '/customers' });
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(event.requestContext.requestTimeEpoch).toBeGreaterThan(0);
  });

  it('base64-encodes the body of a binary media type only', async () => {
    const event = await eventFor('PUT', '/customers', {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: 'abc',
      proxy: { binaryMediaTypes: ['application/octet-stream'] },
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from('abc').toString('base64'));
  });

  it('keeps query and header names equal to Object.prototype members as ordinary names', async () => {
    const names = Object.getOwnPropertyNames(Object.prototype);
    const query = names.map((name, i) => `${encodeURIComponent(name)}=${i}`).join('&');
    const event = await eventFor('GET', `/customers?${query}&constructor=again`, {
      headers: Object.fromEntries(names.filter((n) => /^[a-z]\w*$/i.test(n)).map((name) => [name, 'h'])),
    });
    for (const [i, name] of names.entries()) {
      expect(Object.hasOwn(event.queryStringParameters ?? {}, name), name).toBe(true);
      expect(event.multiValueQueryStringParameters?.[name], name).toEqual(
        name === 'constructor' ? [String(i), 'again'] : [String(i)],
      );
    }
    expect(event.headers.constructor).toBe('h');
    expect(event.multiValueHeaders.toString).toEqual(['h']);
  });

  it('decodes percent-encoded UTF-8 in query names and values, as URLSearchParams does', async () => {
    const event = await eventFor('GET', '/customers?id=%F0%9F%98%80+a%2Bb&%C3%BC=%zz%4');
    expect(event.queryStringParameters).toEqual({ id: '😀 a+b', ü: '%zz%4' });
  });

  it.each([
    ['a lone continuation byte', '/customers?id=%80', 'query.id'],
    ['a truncated sequence', '/customers?id=%F0%9F%98', 'query.id'],
    ['an overlong encoding', '/customers?id=%C0%AF', 'query.id'],
    ['an encoded surrogate', '/customers?id=%ED%A0%80', 'query.id'],
    ['a bad name', '/customers?%FF=1', 'query'],
    ['an unknown parameter', '/customers?id=a&x=%FE', 'query.x'],
  ])('refuses a query string with %s as not UTF-8, never replacing it', async (_, path, location) => {
    await expect(eventFor('GET', path)).rejects.toMatchObject({
      statusCode: 400,
      details: [{ location, message: 'is not valid UTF-8' }],
    });
  });

  it('decodes a UTF-8 value of a header the API reads, and refuses one that is not UTF-8', async () => {
    const utf8 = Buffer.from('https://müller.example').toString('latin1');
    const event = await eventFor('GET', '/customers', { headers: { Origin: utf8, 'X-Other': 'caf\xe9' } });
    expect(event.headers.Origin).toBe('https://müller.example');
    expect(event.headers['X-Other']).toBe('caf\xe9');
    await expect(
      eventFor('PUT', '/customers', { headers: { 'Content-Type': 'application/json\xff' } }),
    ).rejects.toMatchObject({ statusCode: 400, details: [{ location: 'header.content-type' }] });
  });

  it('base64-encodes every body under the binary media type */*', async () => {
    const event = await eventFor('PUT', '/customers', {
      headers: { 'Content-Type': 'application/json' },
      body: '{"id":"x"}',
      proxy: { binaryMediaTypes: ['*/*'] },
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString()).toBe('{"id":"x"}');
  });
});
