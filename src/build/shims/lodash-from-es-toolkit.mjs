// Stands in for lodash inside the Lambda bundle. openapi-backend's router, validator and utils require the whole of
// lodash (~72 KiB minified) for a handful of functions; es-toolkit/compat implements the same functions with
// lodash's semantics (es-toolkit tests it against lodash's own test cases) and tree-shakes to ~17 KiB. Only the
// functions openapi-backend calls are exported, plus `chain` for the two chains in its router.
// test/unit/lodash-stand-in.test.ts checks that every lodash function openapi-backend uses is here and that
// openapi-backend answers the same with it.
import { find, flatMap, orderBy, toPairs } from 'es-toolkit/compat';

/** lodash's explicit chain, with the methods openapi-backend's router chains: entries, flatMap, orderBy, find. */
class Chain {
  constructor(value) {
    this.wrapped = value;
  }
  entries() {
    return new Chain(toPairs(this.wrapped));
  }
  flatMap(iteratee) {
    return new Chain(flatMap(this.wrapped, iteratee));
  }
  orderBy(iteratees, orders) {
    return new Chain(orderBy(this.wrapped, iteratees, orders));
  }
  find(predicate) {
    return new Chain(find(this.wrapped, predicate));
  }
  value() {
    return this.wrapped;
  }
}

export const chain = (value) => new Chain(value);
export {
  cloneDeep,
  find,
  flatMap,
  flatten,
  get,
  includes,
  isEmpty,
  isNil,
  keys,
  mapKeys,
  omitBy,
  orderBy,
  pick,
  range,
  toPairs as entries,
  uniq,
} from 'es-toolkit/compat';
