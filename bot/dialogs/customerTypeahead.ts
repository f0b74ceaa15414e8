import { cleanText } from '../../cards/markdown';
import { CountrySchema, optionalText } from '../../src/domain';
import type { SearchResult } from '../searchResponse';
import type { Turn } from '../turn';
import { describeCustomer } from './customerStep';
import { wizardFor } from './lazyWizard';

/**
 * R6 as the user types: the suggestions for the customer step's type-ahead (Data.Query dataset `customers`). The same
 * directory search as the Search button, in the country and city the card holds when Teams sends them along
 * (associatedInputs), else by the name alone. Only for someone with a role whose wizard here is on the customer step;
 * anyone else gets no suggestions (not an error: the drop-down just stays empty).
 */

export interface TypeaheadQuery {
  /** What the user typed (trimmed; undefined when blank). */
  text?: string;
  skip: number;
  top: number;
  /** The card's other inputs, as Teams sent them (untrusted). */
  inputs: Record<string, unknown>;
}

/** A title is plain text in the drop-down: no line breaks or invisible characters, and not endless. */
const MAX_TITLE = 300;
function plainTitle(text: string): string {
  const flat = cleanText(text).replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TITLE ? `${flat.slice(0, MAX_TITLE - 1)}…` : flat;
}

const CitySchema = optionalText(100);

export async function suggestCustomers(turn: Turn, q: TypeaheadQuery): Promise<SearchResult[]> {
  if (!q.text || turn.actor.role === null) return [];
  if ((await (await wizardFor(turn.services)).currentStep(turn)) !== 'customer') return [];
  const country = CountrySchema.safeParse(q.inputs.country);
  const city = CitySchema.safeParse(q.inputs.city);
  const { customers } = await turn.services.customers.suggest(
    { country: country.success ? country.data : null, city: city.success ? city.data : null, query: q.text },
    q.skip + q.top,
  );
  return customers.slice(q.skip).map((c) => ({ title: plainTitle(describeCustomer(c, turn)), value: c.id }));
}
