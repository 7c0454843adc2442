/**
 * The contract suite's SigV4 signing for a stage deployed with `-c auth=iam` (test/contract/sigv4.ts): no AWS account
 * here, so each signature is checked against one computed independently, step by step from AWS's description of
 * Signature Version 4 (canonical request, string to sign, derived key), with fixed credentials and time.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sigV4Signer } from '../contract/sigv4.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const DATE = new Date('2026-11-25T12:36:00Z');
const AMZ_DATE = '20261125T123600Z';
const STAGE = 'https://abcdef1234.execute-api.eu-west-1.amazonaws.com/prod';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
/** RFC 3986 encoding, as SigV4 wants for query names and values. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The Authorization header AWS expects, computed without the AWS SDK. */
function expectedAuthorization(method: string, url: string, headers: Record<string, string>, body = ''): string {
  const target = new URL(url);
  const query = [...target.searchParams.entries()]
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .sort()
    .join('&');
  // The signer also signs, and sends, the body's hash (x-amz-content-sha256).
  const all = { ...headers, host: target.host, 'x-amz-content-sha256': sha256(body), 'x-amz-date': AMZ_DATE };
  const names = Object.keys(all)
    .map((name) => name.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(all).map(([name, value]) => [name.toLowerCase(), value.trim()]));
  const canonicalHeaders = names.map((name) => `${name}:${lower[name]}\n`).join('');
  const canonicalRequest = [method, target.pathname, query, canonicalHeaders, names.join(';'), sha256(body)].join('\n');
  const scope = `${AMZ_DATE.slice(0, 8)}/eu-west-1/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', AMZ_DATE, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, AMZ_DATE.slice(0, 8));
  for (const part of ['eu-west-1', 'execute-api', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

describe('SigV4 signing for an IAM stage', () => {
  const sign = sigV4Signer(STAGE, { credentials: CREDENTIALS, signingDate: DATE });

  it('signs a GET with a Unicode query for execute-api in the region of the stage URL', async () => {
    const url = `${STAGE}/customers?id=${encodeURIComponent('müller 😀')}&b=1`;
    const added = await sign({ method: 'GET', url, headers: {} });
    expect(added['x-amz-date']).toBe(AMZ_DATE);
    expect(added.authorization).toBe(expectedAuthorization('GET', url, {}));
  });

  it('signs a PUT with its body and content type, and leaves the request’s own headers to the caller', async () => {
    const url = `${STAGE}/customers`;
    const headers = { 'content-type': 'application/json' };
    const body = '{"id":"cust-4f9a2c"}';
    const added = await sign({ method: 'PUT', url, headers, body });
    expect(added.authorization).toBe(expectedAuthorization('PUT', url, headers, body));
    expect(added['x-amz-content-sha256']).toBe(sha256(body));
    expect(added['content-type']).toBeUndefined();
  });

  it('gives a different signature for a different body: the body is signed', async () => {
    const url = `${STAGE}/customers`;
    const headers = { 'content-type': 'application/json' };
    const one = await sign({ method: 'PUT', url, headers, body: '{"id":"a"}' });
    const other = await sign({ method: 'PUT', url, headers, body: '{"id":"b"}' });
    expect(one.authorization).not.toBe(other.authorization);
  });
});
