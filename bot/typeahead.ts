import { z } from 'zod';
import { fieldErrorsOf, optionalText } from '../src/domain';
import { errorsFrom } from './dialogs/stepHelpers';
import { CUSTOMER_DATASET } from './dialogs/customerStep';
import { suggestCustomers, type TypeaheadQuery } from './dialogs/customerTypeahead';
import { searchError, searchResults, type SearchResult } from './searchResponse';
import type { Turn } from './turn';
import type { SearchInvokeResponse } from 'botbuilder';

/**
 * Teams' dynamic type-ahead (`Input.ChoiceSet` with `choices.data` Data.Query): each keystroke arrives as an invoke
 * `application/search` naming the card's dataset. The value is checked here; each dataset has its handler.
 */

type DatasetHandler = (turn: Turn, q: TypeaheadQuery) => Promise<SearchResult[]>;
const DATASETS: Record<string, DatasetHandler> = { [CUSTOMER_DATASET]: suggestCustomers };

/** Teams shows at most 15 suggestions (and asks for 15): more are never sent. */
export const MAX_SUGGESTIONS = 15;

const count = (min: number, max: number) => z.number({ error: 'invalid' }).int({ error: 'invalid' }).min(min, { error: 'invalid' }).max(max, { error: 'invalid' });

export const SearchInvokeSchema = z.object({
  dataset: z.string({ error: 'required' }).refine((d) => Object.hasOwn(DATASETS, d), { error: 'invalidChoice' }),
  queryText: optionalText(200),
  queryOptions: z
    .object({ skip: count(0, 1_000).default(0), top: count(1, 1_000).default(MAX_SUGGESTIONS) })
    .default({ skip: 0, top: MAX_SUGGESTIONS }),
  /** The card's inputs (associatedInputs: auto). */
  data: z.record(z.string(), z.unknown()).optional(),
});

/** Answers one `application/search` invoke: the suggestions, or 400 with what was wrong, per field, in the reader's language. */
export async function answerSearch(turn: Turn, value: unknown): Promise<SearchInvokeResponse> {
  const parsed = SearchInvokeSchema.safeParse(value);
  if (!parsed.success) {
    const errors = errorsFrom(fieldErrorsOf(parsed.error), turn.locale);
    return searchError(400, 'BadRequest', Object.entries(errors).map(([field, message]) => `${field}: ${message}`).join(' '));
  }
  const { dataset, queryText, queryOptions, data } = parsed.data;
  const top = Math.min(queryOptions.top, MAX_SUGGESTIONS);
  const results = await DATASETS[dataset]!(turn, { text: queryText, skip: queryOptions.skip, top, inputs: data ?? {} });
  return searchResults(results.slice(0, top));
}
