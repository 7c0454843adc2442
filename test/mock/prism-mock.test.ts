/**
 * `npm run mock`: the real Prism CLI serving openapi/openapi.yaml. Expected bodies come from the spec's examples;
 * statuses for invalid requests are checked against the real local server too, so the mock refuses what the API
 * refuses. Where Prism cannot answer like the API, the difference is pinned here and documented in the spec.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationId } from '../../src/api/operations.js';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { expectConformsToSpec } from '../helpers/contract-assertions.js';
import { startTestServer } from '../helpers/local-server.js';
import { type PrismMock, startPrismMock } from '../helpers/prism.js';
import { exampleRequest, responseExamples, specOperation, specOperations } from '../helpers/spec-examples.js';
import { allowHeader, aMethodNotInSpec } from '../helpers/spec-methods.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

interface Request {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Leave out the API key every other request carries. */
  readonly withoutKey?: boolean;
}

/**
 * The key sent to both: the local server's default key, which the mock accepts as it accepts any key (Prism checks
 * only that the header is there).
 */
const API_KEY = DEFAULT_LOCAL_API_KEY;

async function send(baseUrl: string, request: Request): Promise<RawResponse> {
  const headers = { ...(request.withoutKey ? {} : { 'x-api-key': API_KEY }), ...request.headers };
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * Sends exactly these body bytes with node:http, which (unlike fetch) sends a body with a GET and bytes that are not
 * UTF-8 as they are.
 */
function sendBytes(baseUrl: string, request: Omit<Request, 'body'> & { body?: Buffer | string }): Promise<RawResponse> {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = {
    'x-api-key': API_KEY,
    ...request.headers,
    ...(body === undefined ? {} : { 'Content-Length': String(body.length) }),
  };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${baseUrl}${request.path}`, { method: request.method, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
        }
        resolve({ status: incoming.statusCode ?? 0, headers: responseHeaders, text, json });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Both answers to the same request: the mock's, then the local API's. */
const both = (request: Omit<Request, 'body'> & { body?: Buffer | string }) =>
  Promise.all([sendBytes(mock.url, request), sendBytes(api.url, request)]);

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const putBody = (body: unknown): Request => ({
  method: 'PUT',
  path: '/customers',
  headers: JSON_HEADERS,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const getId = (id: string): Request => ({ method: 'GET', path: `/customers?id=${encodeURIComponent(id)}` });

/** A valid request for each operation, built from the spec's own parameter and body examples. */
const validRequest = (operationId: OperationId): Request => exampleRequest(operationId);

let mock: PrismMock;
let api: LocalServer;

beforeAll(async () => {
  [mock, api] = await Promise.all([startPrismMock(), startTestServer()]);
});

afterAll(async () => {
  await Promise.all([mock?.close(), api?.close()]);
});

describe('Prism mock: documented examples', () => {
  const operations = specOperations().map((operation) => operation.operationId as OperationId);

  it.each(operations)('%s answers a valid request with the first documented 200 example', async (operationId) => {
    const request = validRequest(operationId);
    const response = await send(mock.url, request);

    expect(response.status, mock.output()).toBe(200);
    expect(response.json).toEqual(responseExamples(operationId, 200)[0]?.value);
    expectConformsToSpec(request.method, `${mock.url}${request.path}`, { ...response, body: response.json });
  });

  it.each(operations)('%s serves every named 200 example on Prefer: example=<name>', async (operationId) => {
    const examples = responseExamples(operationId, 200);
    expect(examples.length).toBeGreaterThan(1);
    for (const example of examples) {
      const request = validRequest(operationId);
      const response = await send(mock.url, {
        ...request,
        headers: { ...request.headers, Prefer: `example=${example.name}` },
      });
      expect(response.status, example.name).toBe(200);
      expect(response.json, example.name).toEqual(example.value);
    }
  });

  it.each(operations)(
    '%s answers every documented status on Prefer: code=<status> with its first example',
    async (operationId) => {
      const operation = specOperations().find((candidate) => candidate.operationId === operationId);
      const statuses = Object.keys(operation?.responses ?? {}).map(Number);
      expect(statuses).toContain(400);
      for (const status of statuses) {
        const request = validRequest(operationId);
        const response = await send(mock.url, {
          ...request,
          headers: { ...request.headers, Prefer: `code=${status}` },
        });
        expect(response.status).toBe(status);
        expect(response.json, `${operationId} ${status}`).toEqual(responseExamples(operationId, status)[0]?.value);
      }
    },
  );

  it('answers 503 with the documented Retry-After example, as the API sends it', async () => {
    const response = await send(mock.url, { ...validRequest('getCustomer'), headers: { Prefer: 'code=503' } });
    const header = (
      specOperation('getCustomer').responses['503'] as { headers?: Record<string, { example?: unknown }> }
    ).headers?.['Retry-After'];

    expect(response.status).toBe(503);
    expect(header?.example).toBeDefined();
    expect(response.headers.get('retry-after')).toBe(String(header?.example));
  });

  it.each(operations)(
    '%s answers with data generated from the schemas on Prefer: dynamic=true',
    async (operationId) => {
      const request = validRequest(operationId);
      const response = await send(mock.url, { ...request, headers: { ...request.headers, Prefer: 'dynamic=true' } });

      expect(response.status).toBe(200);
      const examples = responseExamples(operationId, 200).map((example) => example.value);
      expect(examples).not.toContainEqual(response.json);
      expectConformsToSpec(request.method, `${mock.url}${request.path}`, { ...response, body: response.json });
    },
  );

  it('with --dynamic (npm run mock -- -d) generates data for every request', async () => {
    const dynamicMock = await startPrismMock({ dynamic: true });
    try {
      const request = validRequest('getCustomer');
      const response = await send(dynamicMock.url, request);
      expect(response.status).toBe(200);
      expect(responseExamples('getCustomer', 200).map((example) => example.value)).not.toContainEqual(response.json);
      expectConformsToSpec('GET', `${dynamicMock.url}${request.path}`, { ...response, body: response.json });
    } finally {
      await dynamicMock.close();
    }
  });
});

describe('Prism mock: invalid requests are refused as the API refuses them', () => {
  const invalid: { name: string; request: Request; status: number; operationId: 'getCustomer' | 'putCustomer' }[] = [
    { name: 'GET without id', request: { method: 'GET', path: '/customers' }, status: 400, operationId: 'getCustomer' },
    {
      name: 'GET with an empty id',
      request: { method: 'GET', path: '/customers?id=' },
      status: 400,
      operationId: 'getCustomer',
    },
    { name: 'GET with whitespace in the id', request: getId('cust 4f9a2c'), status: 400, operationId: 'getCustomer' },
    { name: 'GET with a 513-character id', request: getId('x'.repeat(513)), status: 400, operationId: 'getCustomer' },
    { name: 'PUT without id', request: putBody({ name: 'Ada' }), status: 400, operationId: 'putCustomer' },
    {
      name: 'PUT with no body',
      request: { method: 'PUT', path: '/customers', headers: JSON_HEADERS },
      status: 400,
      operationId: 'putCustomer',
    },
    {
      name: 'PUT with an array body',
      request: putBody([{ id: 'cust-4f9a2c' }]),
      status: 400,
      operationId: 'putCustomer',
    },
    { name: 'PUT with a numeric id', request: putBody({ id: 42 }), status: 400, operationId: 'putCustomer' },
    {
      name: 'PUT with a control character in the id',
      request: putBody({ id: 'cust\u0007' }),
      status: 400,
      operationId: 'putCustomer',
    },
    {
      name: 'PUT with a text/plain body',
      request: { method: 'PUT', path: '/customers', headers: { 'Content-Type': 'text/plain' }, body: 'cust-4f9a2c' },
      status: 415,
      operationId: 'putCustomer',
    },
  ];

  it.each(invalid)(
    '$name: $status with the first documented example, as the API',
    async ({ request, status, operationId }) => {
      const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

      expect(fromApi.status, `the real API answers ${fromApi.text}`).toBe(status);
      expect(fromMock.status, `Prism answers ${fromMock.text}`).toBe(status);
      expect(fromMock.headers.get('content-type')).toMatch(/^application\/json/);
      expect(fromMock.json).toEqual(responseExamples(operationId, status)[0]?.value);
      expectConformsToSpec(request.method, `${api.url}${request.path}`, { ...fromApi, body: fromApi.json });
    },
  );

  it('Prefer: code=400, example=<name> picks which error example an invalid request gets', async () => {
    const request = getId('cust 4f9a2c');
    const response = await send(mock.url, { ...request, headers: { Prefer: 'code=400, example=whitespace' } });

    expect(response.status).toBe(400);
    const whitespace = responseExamples('getCustomer', 400).find((example) => example.name === 'whitespace');
    expect(whitespace).toBeDefined();
    expect(response.json).toEqual(whitespace?.value);
  });
});

describe('Prism mock: the id rules (pattern with the unicode flag, length in code points)', () => {
  const accepted = [
    ['a Unicode id with an emoji', 'müller-αβγ-😀'],
    ['512 emoji (512 code points, 1024 UTF-16 units)', '😀'.repeat(512)],
    ['512 ASCII characters', 'c'.repeat(512)],
    ['punctuation', 'a/b?c#d&e=f%g'],
  ];
  const refused = [
    ['a tab', 'cust\t1'],
    ['a no-break space', 'cust\u00a01'],
    ['a C1 control character', 'cust\u00851'],
    ['DEL', 'cust\u007f'],
    ['a lone surrogate', 'cust\ud800'],
    ['U+FFFD, the replacement character', 'caf\ufffd'],
    ['513 emoji', '😀'.repeat(513)],
  ];

  it.each(accepted)('accepts %s, as the API does', async (_, id) => {
    const [fromMock, fromApi] = await Promise.all([send(mock.url, putBody({ id })), send(api.url, putBody({ id }))]);
    expect([fromMock.status, fromApi.status], fromMock.text).toEqual([200, 200]);
  });

  it.each(refused)('refuses an id with %s, as the API does', async (_, id) => {
    const [fromMock, fromApi] = await Promise.all([send(mock.url, putBody({ id })), send(api.url, putBody({ id }))]);
    expect([fromMock.status, fromApi.status], fromMock.text).toEqual([400, 400]);
  });

  it('refuses a query id with U+FFFD (%EF%BF%BD), as the API does, and the API stores nothing', async () => {
    const [fromMock, fromApi] = await Promise.all([
      send(mock.url, getId('caf\ufffd')),
      send(api.url, getId('caf\ufffd')),
    ]);
    expect([fromMock.status, fromApi.status], fromMock.text).toEqual([400, 400]);
    expect(fromApi.json).toMatchObject({
      errors: [{ location: 'query.id', message: 'must not contain whitespace, control characters or U+FFFD' }],
    });
  });

  it('refuses a body whose id bytes are not UTF-8, with or without Content-Type, as the API does', async () => {
    const body = Buffer.concat([Buffer.from('{"id":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    for (const headers of [JSON_HEADERS, {}]) {
      const [fromMock, fromApi] = await both({ method: 'PUT', path: '/customers', headers, body });
      expect([fromMock.status, fromApi.status], fromApi.text).toEqual([400, 400]);
    }
    expect((await send(api.url, getId('caf'))).json).toEqual({ id: 'caf', customerInDB: false });
  });
});

describe('Prism mock: differences listed in the spec (issue 19), each compared with the API', () => {
  it('answers a body that is not UTF-8 with its first 400 example, where the API names the body', async () => {
    const body = Buffer.concat([Buffer.from('{"id":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const [fromMock, fromApi] = await both({ method: 'PUT', path: '/customers', headers: JSON_HEADERS, body });

    expect([fromMock.status, fromApi.status]).toEqual([400, 400]);
    expect(fromApi.json).toMatchObject({ errors: [{ location: 'body', message: 'is not valid UTF-8' }] });
    expect(fromMock.json).toEqual(responseExamples('putCustomer', 400)[0]?.value);
  });

  it.each([
    ['charset=latin1', { 'Content-Type': 'application/json; charset=latin1' }],
    ['Content-Encoding: gzip', { ...JSON_HEADERS, 'Content-Encoding': 'gzip' }],
    ['another JSON media type (application/merge-patch+json)', { 'Content-Type': 'application/merge-patch+json' }],
    ['another JSON media type (application/vnd.api+json)', { 'Content-Type': 'application/vnd.api+json' }],
  ])('accepts a body with %s, which the API refuses with 415', async (_, headers) => {
    const [fromMock, fromApi] = await both({
      method: 'PUT',
      path: '/customers',
      headers,
      body: '{"id":"cust-4f9a2c"}',
    });

    expect([fromMock.status, fromApi.status]).toEqual([200, 415]);
    expect(fromApi.json).toEqual({ message: expect.stringMatching(/^Unsupported Content-(Type|Encoding)/) });
  });

  it('refuses a GET with a body with 400, where the API ignores the body', async () => {
    const [fromMock, fromApi] = await both({
      method: 'GET',
      path: '/customers?id=cust-4f9a2c',
      headers: JSON_HEADERS,
      body: '{"id":"other"}',
    });

    expect([fromMock.status, fromApi.status]).toEqual([400, 200]);
    expect(fromApi.json).toEqual({ id: 'cust-4f9a2c', customerInDB: false });
  });

  it('answers /customers/ with 404, where the API answers it as /customers (as API Gateway does)', async () => {
    const [fromMock, fromApi] = await both({ method: 'GET', path: '/customers/?id=cust-4f9a2c' });

    expect([fromMock.status, fromApi.status]).toEqual([404, 200]);
    expect(fromApi.json).toEqual({ id: 'cust-4f9a2c', customerInDB: false });
  });

  it('answers Accept: text/html with 406, where the API answers JSON whatever Accept says', async () => {
    const [fromMock, fromApi] = await both({
      method: 'GET',
      path: '/customers?id=cust-4f9a2c',
      headers: { Accept: 'text/html' },
    });

    expect([fromMock.status, fromApi.status]).toEqual([406, 200]);
    expect(fromApi.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers a preflight without Allow, where the API lists the methods in Allow', async () => {
    const [fromMock, fromApi] = await both({
      method: 'OPTIONS',
      path: '/customers',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PUT' },
    });

    expect([fromMock.status, fromApi.status]).toEqual([204, 204]);
    expect(fromMock.headers.get('allow')).toBeNull();
    expect(fromApi.headers.get('allow')).toBe(allowHeader('/customers'));
  });

  it('accepts a JSON object that repeats a key, which the API refuses with 400 {message}', async () => {
    const [fromMock, fromApi] = await both({
      method: 'PUT',
      path: '/customers',
      headers: JSON_HEADERS,
      body: '{"id":"cust-dup-a","id":"cust-dup-b"}',
    });

    expect([fromMock.status, fromApi.status]).toEqual([200, 400]);
    expect(fromApi.json).toEqual(responseExamples('putCustomer', 400).find((e) => e.name === 'duplicateKey')?.value);
    for (const id of ['cust-dup-a', 'cust-dup-b']) {
      expect((await send(api.url, getId(id))).json).toEqual({ id, customerInDB: false });
    }
  });

  it('refuses a body that starts with a byte order mark, like the API, but with its own body', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"cust-bom"}')]);
    const [fromMock, fromApi] = await both({ method: 'PUT', path: '/customers', headers: JSON_HEADERS, body });

    expect([fromMock.status, fromApi.status]).toEqual([400, 400]);
    expect(fromApi.json).toEqual(responseExamples('putCustomer', 400).find((e) => e.name === 'byteOrderMark')?.value);
    expect(fromMock.json).not.toHaveProperty('message');
    expect((await send(api.url, getId('cust-bom'))).json).toEqual({ id: 'cust-bom', customerInDB: false });
  });
});

describe('Prism mock: documented differences from the API', () => {
  it('answers an unknown path with 404 like the API, but with a problem+json body instead of {message}', async () => {
    const request = { method: 'GET', path: '/orders' };
    const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

    expect([fromMock.status, fromApi.status]).toEqual([404, 404]);
    expect(fromApi.json).toEqual({ message: expect.any(String) });
    expect(fromMock.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(fromMock.json).toMatchObject({ status: 404, title: expect.any(String) });
  });

  it('answers an unsupported method with 405 like the API, but with a problem+json body and no Allow header', async () => {
    const request = { method: aMethodNotInSpec('/customers'), path: '/customers?id=cust-4f9a2c' };
    const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

    expect([fromMock.status, fromApi.status]).toEqual([405, 405]);
    expect(fromApi.headers.get('allow')).toBe(allowHeader('/customers'));
    expect(fromMock.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(fromMock.json).toMatchObject({ status: 405 });
  });

  it('answers malformed JSON with 400 like the API, but with its own body instead of {message}', async () => {
    const request = putBody('{"id": "cust-4f9a2c"');
    const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

    expect([fromMock.status, fromApi.status]).toEqual([400, 400]);
    expect(fromMock.json).not.toHaveProperty('message');
  });

  it('refuses a repeated id with 400, where the API uses the last value', async () => {
    const request = { method: 'GET', path: '/customers?id=cust-1&id=cust-2' };
    const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

    expect([fromMock.status, fromApi.status]).toEqual([400, 200]);
    expect(fromApi.json).toEqual({ id: 'cust-2', customerInDB: false });
  });

  it('refuses a body over 10 MB with 413 like the API, but with its own body instead of {message}', async () => {
    const request = putBody({ id: 'cust-4f9a2c', padding: 'x'.repeat(10 * 1024 * 1024) });
    const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

    expect([fromMock.status, fromApi.status]).toEqual([413, 413]);
    expect(fromApi.json).toEqual(responseExamples('putCustomer', 413)[0]?.value);
    expect(fromMock.json).not.toHaveProperty('message');
  });

  it('refuses a PUT without Content-Type, which the API reads as JSON', async () => {
    const request = { method: 'PUT', path: '/customers', body: JSON.stringify({ id: 'cust-4f9a2c' }) };
    // fetch adds text/plain to a string body; a Blob without a type sends no Content-Type at all.
    const [fromMock, fromApi] = await Promise.all(
      [mock.url, api.url].map((url) =>
        fetch(`${url}/customers`, { method: 'PUT', headers: { 'x-api-key': API_KEY }, body: new Blob([request.body]) }),
      ),
    );

    expect([fromMock?.status, fromApi?.status]).toEqual([400, 200]);
  });

  it.each([
    ['GET', getId('cust-4f9a2c')],
    ['PUT', putBody({ id: 'cust-4f9a2c' })],
  ])(
    '%s without an API key: 401 with the spec’s 401 example, where the API answers 403 Forbidden',
    async (_, request) => {
      const [fromMock, fromApi] = await Promise.all([
        send(mock.url, { ...request, withoutKey: true }),
        send(api.url, { ...request, withoutKey: true }),
      ]);

      expect([fromMock.status, fromApi.status]).toEqual([401, 403]);
      expect(fromMock.json).toEqual(responseExamples('getCustomer', 401)[0]?.value);
      expect(fromApi.json).toEqual(responseExamples('getCustomer', 403)[0]?.value);
      expectConformsToSpec(request.method, `${mock.url}${request.path}`, { ...fromMock, body: fromMock.json });
      expectConformsToSpec(request.method, `${api.url}${request.path}`, { ...fromApi, body: fromApi.json });
    },
  );

  it('accepts any API key, where the API refuses one it does not know with 403', async () => {
    const request = { ...getId('cust-4f9a2c'), headers: { 'x-api-key': 'a-key-nobody-was-given-000' } };
    const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

    expect([fromMock.status, fromApi.status]).toEqual([200, 403]);
  });

  it('answers a CORS preflight without a key and allows the x-api-key header, like the API', async () => {
    const request = {
      method: 'OPTIONS',
      path: '/customers',
      withoutKey: true,
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,x-api-key',
      },
    };
    const [fromMock, fromApi] = await Promise.all([send(mock.url, request), send(api.url, request)]);

    for (const response of [fromMock, fromApi]) {
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/x-api-key/);
    }
  });
});
