/** The HTTP methods an OpenAPI 3.0 path item may hold an operation for (its keys, in lower case). */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type HttpMethod = (typeof HTTP_METHODS)[number];
