// Helper SQL functions the PostgreSQL filter compiler relies on. They reproduce SQLite's
// value semantics (dynamic comparison, affinity conversions, number → text rendering, ASCII
// LIKE, math and strftime) so that filters return the same rows on both engines.
// The core runs POSTGRES_FILTER_FUNCTIONS_SQL as a migration (idempotent: CREATE OR REPLACE);
// functions are created in the current schema (search_path).
//
// A "SQLite value" (sqlv) is a JSONB number or string; NULL is SQL NULL.
import { POSTGRES_STRFTIME_SQL } from './postgres-strftime.js';

const VALUE_FUNCTIONS_SQL = String.raw`
-- JSON value → SQLite value, as json_extract returns it: null → NULL, booleans → 1/0,
-- objects and arrays → their JSON text.
CREATE OR REPLACE FUNCTION plinth_sqlv(v jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(v)
    WHEN 'null' THEN NULL
    WHEN 'boolean' THEN CASE WHEN v = 'true'::jsonb THEN '1'::jsonb ELSE '0'::jsonb END
    WHEN 'object' THEN to_jsonb(v::text)
    WHEN 'array' THEN to_jsonb(v::text)
    ELSE v END
$$;

-- Compares two SQLite values: NULL when either is NULL; numbers before text; numbers
-- numerically; text by bytes.
CREATE OR REPLACE FUNCTION plinth_cmp(a jsonb, b jsonb) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN a IS NULL OR b IS NULL OR jsonb_typeof(a) = 'null' OR jsonb_typeof(b) = 'null' THEN NULL
    WHEN jsonb_typeof(a) = 'number' AND jsonb_typeof(b) = 'number' THEN
      CASE WHEN a::numeric < b::numeric THEN -1 WHEN a::numeric > b::numeric THEN 1 ELSE 0 END
    WHEN jsonb_typeof(a) = 'number' THEN -1
    WHEN jsonb_typeof(b) = 'number' THEN 1
    ELSE CASE
      WHEN (a #>> '{}') COLLATE "C" < (b #>> '{}') THEN -1
      WHEN (a #>> '{}') COLLATE "C" > (b #>> '{}') THEN 1
      ELSE 0 END
  END
$$;

-- SQLite's IS: NULL IS NULL, otherwise equality.
CREATE OR REPLACE FUNCTION plinth_is(a jsonb, b jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN (a IS NULL OR jsonb_typeof(a) = 'null') AND (b IS NULL OR jsonb_typeof(b) = 'null') THEN TRUE
    WHEN a IS NULL OR jsonb_typeof(a) = 'null' OR b IS NULL OR jsonb_typeof(b) = 'null' THEN FALSE
    ELSE plinth_cmp(a, b) = 0 END
$$;

-- Whether a text spells a number as SQLite's NUMERIC affinity understands it.
CREATE OR REPLACE FUNCTION plinth_is_numeric_text(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT t ~ '^[ \t\n\v\f\r]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\v\f\r]*$'
$$;

-- A numeric text (see plinth_is_numeric_text) as a number. Magnitudes beyond the numeric
-- type stand for SQLite's infinities (1e400 compares above every double) or zero.
CREATE OR REPLACE FUNCTION plinth_text_numeric(t text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  s text := btrim(t, E' \t\n\v\f\r');
BEGIN
  RETURN s::numeric;
EXCEPTION WHEN numeric_value_out_of_range OR invalid_text_representation THEN
  RETURN CASE WHEN s ~ '[eE]-' THEN 0 WHEN s LIKE '-%' THEN -1e400 ELSE 1e400 END;
END
$$;

-- A number as a double, with SQLite's overflow to infinity and underflow to zero.
CREATE OR REPLACE FUNCTION plinth_numeric_double(n numeric) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN n IS NULL THEN NULL
    WHEN n > 1.7976931348623157e308 THEN 'Infinity'::double precision
    WHEN n < -1.7976931348623157e308 THEN '-Infinity'::double precision
    WHEN abs(n) < 2.2250738585072014e-308 THEN 0
    ELSE n::double precision END
$$;

-- A numeric-looking text as a number (math function arguments), else NULL.
CREATE OR REPLACE FUNCTION plinth_text_num(t text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN plinth_is_numeric_text(t) THEN plinth_numeric_double(plinth_text_numeric(t)) ELSE NULL END
$$;

-- NUMERIC affinity applied to a text value.
CREATE OR REPLACE FUNCTION plinth_numaff(t text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN plinth_is_numeric_text(t) THEN to_jsonb(plinth_text_numeric(t)) ELSE to_jsonb(t) END
$$;

-- NUMERIC affinity applied to an SQLite value.
CREATE OR REPLACE FUNCTION plinth_numaff_v(v jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN plinth_numaff(v #>> '{}') ELSE v END
$$;

-- An SQLite value as a math function argument.
CREATE OR REPLACE FUNCTION plinth_num_v(v jsonb) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(v)
    WHEN 'number' THEN plinth_numeric_double(v::numeric)
    WHEN 'string' THEN plinth_text_num(v #>> '{}')
    ELSE NULL END
$$;

-- How SQLite renders a REAL as text: 15 significant digits when they read back as the same
-- double, else 17; plain notation for exponents in [-4, 17) with at least one decimal,
-- otherwise d.ddde±XX.
CREATE OR REPLACE FUNCTION plinth_real_text(x double precision) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  m text[];
  t text;
  sign text;
  int_part text;
  digits text;
  lead integer;
  e integer;
BEGIN
  IF x IS NULL OR x = 'NaN'::double precision THEN RETURN NULL; END IF;
  IF x = 'Infinity'::double precision THEN RETURN 'Inf'; END IF;
  IF x = '-Infinity'::double precision THEN RETURN '-Inf'; END IF;
  IF x = 0 THEN RETURN CASE WHEN x::text LIKE '-%' THEN '-0.0' ELSE '0.0' END; END IF;
  -- 15 significant digits when they read back as the same double, else 17.
  t := to_char(x, '9.99999999999999EEEE');
  IF btrim(t)::double precision <> x THEN t := to_char(x, '9.9999999999999999EEEE'); END IF;
  m := regexp_match(btrim(t), '^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$');
  IF m IS NULL THEN RETURN x::text; END IF;
  sign := m[1];
  int_part := m[2];
  digits := int_part || coalesce(m[3], '');
  lead := length(digits) - length(ltrim(digits, '0'));
  e := coalesce(m[4]::integer, 0) + length(int_part) - 1 - lead;
  digits := rtrim(ltrim(digits, '0'), '0');
  IF digits = '' THEN digits := '0'; END IF;
  IF e < -4 OR e >= 17 THEN
    RETURN sign || substr(digits, 1, 1) || '.' || coalesce(nullif(substr(digits, 2), ''), '0')
      || 'e' || CASE WHEN e < 0 THEN '-' ELSE '+' END || lpad(abs(e)::text, 2, '0');
  ELSIF e < 0 THEN
    RETURN sign || '0.' || repeat('0', -e - 1) || digits;
  END IF;
  RETURN sign || rpad(substr(digits, 1, e + 1), e + 1, '0') || '.' || coalesce(nullif(substr(digits, e + 2), ''), '0');
END
$$;

-- A number column's value as text: integral values are SQLite INTEGERs there.
CREATE OR REPLACE FUNCTION plinth_num_text(x double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN x IS NULL THEN NULL
    WHEN x = trunc(x) AND abs(x) < 9.2e18 THEN (x::bigint)::text
    ELSE plinth_real_text(x) END
$$;

-- An SQLite value as text (LIKE operands): JSON integers stay integers, other numbers are REALs.
CREATE OR REPLACE FUNCTION plinth_text_v(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(v)
    WHEN 'string' THEN v #>> '{}'
    WHEN 'number' THEN CASE WHEN v::text ~ '[.eE]' THEN plinth_real_text(plinth_numeric_double(v::numeric)) ELSE v::text END
    WHEN 'null' THEN NULL
    ELSE v::text END
$$;

-- TEXT affinity applied to an SQLite value.
CREATE OR REPLACE FUNCTION plinth_textaff_v(v jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN to_jsonb(plinth_text_v(v)) ELSE v END
$$;

-- SQLite's LOWER without ICU: ASCII letters only.
CREATE OR REPLACE FUNCTION plinth_lower(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(t, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
$$;

-- SQLite's case-insensitive (ASCII) LIKE with '\' as escape; a pattern ending in a lone
-- escape never matches (PostgreSQL would raise).
CREATE OR REPLACE FUNCTION plinth_like(s text, p text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN s IS NULL OR p IS NULL THEN NULL
    WHEN (length(p) - length(rtrim(p, '\'))) % 2 = 1 THEN FALSE
    ELSE plinth_lower(s) LIKE plinth_lower(p) ESCAPE '\' END
$$;

-- Haversine distance in km; NULL where SQLite's acos is undefined.
CREATE OR REPLACE FUNCTION plinth_geo_distance(lon_a double precision, lat_a double precision,
  lon_b double precision, lat_b double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN c IS NULL OR c > 1 OR c < -1 THEN NULL ELSE 6371 * acos(c) END
  FROM (SELECT CASE
    -- SQLite's trigonometry yields NaN (NULL) for infinities; PostgreSQL would raise.
    WHEN abs(lon_a) = 'Infinity' OR abs(lat_a) = 'Infinity' OR abs(lon_b) = 'Infinity' OR abs(lat_b) = 'Infinity'
      OR lon_a = 'NaN' OR lat_a = 'NaN' OR lon_b = 'NaN' OR lat_b = 'NaN' THEN NULL
    ELSE cos(radians(lat_a)) * cos(radians(lat_b)) * cos(radians(lon_b) - radians(lon_a))
      + sin(radians(lat_a)) * sin(radians(lat_b)) END AS c) AS s
$$;

-- Sort keys reproducing SQLite's order of mixed values: NULL, numbers, text (bytes).
CREATE OR REPLACE FUNCTION plinth_sort_rank(v jsonb) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL OR jsonb_typeof(v) = 'null' THEN 0 WHEN jsonb_typeof(v) = 'number' THEN 1 ELSE 2 END
$$;
CREATE OR REPLACE FUNCTION plinth_sort_num(v jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric ELSE NULL END
$$;
CREATE OR REPLACE FUNCTION plinth_sort_text(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}' ELSE NULL END
$$;
`;

/** Every helper function, as one idempotent script. */
export const POSTGRES_FILTER_FUNCTIONS_SQL = VALUE_FUNCTIONS_SQL + POSTGRES_STRFTIME_SQL;

/** The helper functions' names (for checks and documentation). */
export const POSTGRES_FILTER_FUNCTION_NAMES: readonly string[] = [
  ...new Set([...POSTGRES_FILTER_FUNCTIONS_SQL.matchAll(/CREATE OR REPLACE FUNCTION (\w+)/g)].map((m) => m[1] as string)),
];

/** A migration record for the core's migrator. */
export const POSTGRES_FILTER_FUNCTIONS_MIGRATION = {
  id: 'filter_functions_v1',
  dialect: 'postgres',
  sql: POSTGRES_FILTER_FUNCTIONS_SQL,
} as const;
