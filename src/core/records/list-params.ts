// Parsing of the list query parameters: page, perPage, sort, filter, skipTotal.
import { badRequest } from '../errors/index.js';

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;
export const MAX_FILTER_LENGTH = 3500;
export const MAX_SORT_LENGTH = 2048;

export interface ListParams {
  page: number;
  perPage: number;
  sort: string;
  filter: string;
  skipTotal: boolean;
}

function intParam(value: string | null, name: string): number | null {
  if (value === null || value === '') return null;
  if (!/^[+-]?\d{1,15}$/.test(value.trim())) throw badRequest(`Invalid ${name} parameter.`);
  return Number(value);
}

/** Go's strconv.ParseBool set. */
function boolParam(value: string | null): boolean | null {
  if (value === null || value === '') return null;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw badRequest('Invalid skipTotal parameter.');
}

export function parseListParams(query: URLSearchParams): ListParams {
  const skipTotal = boolParam(query.get('skipTotal')) ?? false;
  let page = intParam(query.get('page'), 'page') ?? 1;
  let perPage = intParam(query.get('perPage'), 'perPage') ?? DEFAULT_PER_PAGE;
  if (page <= 0) page = 1;
  if (perPage <= 0) perPage = DEFAULT_PER_PAGE;
  if (perPage > MAX_PER_PAGE) perPage = MAX_PER_PAGE;
  // An OFFSET past what both engines take as an integer is not a page that can exist.
  if ((page - 1) * perPage > Number.MAX_SAFE_INTEGER) throw badRequest('Invalid page parameter.');
  const filter = query.get('filter') ?? '';
  const sort = query.get('sort') ?? '';
  if (filter.length > MAX_FILTER_LENGTH) throw badRequest('The filter expression is too long.');
  if (sort.length > MAX_SORT_LENGTH) throw badRequest('The sort expression is too long.');
  return { page, perPage, sort, filter, skipTotal };
}
