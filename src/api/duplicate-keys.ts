/**
 * Finds a key a JSON object repeats (`{"id":"a","id":"b"}`): JSON.parse keeps the last one silently, so a firewall or
 * a log that reads the first would see another id than the one stored. JSON.parse cannot tell (a reviver sees only
 * the survivor), so the text is scanned: only when it could hold two keys, so the usual id body costs one indexOf.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** An open object: the keys seen so far, and whether the next string is a key. Null for an open array. */
interface ObjectFrame {
  readonly keys: Set<string>;
  atKey: boolean;
}

/**
 * The first key repeated within one object (as decoded: `"id"` and `"\u0069d"` are the same key), at any depth;
 * undefined when there is none. `json` must be valid JSON (it is checked by JSON.parse first).
 */
export function repeatedKey(json: string): string | undefined {
  // Two keys need two colons; a colon inside a string only makes the scan run.
  const colon = json.indexOf(':');
  if (colon === -1 || json.indexOf(':', colon + 1) === -1) return undefined;
  const open: (ObjectFrame | null)[] = [];
  for (let index = 0; index < json.length; index++) {
    const code = json.charCodeAt(index);
    if (code === QUOTE) {
      const start = index;
      let escaped = false;
      for (index++; ; index++) {
        const inner = json.charCodeAt(index);
        if (inner === QUOTE) break;
        if (inner === BACKSLASH) {
          escaped = true;
          index++;
        }
      }
      const frame = open[open.length - 1];
      if (frame?.atKey) {
        frame.atKey = false;
        const key = escaped ? (JSON.parse(json.slice(start, index + 1)) as string) : json.slice(start + 1, index);
        if (frame.keys.has(key)) return key;
        frame.keys.add(key);
      }
    } else if (code === OPEN_OBJECT) {
      open.push({ keys: new Set(), atKey: true });
    } else if (code === OPEN_ARRAY) {
      open.push(null);
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      open.pop();
    } else if (code === COMMA) {
      const frame = open[open.length - 1];
      if (frame) frame.atKey = true;
    }
  }
  return undefined;
}
