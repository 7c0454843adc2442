/**
 * The customer store in memory: the one stand-in for DynamoDbCustomerStore, used by the MSW handlers
 * (src/client/client-msw.ts), the unit tests and the benchmarks, so a new store method is written here once. It
 * imports nothing at run time (no AWS SDK): the client package bundles it.
 */
import type { CustomerStore } from './customer-store.js';

export class MemoryCustomerStore implements CustomerStore {
  /** The ids stored, for a test to read or a mock to reset. */
  readonly ids: Set<string>;

  constructor(ids: Iterable<string> = []) {
    this.ids = new Set(ids);
  }

  async exists(id: string): Promise<boolean> {
    return this.ids.has(id);
  }

  async put(id: string): Promise<{ created: boolean }> {
    const created = !this.ids.has(id);
    this.ids.add(id);
    return { created };
  }
}

/** The name of a store method: what `withFaults` asks about. */
export type StoreMethod = keyof CustomerStore;

/**
 * `store` with every call of every method first put to `fault` (with the method's name): when it returns an error
 * (anything but undefined) the call rejects with it and `store` is not called. Every method, present and future, is
 * wrapped alike, so a fault double needs no edit when the store gains one.
 */
export function withFaults(store: CustomerStore, fault: (method: StoreMethod) => unknown): CustomerStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const error = fault(name as StoreMethod);
        if (error !== undefined) throw error;
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** A store whose every call rejects with `error`. */
export function failingStore(error: unknown): CustomerStore {
  return withFaults(new MemoryCustomerStore(), () => error);
}
