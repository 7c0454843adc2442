export function createHash(algorithm: string): {
  update(text: string): { digest(encoding: string): string };
  digest(encoding: string): string;
};
