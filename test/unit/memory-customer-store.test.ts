/**
 * src/api/memory-customer-store.ts: the one in-memory stand-in for the DynamoDB store (tests, benchmarks, the MSW
 * handlers), and the fault wrapper every failing double is made with.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { failingStore, MemoryCustomerStore, withFaults } from '../../src/api/memory-customer-store.js';

const methodsOf = (prototype: object) =>
  Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .sort();

describe('the store in memory', () => {
  it('has every method the DynamoDB store has, and no other', () => {
    expect(methodsOf(MemoryCustomerStore.prototype)).toEqual(methodsOf(DynamoDbCustomerStore.prototype));
  });

  it('finds what it holds, and tells whether a write added the id', async () => {
    const store = new MemoryCustomerStore(['there']);
    expect([await store.exists('there'), await store.exists('new')]).toEqual([true, false]);
    expect([await store.put('new'), await store.put('new')]).toEqual([{ created: true }, { created: false }]);
    expect([...store.ids].sort()).toEqual(['new', 'there']);
  });
});

describe('a store with faults', () => {
  it('rejects every call of every method with the error, and leaves the store untouched', async () => {
    const error = new Error('down');
    const store = failingStore(error);
    for (const method of methodsOf(MemoryCustomerStore.prototype)) {
      await expect((store as unknown as Record<string, (id: string) => Promise<unknown>>)[method]?.('x')).rejects.toBe(
        error,
      );
    }
  });

  it('asks for each call by method name, and calls the store when there is no fault', async () => {
    const memory = new MemoryCustomerStore();
    const asked: string[] = [];
    const store = withFaults(memory, (method) => {
      asked.push(method);
      return method === 'exists' ? new Error('lookup down') : undefined;
    });
    expect(await store.put('a')).toEqual({ created: true });
    await expect(store.exists('a')).rejects.toThrow('lookup down');
    expect(asked).toEqual(['put', 'exists']);
    expect([...memory.ids]).toEqual(['a']);
  });

  it('passes a property that is no method through as it is', () => {
    const memory = new MemoryCustomerStore(['a']);
    expect((withFaults(memory, () => new Error('down')) as MemoryCustomerStore).ids).toBe(memory.ids);
  });
});
