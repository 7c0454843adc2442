/** src/cors.ts on its own: which CORS headers an answer carries, for each kind of allowed-origins setting. */
import { describe, expect, it } from 'vitest';
import { corsHeaders, preflightHeaders } from '../../src/cors.js';

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
