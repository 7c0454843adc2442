/**
 * The node:crypto stand-in of the client package's MSW handlers (src/build/shims/sha256-node-crypto.mjs) against
 * node:crypto itself, on generated text of any length and Unicode: the same digest, or a precompiled validator would
 * not be found in a browser.
 */
import { createHash as nodeCreateHash, timingSafeEqual as nodeTimingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash, timingSafeEqual } from '../../src/build/shims/sha256-node-crypto.mjs';

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

  it('gives the digest as bytes, and compares bytes, as node:crypto does', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (a, b) => {
        const [ours, theirs] = [createHash('sha256').update(a).digest(), nodeCreateHash('sha256').update(a).digest()];
        const other = createHash('sha256').update(b).digest();
        return (
          Buffer.from(ours).equals(theirs) &&
          timingSafeEqual(ours, other) === nodeTimingSafeEqual(theirs, nodeCreateHash('sha256').update(b).digest())
        );
      }),
      { numRuns: 300 },
    );
    expect(() => timingSafeEqual(new Uint8Array(1), new Uint8Array(2))).toThrow(RangeError);
  });

  it('refuses what it cannot do rather than answer wrongly', () => {
    expect(() => createHash('md5')).toThrow(/only sha256/);
    expect(() => createHash('sha256').update('x').digest('hex')).toThrow(/only base64url/);
  });
});
