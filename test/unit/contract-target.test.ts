/**
 * How the contract suite finds its way on a deployed target: the spec's path under any base URL (a stage, a custom
 * domain with or without a base path), and the read-only switch that keeps it from writing to production.
 */
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, SAFE_METHODS } from '../../src/shared/http-methods.js';
import { contractReadOnly, ReadOnlyViolation, startTarget, WRITE_METHODS, writeMethods } from '../contract/target.js';
import { specPath } from '../helpers/contract-assertions.js';

describe('specPath', () => {
  it.each([
    [
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/customers?id=a',
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      '/customers',
    ],
    ['https://api.example.com/customers-v1/customers', 'https://api.example.com/customers-v1/', '/customers'],
    ['https://api.example.com/team/customers-v1/customers', 'https://api.example.com/team/customers-v1', '/customers'],
    ['https://api.example.com/customers?id=a', 'https://api.example.com', '/customers'],
    ['http://127.0.0.1:3000/customer', undefined, '/customer'],
    [
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      '/',
    ],
  ])('reads %s under %s as %s', (url, base, path) => {
    expect(specPath(url, base)).toBe(path);
  });

  it.each([
    ['https://api.example.com/production/customers', 'https://api.example.com/prod'],
    ['https://other.example.com/prod/customers', 'https://api.example.com/prod'],
  ])('refuses %s, which is not under %s', (url, base) => {
    expect(() => specPath(url, base)).toThrow(/not under the API's base URL/);
  });
});

describe('CONTRACT_READ_ONLY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
  ])('reads %j as %s', (value, readOnly) => {
    expect(contractReadOnly(value === undefined ? {} : { CONTRACT_READ_ONLY: value })).toBe(readOnly);
  });

  it('refuses a value that is neither true nor false, naming the setting', () => {
    expect(() => contractReadOnly({ CONTRACT_READ_ONLY: 'yes' })).toThrow(/CONTRACT_READ_ONLY must be true or false/);
  });

  it('derives the writes from the methods of src/shared/http-methods.ts: every unsafe one a document holds, nothing else', () => {
    const item = Object.fromEntries([...HTTP_METHODS.map((method) => [method, {}]), ['parameters', []]]);
    expect([...writeMethods({ paths: { '/a': item } })].sort()).toEqual(['DELETE', 'PATCH', 'POST', 'PUT']);
    expect([...writeMethods({ paths: { '/a': { get: {}, head: {}, summary: 'x' }, '/b': { delete: {} } } })]).toEqual([
      'DELETE',
    ]);
    for (const method of HTTP_METHODS) {
      expect(writeMethods({ paths: { '/a': { [method]: {} } } }).has(method.toUpperCase())).toBe(
        !SAFE_METHODS.has(method),
      );
    }
  });

  it("counts the spec's PUT as a write, and its GET as none", () => {
    expect(WRITE_METHODS.has('PUT')).toBe(true);
    expect(WRITE_METHODS.has('GET')).toBe(false);
  });

  it('refuses to authenticate a write when read-only, and records every request it authenticates', async () => {
    const env = { API_URL: 'https://api.example.com/prod', API_KEY: 'k', CONTRACT_READ_ONLY: 'true' };
    const target = await startTarget(env);
    const get = { method: 'GET', url: `${target.baseUrl}/customers?id=a`, headers: {} };
    expect(await target.credentials(get)).toEqual({ 'x-api-key': 'k' });
    const put = { method: 'PUT', url: `${target.baseUrl}/customers`, headers: {}, body: '{"id":"a"}' };
    await expect(target.credentials(put)).rejects.toBeInstanceOf(ReadOnlyViolation);
    expect(target.authenticated).toEqual([get]);
  });

  it('authenticates a write when not read-only', async () => {
    const target = await startTarget({ API_URL: 'https://api.example.com/prod', API_KEY: 'k' });
    const put = { method: 'PUT', url: `${target.baseUrl}/customers`, headers: {} };
    expect(await target.credentials(put)).toEqual({ 'x-api-key': 'k' });
  });
});
