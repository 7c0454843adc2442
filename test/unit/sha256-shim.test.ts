/**
 * The node:crypto stand-in of the client package's MSW handlers (src/build/shims/sha256-node-crypto.mjs) against
 * node:crypto itself, on generated text of any length and Unicode: the same digest, or a precompiled validator would
 * not be found in a browser.
 */
import { createHash as nodeCreateHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from '../../src/build/shims/sha256-node-crypto.mjs';

const node = (text: string) => nodeCreateHash('sha256').update(text).digest('base64url');
const shim = (text: string) => createHash('sha256').update(text).digest('base64url');

describe('the sha256 stand-in for node:crypto', () => {
  it('digests as node:crypto does, around each block boundary and on any Unicode text', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000])
      expect(shim('a'.repeat(length))).toBe(node('a'.repeat(length)));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => shim(text) === node(text)),
      {
        numRuns: 500,
      },
    );
  });

  it('refuses what it cannot do rather than answer wrongly', () => {
    expect(() => createHash('md5')).toThrow(/only sha256/);
    expect(() => createHash('sha256').update('x').digest('hex')).toThrow(/only base64url/);
  });
});
