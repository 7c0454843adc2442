interface Hash {
  update(text: string): Hash;
  digest(): Uint8Array;
  digest(encoding: string): string;
}
export function createHash(algorithm: string): Hash;
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
