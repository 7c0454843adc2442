/**
 * The API's operations, keyed by operationId and typed from the generated `operations`: an operation added to the
 * spec without a handler, or a handler returning a status or body its spec does not document, does not compile.
 */

import type { operations } from '../generated/openapi-types.js';
import type { CustomerStore } from './customer-store.js';

export type OperationId = keyof operations;

type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** What a handler receives: the validated query and body. Undeclared query parameters are dropped before. */
export interface OperationInput<Op extends OperationId> {
  readonly query: operations[Op]['parameters'] extends { query: infer Query } ? Query : Record<string, never>;
  readonly body: JsonContent<operations[Op]['requestBody']>;
}

/** The success statuses HTTP defines; an operation's handler answers those of them its spec documents. */
type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206;

/** One documented success response: its status, and its JSON body when the spec gives it content. */
type SuccessResponse<Response, Status> = Response extends { content: { 'application/json': infer Body } }
  ? { readonly status: Status; readonly body: Body }
  : { readonly status: Status; readonly body?: undefined };

/** The success responses a `responses` object of the generated types documents, as a handler returns them. */
export type SuccessResult<Responses> = {
  [Status in Extract<keyof Responses, SuccessStatus>]: SuccessResponse<Responses[Status], Status>;
}[Extract<keyof Responses, SuccessStatus>];

/** What a handler returns: one of the success responses its spec documents (a 204 has no body). */
export type OperationResult<Op extends OperationId> = SuccessResult<operations[Op]['responses']>;

export type OperationHandlers = {
  readonly [Op in OperationId]: (input: OperationInput<Op>) => Promise<OperationResult<Op>>;
};

export function createOperations(store: CustomerStore): OperationHandlers {
  return {
    async getCustomer({ query }) {
      return { status: 200, body: { id: query.id, customerInDB: await store.exists(query.id) } };
    },
    async putCustomer({ body }) {
      const { created } = await store.put(body.id);
      return { status: 200, body: { customer: { id: body.id }, message: 'success', created } };
    },
  };
}
