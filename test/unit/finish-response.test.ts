/**
 * The finishing step (src/api/finish-response.ts) on answers that already carry CORS headers: a gateway response
 * imported with its one static `Access-Control-Allow-Origin` keeps that value (AWS cannot echo the request's origin
 * there), and an answer without headers gets the API's CORS headers.
 */
import { describe, expect, it } from 'vitest';
import { fixedCorsOrigin } from '../../src/api/cors.js';
import { createResponseFinisher, type RequestSummary } from '../../src/api/finish-response.js';
import type { Logger } from '../../src/api/log-fields.js';

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const ORIGINS = ['https://app.example.com', 'https://admin.example.com'];
const finish = createResponseFinisher({ config: { corsAllowedOrigins: ORIGINS }, logger: SILENT });
const request = (origin: string): RequestSummary => ({ method: 'GET', path: '/customers', origin, started: 0 });

describe('the finishing step', () => {
  it('keeps the static origin of an answer that names one, where the API would echo the request’s', () => {
    // GIVEN a gateway response whose origin is the static value imported for several allowed origins
    const staticOrigin = fixedCorsOrigin(ORIGINS);
    expect(staticOrigin).not.toBe(ORIGINS[0]);
    const answer = finish(request(ORIGINS[0] as string), {
      result: {
        statusCode: 403,
        headers: { 'Access-Control-Allow-Origin': staticOrigin },
        body: '{"message":"Forbidden"}',
      },
    });
    // THEN the origin stays the static one, and the rest of the API's CORS headers are added
    expect(answer.headers?.['Access-Control-Allow-Origin']).toBe(staticOrigin);
    expect(answer.headers?.Vary).toBe('Origin');
  });

  it('gives an answer without headers the API’s CORS headers for an allowed origin', () => {
    const answer = finish(request(ORIGINS[1] as string), { result: { statusCode: 200, body: '{}' } });
    expect(answer.headers?.['Access-Control-Allow-Origin']).toBe(ORIGINS[1]);
    expect(answer.headers?.['Cache-Control']).toBe('no-store');
  });
});
