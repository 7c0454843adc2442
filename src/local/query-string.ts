/**
 * A query string read as API Gateway reads it for the proxy event, in this one place for the local server
 * (proxy-event.ts) and the MSW handlers (src/client/client-msw.ts): percent-decoded, but bytes that are not UTF-8 are
 * refused (the API's `notUtf8` 400) instead of replaced with U+FFFD as URLSearchParams would.
 */
import { decodeUtf8 } from '../api/utf8.js';

/**
 * The query string's name/value pairs, percent-decoded as URLSearchParams does (`+` is a space, a malformed escape
 * stays as it is) except that bytes which are not UTF-8 are refused instead of replaced.
 */
export function queryEntries(search: string): [string, string][] {
  const entries: [string, string][] = [];
  if (search.length <= 1) return entries;
  for (const part of search.slice(1).split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const rawName = equals === -1 ? part : part.slice(0, equals);
    const name = decodeQueryComponent(rawName, 'query');
    const value = decodeQueryComponent(equals === -1 ? '' : part.slice(equals + 1), `query.${name}`);
    entries.push([name, value]);
  }
  return entries;
}

function decodeQueryComponent(raw: string, location: string): string {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%') && isAscii(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes.toString('latin1', i + 1, i + 3);
    if (bytes[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes[length++] = Number.parseInt(hex, 16);
      i += 2;
    } else {
      bytes[length++] = bytes[i] as number;
    }
  }
  return decodeUtf8(bytes.subarray(0, length), location);
}

export function isAscii(text: string): boolean {
  return !/[\u0080-\uffff]/.test(text);
}
