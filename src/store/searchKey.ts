/**
 * The form customer names are stored in (Customer.searchName) and queried with. The rule is the domain's
 * (src/domain/normalize.ts); this re-export keeps the stores' imports short.
 */
export { searchKey } from '../domain';
