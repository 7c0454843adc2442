/** A customer store in memory, for unit tests of the handler (the real store runs against dynalite elsewhere). */
import type { CustomerStore } from '../../src/api/customer-store.js';

export class MemoryStore implements CustomerStore {
  readonly ids = new Set<string>();
  async exists(id: string) {
    return this.ids.has(id);
  }
  async put(id: string) {
    const created = !this.ids.has(id);
    this.ids.add(id);
    return { created };
  }
}
