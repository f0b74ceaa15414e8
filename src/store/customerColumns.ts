import type { CustomerData } from '../domain';
import { searchKey } from './searchKey';

/** A directory entry's columns (the search key derived from the name); the import and the intake write the same. */
export function customerColumns(c: CustomerData) {
  return {
    name: c.name,
    searchName: searchKey(c.name),
    addressLine1: c.addressLine1 ?? null,
    city: c.city ?? null,
    state: c.state ?? null,
    postalCode: c.postalCode ?? null,
    country: c.country,
  };
}
