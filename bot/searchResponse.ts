import type { SearchInvokeResponse } from 'botbuilder';

/**
 * The answers to Teams' `application/search` invoke (an Adaptive Card's dynamic type-ahead, Data.Query): the
 * suggestions, or an error in the shape Teams documents for invoke errors. botbuilder sends them as the invoke's
 * body with the HTTP status taken from `statusCode`.
 */

export interface SearchResult {
  /** What the user reads in the drop-down (plain text). */
  title: string;
  /** What the card submits when it is picked. */
  value: string;
}

export const SEARCH_RESPONSE_TYPE = 'application/vnd.microsoft.search.searchResponse';
const ERROR_TYPE = 'application/vnd.microsoft.error';

export function searchResults(results: readonly SearchResult[]): SearchInvokeResponse {
  return { statusCode: 200, type: SEARCH_RESPONSE_TYPE, value: { results } };
}

export function searchError(statusCode: 400 | 500, code: 'BadRequest' | 'InternalError', message: string): SearchInvokeResponse {
  return { statusCode, type: ERROR_TYPE, value: { code, message } };
}
