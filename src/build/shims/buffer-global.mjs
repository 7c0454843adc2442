// The `Buffer` the API's request handler reads a base64 body with, for the client package's MSW handlers (esbuild's
// `inject`: only where the bundle names `Buffer`): Node's own where there is one, else the `buffer` package's.
import { Buffer as BufferPolyfill } from 'buffer';

export const Buffer = globalThis.Buffer ?? BufferPolyfill;
