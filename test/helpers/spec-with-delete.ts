/**
 * The spec with one more operation, as a developer following "Adding an operation" (test/README.md) would write it:
 * `DELETE /customers?id=…`, 204 without content when the id was removed, 404 `{message}` when it was not there, with
 * GET's id parameter (and its examples) and error responses. Dereferenced, as the generated document is.
 */
import { openapiDocument } from '../../src/generated/openapi-document.js';

type JsonObject = Record<string, unknown>;

export function specWithDelete(): object {
  const spec = structuredClone(openapiDocument) as unknown as { paths: Record<string, Record<string, JsonObject>> };
  const customers = spec.paths['/customers'] as Record<string, JsonObject>;
  const get = customers.get as { security: unknown; parameters: unknown[]; responses: Record<string, JsonObject> };
  // a bodiless answer carries no Cache-Control (src/api/finish-response.ts)
  const { 'Cache-Control': _, ...headers } = (get.responses['200']?.headers ?? {}) as JsonObject;
  customers.delete = {
    operationId: 'deleteCustomer',
    summary: 'Remove a customer id',
    security: get.security,
    parameters: get.parameters,
    responses: {
      '204': { description: 'The id was removed.', headers },
      '404': { ...get.responses['500'], description: 'The id was not there.' },
      ...Object.fromEntries(Object.entries(get.responses).filter(([status]) => Number(status) >= 400)),
    },
  };
  return spec;
}
