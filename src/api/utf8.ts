/** Text that must be UTF-8 (a body, a query string, a header the API reads), decoded strictly in this one place. */
import { BadRequestError } from './errors.js';

/**
 * Fails on bytes that are not UTF-8 instead of replacing them with U+FFFD, and keeps a leading byte order mark
 * (U+FEFF) instead of dropping it silently: `%EF%BB%BFabc` is not the id `abc`, and a body's BOM is refused.
 */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` as text; a BadRequestError naming `location` (cut to 100 characters) when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, location: string): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    const where = location.length > 100 ? `${location.slice(0, 100)}…` : location;
    throw new BadRequestError([{ location: where, message: 'is not valid UTF-8' }]);
  }
}
