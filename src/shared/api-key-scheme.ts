/**
 * Where an API key goes, read from the spec's security schemes (openapi/openapi.yaml names the header once; the
 * runtime document keeps the schemes): the API-key gate reads the key from it, and the local server decodes it
 * strictly as text.
 */
import type { Document } from 'openapi-backend';

/**
 * The header API keys travel in: API Gateway reads keys from this one only, so the spec's `apiKey` scheme names it
 * (infra/auth.ts refuses a spec whose scheme names another; test/unit/spec-security.test.ts holds the spec to it).
 * The local gateway layer reads keys from it as API Gateway does; the typed client sends keys in it.
 */
export const API_KEY_HEADER = 'x-api-key';

type SecurityScheme = { readonly type?: string; readonly in?: string; readonly name?: string };

/**
 * The headers (lower case) of the `apiKey` schemes sent in a header, among `schemeNames` (a security requirement's
 * keys) or, without them, among all the document's schemes.
 */
export function apiKeyHeaders(document: Document, schemeNames?: Iterable<string>): string[] {
  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, SecurityScheme | undefined>;
  const headers: string[] = [];
  for (const name of schemeNames ?? Object.keys(schemes)) {
    const scheme = Object.hasOwn(schemes, name) ? schemes[name] : undefined;
    if (scheme?.type === 'apiKey' && scheme.in === 'header' && scheme.name) headers.push(scheme.name.toLowerCase());
  }
  return headers;
}
