/**
 * src/api/cors.ts: which CORS headers an answer carries, for each kind of allowed-origins setting, and which headers the
 * API's answers expose to a script.
 */
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { Contract } from '../../src/api/contract.js';
import { corsHeaders, headersToExpose, preflightHeaders } from '../../src/api/cors.js';
import type { CustomerStore } from '../../src/api/customer-store.js';
import { StoreUnavailableError } from '../../src/api/errors.js';
import { createLogger } from '../../src/api/logger.js';
import { failingStore, MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import { readHandlerConfig } from '../../src/shared/config.js';
import { captureLogLines } from '../helpers/log-lines.js';
import { proxyEvent } from '../helpers/proxy-events.js';
import { aMethodNotInSpec } from '../helpers/spec-methods.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const OTHER = 'https://other.example.net';

describe('corsHeaders', () => {
  it('allows any origin with *, whether or not the request names one, and says no Vary', () => {
    expect(corsHeaders(APP, ['*'])).toEqual({ 'Access-Control-Allow-Origin': '*' });
    expect(corsHeaders(undefined, ['*'])).toEqual({ 'Access-Control-Allow-Origin': '*' });
    expect(corsHeaders(OTHER, [APP, '*'])).toEqual({ 'Access-Control-Allow-Origin': '*' });
  });

  it.each([
    ['one listed origin', [APP]],
    ['several', [ADMIN, APP]],
  ])('with %s, names a listed origin and varies on Origin', (_case, allowed) => {
    expect(corsHeaders(APP, allowed)).toEqual({ 'Access-Control-Allow-Origin': APP, Vary: 'Origin' });
  });

  it.each([
    ['one listed origin', [APP], OTHER],
    ['several', [ADMIN, APP], OTHER],
    ['one, to a request without an Origin', [APP], undefined],
    ['one, to an origin that differs only in case', [APP], APP.toUpperCase()],
    ['one, to an empty Origin', [APP], ''],
  ])('with %s, names no origin but still varies on Origin', (_case, allowed, origin) => {
    expect(corsHeaders(origin, allowed)).toEqual({ Vary: 'Origin' });
  });
});

describe('preflightHeaders', () => {
  it('lists the allowed methods, the request headers a browser may send and how long to cache the answer', () => {
    expect(preflightHeaders(['GET', 'PUT', 'OPTIONS'])).toEqual({
      'Access-Control-Allow-Methods': 'GET,PUT,OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type,Authorization,X-Api-Key,X-Amz-Date,X-Amz-Security-Token',
      'Access-Control-Max-Age': '600',
    });
  });
});

describe('headersToExpose (the one rule for the API and the gateway)', () => {
  it('names the headers a browser hides from a script, and nothing safelisted or CORS', () => {
    expect(headersToExpose(['Content-Type', 'Retry-After', 'Cache-Control', 'Access-Control-Allow-Origin'])).toBe(
      'Retry-After',
    );
    expect(headersToExpose(['WWW-Authenticate', 'Retry-After', 'Retry-After'])).toBe('WWW-Authenticate, Retry-After');
    expect(headersToExpose(['Content-Type', 'Cache-Control'])).toBeUndefined();
  });

  it.each([
    'Cache-Control',
    'Content-Language',
    'Content-Length',
    'Content-Type',
    'Expires',
    'Last-Modified',
    'Pragma',
  ])('leaves out %s, a CORS-safelisted response header (Fetch standard), whatever its case', (name) => {
    expect(headersToExpose([name, 'Retry-After'])).toBe('Retry-After');
    expect(headersToExpose([name.toUpperCase()])).toBeUndefined();
  });
});

describe('Access-Control-Expose-Headers on the API’s answers', () => {
  function handlerWith(store: CustomerStore) {
    captureLogLines();
    return createApiHandler({
      contract: new Contract(),
      store,
      config: { ...readHandlerConfig({}), corsAllowedOrigins: [APP] },
      logger: createLogger('info'),
    });
  }
  const unavailable = failingStore(new StoreUnavailableError({ cause: new Error('down') }));

  it('names Retry-After on a 503, so a script in a browser can read it', async () => {
    const result = await handlerWith(unavailable)(
      proxyEvent({ headers: { Origin: APP }, queryStringParameters: { id: 'c-1' } }),
    );
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({
      'Retry-After': '1',
      'Access-Control-Expose-Headers': 'Retry-After',
      'Access-Control-Allow-Origin': APP,
    });
  });

  it('names Allow on a 405', async () => {
    const result = await handlerWith(new MemoryCustomerStore())(
      proxyEvent({ httpMethod: aMethodNotInSpec('/customers') }),
    );
    expect(result.statusCode).toBe(405);
    expect(result.headers?.['Access-Control-Expose-Headers']).toBe('Allow');
  });

  it.each([
    ['a 200', proxyEvent({ queryStringParameters: { id: 'c-1' } }), 200],
    ['a 400', proxyEvent({ queryStringParameters: { id: 'a b' } }), 400],
  ])('sends none on %s, which carries no such header', async (_, event, status) => {
    const result = await handlerWith(new MemoryCustomerStore())(event);
    expect(result.statusCode).toBe(status);
    expect(result.headers).not.toHaveProperty('Access-Control-Expose-Headers');
  });
});
