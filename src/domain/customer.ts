import { z } from 'zod';
import { CountrySchema, DunsSchema, optionalText, requiredText } from './fields';

/** A new or imported customer, validated the same way wherever it comes from (wizard form, CSV row). */
export const NewCustomerSchema = z.object({
  name: requiredText(200),
  addressLine1: requiredText(300),
  city: optionalText(100),
  state: optionalText(100),
  postalCode: optionalText(20),
  country: CountrySchema,
  duns: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), DunsSchema.optional()),
});
export type NewCustomer = z.output<typeof NewCustomerSchema>;
