/** The HTTP methods an OpenAPI 3.0 path item may hold an operation for (its keys, in lower case). */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The safe ones (RFC 9110 §9.2.1): a request with one asks the server to change nothing. */
export const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(['get', 'head', 'options', 'trace']);
