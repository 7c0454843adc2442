/**
 * The API's operations, keyed by operationId and typed from the generated `operations`: an operation added to the
 * spec without a handler, or a handler returning the wrong shape, does not compile.
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

/** What a handler returns: the body of its 200 response. */
export type OperationResult<Op extends OperationId> = JsonContent<operations[Op]['responses'][200]>;

export type OperationHandlers = {
  readonly [Op in OperationId]: (input: OperationInput<Op>) => Promise<OperationResult<Op>>;
};

export function createOperations(store: CustomerStore): OperationHandlers {
  return {
    async getCustomer({ query }) {
      return { id: query.id, customerInDB: await store.exists(query.id) };
    },
    async putCustomer({ body }) {
      const { created } = await store.put(body.id);
      return { customer: { id: body.id }, message: 'success', created };
    },
  };
}
