// SQLite's strftime(format, time-value, modifier…) for PostgreSQL, so that filters using
// strftime() select the same rows on both engines. Time is kept as milliseconds since the
// Unix epoch with SQLite's proleptic calendar (years 0000-9999), computed with integer
// arithmetic rather than PostgreSQL dates (which have no year 0).
//
// Supported: time values as SQLite dates/times (with optional Z or ±HH:MM zone), 'now',
// julian day numbers (or Unix time with a leading 'unixepoch'/'auto' modifier); modifiers
// ±N days|hours|minutes|seconds|months|years, start of day|month|year, weekday N,
// unixepoch, julianday, auto, utc, localtime (both no-ops: the server clock is UTC), subsec,
// ceiling, floor; every SQLite format specifier. Time-shift modifiers (±HH:MM,
// ±YYYY-MM-DD…) are not supported and give NULL.

export const POSTGRES_STRFTIME_SQL = String.raw`
CREATE OR REPLACE FUNCTION plinth_days_from_civil(y bigint, m bigint, d bigint) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  era bigint; yoe bigint; doy bigint; doe bigint; yy bigint := y;
BEGIN
  -- Month overflow (13 → next year) is normalised first; day overflow is linear.
  yy := yy + floor((m - 1) / 12.0)::bigint;
  m := m - 12 * floor((m - 1) / 12.0)::bigint;
  IF m <= 2 THEN yy := yy - 1; END IF;
  era := CASE WHEN yy >= 0 THEN yy ELSE yy - 399 END / 400;
  yoe := yy - era * 400;
  doy := (153 * (CASE WHEN m > 2 THEN m - 3 ELSE m + 9 END) + 2) / 5 + d - 1;
  doe := yoe * 365 + yoe / 4 - yoe / 100 + doy;
  RETURN era * 146097 + doe - 719468;
END
$$;

CREATE OR REPLACE FUNCTION plinth_civil_from_days(z bigint, OUT y bigint, OUT m bigint, OUT d bigint)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  era bigint; doe bigint; yoe bigint; doy bigint; mp bigint; zz bigint := z + 719468;
BEGIN
  era := CASE WHEN zz >= 0 THEN zz ELSE zz - 146096 END / 146097;
  doe := zz - era * 146097;
  yoe := (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy := doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp := (5 * doy + 2) / 153;
  d := doy - (153 * mp + 2) / 5 + 1;
  m := CASE WHEN mp < 10 THEN mp + 3 ELSE mp - 9 END;
  y := yoe + era * 400 + CASE WHEN m <= 2 THEN 1 ELSE 0 END;
END
$$;

-- The exact decimal value of a positive double (a float8 → numeric cast keeps 15 digits).
CREATE OR REPLACE FUNCTION plinth_float_exact(d double precision) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  e integer;
  mant double precision;
BEGIN
  IF d IS NULL OR d <= 0 OR d = 'Infinity'::double precision THEN RETURN d::numeric; END IF;
  e := floor(ln(d) / ln(2))::integer;
  mant := d * (2::double precision ^ (52 - e));
  WHILE mant >= 9007199254740992 LOOP e := e + 1; mant := mant / 2; END LOOP;
  WHILE mant < 4503599627370496 LOOP e := e - 1; mant := mant * 2; END LOOP;
  -- d = mant * 2^(e - 52) with mant an integer below 2^53.
  IF e >= 52 THEN RETURN mant::bigint::numeric * (2::numeric ^ (e - 52)); END IF;
  RETURN ((mant::bigint::numeric * (5::numeric ^ (52 - e)))::text || 'e-' || (52 - e))::numeric;
END
$$;

-- C's %0Nd: the sign counts in the width.
CREATE OR REPLACE FUNCTION plinth_zero_pad(n bigint, width integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN n < 0 AND length((-n)::text) < width - 1 THEN '-' || lpad((-n)::text, width - 1, '0')
    WHEN n >= 0 AND length(n::text) < width THEN lpad(n::text, width, '0')
    ELSE n::text END
$$;

CREATE OR REPLACE FUNCTION plinth_strftime(fmt text, tv jsonb, mods text[]) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  ms bigint;              -- milliseconds since 1970-01-01 00:00:00 UTC
  raw_num numeric;        -- the time value when it was a number (for unixepoch/auto)
  s text;
  mt text[];
  tz_min integer := 0;
  md text;
  mm text[];
  r numeric;
  lim numeric;
  unit text;
  n integer;
  days bigint;
  ymd record;
  tod bigint;
  use_subsec boolean := false;
  overflow_days bigint := 0;
  out text := '';
  i integer := 1;
  c text;
  yy bigint; mo bigint; dd bigint; hh bigint; mi bigint; sec numeric; dow integer; doy integer;
  th_days bigint; th record; iso_week integer;
  jd numeric;
  idx integer := 0;
  min_ms constant bigint := -210866760000000;  -- julian day 0
  max_ms constant bigint := 253402300799999;   -- 9999-12-31 23:59:59.999
BEGIN
  IF fmt IS NULL OR tv IS NULL OR jsonb_typeof(tv) = 'null' THEN RETURN NULL; END IF;

  -- Time value.
  IF jsonb_typeof(tv) = 'number' THEN
    raw_num := tv::numeric;
    IF abs(raw_num) > 1e13 THEN RETURN NULL; END IF;
  ELSIF jsonb_typeof(tv) = 'string' THEN
    s := tv #>> '{}';
    mt := regexp_match(s,
      '^(-?)([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\v\f\r T]*(?:([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?[ \t\n\v\f\r]*([Zz]|[+-][0-9]{2}:[0-9]{2})?[ \t\n\v\f\r]*)?$');
    IF mt IS NOT NULL THEN
      IF mt[3]::int NOT BETWEEN 1 AND 12 OR mt[4]::int NOT BETWEEN 1 AND 31 THEN RETURN NULL; END IF;
      ms := plinth_days_from_civil((CASE WHEN mt[1] = '-' THEN -1 ELSE 1 END) * mt[2]::bigint, mt[3]::bigint, mt[4]::bigint) * 86400000;
    ELSE
      mt := regexp_match(s, '^()()()()([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?[ \t\n\v\f\r]*([Zz]|[+-][0-9]{2}:[0-9]{2})?[ \t\n\v\f\r]*$');
      IF mt IS NOT NULL THEN
        ms := plinth_days_from_civil(2000, 1, 1) * 86400000;
      END IF;
    END IF;
    IF mt IS NOT NULL THEN
      IF mt[5] IS NOT NULL THEN
        IF mt[5]::int > 24 OR mt[6]::int > 59 OR coalesce(mt[7], '0')::int > 59 THEN RETURN NULL; END IF;
        ms := ms + mt[5]::bigint * 3600000 + mt[6]::bigint * 60000
          + round((coalesce(mt[7], '0')::numeric + coalesce(('0' || mt[8])::numeric, 0)) * 1000)::bigint;
        IF mt[9] IS NOT NULL AND mt[9] NOT IN ('Z', 'z') THEN
          IF substr(mt[9], 2, 2)::int > 14 OR substr(mt[9], 5, 2)::int > 59 THEN RETURN NULL; END IF;
          tz_min := (substr(mt[9], 2, 2)::int * 60 + substr(mt[9], 5, 2)::int) * CASE WHEN left(mt[9], 1) = '-' THEN -1 ELSE 1 END;
          ms := ms - tz_min::bigint * 60000;
        END IF;
      END IF;
    ELSIF lower(s) = 'now' THEN
      ms := floor(extract(epoch FROM now()) * 1000)::bigint;
    ELSIF plinth_is_numeric_text(s) THEN
      raw_num := plinth_text_numeric(s);
      IF abs(raw_num) > 1e13 THEN RETURN NULL; END IF;
    ELSE
      RETURN NULL;
    END IF;
  ELSE
    RETURN NULL;
  END IF;
  -- A number is a julian day number; outside that range it is only usable as Unix time
  -- (a first 'unixepoch' or 'auto' modifier), otherwise the result is NULL.
  IF raw_num IS NOT NULL AND raw_num >= 0 AND raw_num < 5373484.5 THEN
    ms := round((raw_num - 2440587.5) * 86400000)::bigint;
  END IF;

  -- Modifiers.
  FOREACH md IN ARRAY coalesce(mods, ARRAY[]::text[]) LOOP
    idx := idx + 1;
    IF md IS NULL THEN RETURN NULL; END IF;
    md := lower(md);
    IF md = 'auto' AND raw_num IS NULL THEN
      NULL;  -- a date text is already unambiguous
    ELSIF md = 'unixepoch' OR md = 'julianday' OR md = 'auto' THEN
      IF idx <> 1 OR raw_num IS NULL THEN RETURN NULL; END IF;
      IF md = 'unixepoch' OR (md = 'auto' AND NOT (raw_num >= 0 AND raw_num < 5373484.5)) THEN
        ms := round(raw_num * 1000)::bigint;
      END IF;
    ELSIF ms IS NULL THEN
      RETURN NULL;
    ELSIF md IN ('utc', 'localtime', 'ceiling') THEN
      NULL;
    ELSIF md = 'floor' THEN
      ms := ms - overflow_days * 86400000;
      overflow_days := 0;
    ELSIF md IN ('subsec', 'subsecond') THEN
      use_subsec := true;
    ELSIF md IN ('start of day', 'start of month', 'start of year') THEN
      days := floor(ms / 86400000.0)::bigint;
      ymd := plinth_civil_from_days(days);
      IF md = 'start of month' THEN days := plinth_days_from_civil(ymd.y, ymd.m, 1);
      ELSIF md = 'start of year' THEN days := plinth_days_from_civil(ymd.y, 1, 1);
      END IF;
      ms := days * 86400000;
    ELSIF md ~ '^weekday [0-9]+(\.[0-9]*)?$' THEN
      r := substr(md, 9)::numeric;
      IF r < 0 OR r >= 7 OR r <> trunc(r) THEN RETURN NULL; END IF;
      days := floor(ms / 86400000.0)::bigint;
      dow := ((days % 7 + 7 + 4) % 7)::int;  -- 1970-01-01 was a Thursday
      n := r::int - dow;
      IF n < 0 THEN n := n + 7; END IF;
      ms := ms + n::bigint * 86400000;
    ELSIF md ~ '^[+-][0-9]{2}:[0-9]{2}' THEN
      -- ±HH:MM[:SS[.SSS]]: shifts by the time of day (whole days are dropped, as in SQLite).
      mm := regexp_match(md, '^([+-])([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?[ \t\n\v\f\r]*$');
      IF mm IS NULL OR mm[2]::int > 24 OR mm[3]::int > 59 OR coalesce(mm[4], '0')::int > 59 THEN RETURN NULL; END IF;
      tod := (mm[2]::bigint * 3600000 + mm[3]::bigint * 60000
        + round((coalesce(mm[4], '0')::numeric + coalesce(('0' || mm[5])::numeric, 0)) * 1000)::bigint) % 86400000;
      ms := ms + CASE WHEN mm[1] = '-' THEN -tod ELSE tod END;
    ELSE
      mm := regexp_match(md, '^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?)[ \t\n\v\f\r]+([a-z]+)[ \t\n\v\f\r]*$');
      IF mm IS NULL THEN RETURN NULL; END IF;
      r := plinth_text_numeric(mm[1]);
      unit := regexp_replace(mm[2], 's$', '');
      IF unit IN ('month', 'year') THEN
        lim := CASE WHEN unit = 'month' THEN 176546 ELSE 14713 END;
        IF abs(r) >= lim THEN RETURN NULL; END IF;
        days := floor(ms / 86400000.0)::bigint;
        tod := ms - days * 86400000;
        ymd := plinth_civil_from_days(days);
        n := trunc(r)::int;
        IF unit = 'month' THEN
          yy := ymd.y; mo := ymd.m + n;
        ELSE
          yy := ymd.y + n; mo := ymd.m;
        END IF;
        days := plinth_days_from_civil(yy, mo, ymd.d);
        -- Days past the end of the target month ('floor' takes them back).
        overflow_days := ymd.d - (plinth_days_from_civil(yy, mo + 1, 1) - plinth_days_from_civil(yy, mo, 1));
        IF overflow_days < 0 THEN overflow_days := 0; END IF;
        ms := days * 86400000 + tod;
        r := r - trunc(r);
        ms := ms + round(r * CASE WHEN unit = 'month' THEN 2592000000 ELSE 31536000000 END)::bigint;
      ELSIF unit IN ('day', 'hour', 'minute', 'second') THEN
        lim := CASE unit WHEN 'day' THEN 5373485 WHEN 'hour' THEN 1.2897E+11 WHEN 'minute' THEN 7.7379E+12 ELSE 4.6427E+14 END;
        IF abs(r) >= lim THEN RETURN NULL; END IF;
        ms := ms + round(r * CASE unit WHEN 'day' THEN 86400000 WHEN 'hour' THEN 3600000 WHEN 'minute' THEN 60000 ELSE 1000 END)::bigint;
      ELSE
        RETURN NULL;
      END IF;
    END IF;
  END LOOP;

  IF ms IS NULL OR ms < min_ms OR ms > max_ms THEN RETURN NULL; END IF;

  -- Calendar fields.
  days := floor(ms / 86400000.0)::bigint;
  tod := ms - days * 86400000;
  ymd := plinth_civil_from_days(days);
  yy := ymd.y; mo := ymd.m; dd := ymd.d;
  hh := tod / 3600000;
  mi := (tod % 3600000) / 60000;
  sec := (tod % 60000) / 1000.0;
  dow := ((days % 7 + 7 + 4) % 7)::int;
  doy := (days - plinth_days_from_civil(yy, 1, 1) + 1)::int;
  -- ISO week: the week's Thursday decides the year.
  th_days := days - ((dow + 6) % 7) + 3;
  th := plinth_civil_from_days(th_days);
  iso_week := ((th_days - plinth_days_from_civil(th.y, 1, 1)) / 7 + 1)::int;

  WHILE i <= length(fmt) LOOP
    c := substr(fmt, i, 1);
    IF c <> '%' THEN
      out := out || c;
      i := i + 1;
      CONTINUE;
    END IF;
    c := substr(fmt, i + 1, 1);
    i := i + 2;
    CASE c
      WHEN 'd' THEN out := out || lpad(dd::text, 2, '0');
      WHEN 'e' THEN out := out || lpad(dd::text, 2, ' ');
      WHEN 'f' THEN out := out || to_char(least(sec, 59.999), 'FM00.000');
      WHEN 'F' THEN out := out || plinth_zero_pad(yy, 4) || '-' || lpad(mo::text, 2, '0') || '-' || lpad(dd::text, 2, '0');
      WHEN 'G' THEN out := out || plinth_zero_pad(th.y, 4);
      WHEN 'g' THEN out := out || plinth_zero_pad(th.y % 100, 2);
      WHEN 'H' THEN out := out || lpad(hh::text, 2, '0');
      WHEN 'I' THEN out := out || lpad((CASE WHEN hh % 12 = 0 THEN 12 ELSE hh % 12 END)::text, 2, '0');
      WHEN 'j' THEN out := out || lpad(doy::text, 3, '0');
      WHEN 'J' THEN
        -- SQLite prints the day number, a double, with 16 significant digits.
        jd := plinth_float_exact((ms - min_ms)::double precision / 86400000);
        IF jd = 0 THEN
          out := out || '0';
        ELSE
          jd := round(jd, (15 - floor(log(10, jd)))::int);
          out := out || CASE WHEN jd = trunc(jd) THEN trunc(jd)::text ELSE rtrim(jd::text, '0') END;
        END IF;
      WHEN 'k' THEN out := out || lpad(hh::text, 2, ' ');
      WHEN 'l' THEN out := out || lpad((CASE WHEN hh % 12 = 0 THEN 12 ELSE hh % 12 END)::text, 2, ' ');
      WHEN 'm' THEN out := out || lpad(mo::text, 2, '0');
      WHEN 'M' THEN out := out || lpad(mi::text, 2, '0');
      WHEN 'p' THEN out := out || CASE WHEN hh >= 12 THEN 'PM' ELSE 'AM' END;
      WHEN 'P' THEN out := out || CASE WHEN hh >= 12 THEN 'pm' ELSE 'am' END;
      WHEN 'R' THEN out := out || lpad(hh::text, 2, '0') || ':' || lpad(mi::text, 2, '0');
      WHEN 's' THEN
        IF use_subsec THEN out := out || to_char(ms / 1000.0, 'FM999999999999990.000');
        ELSE out := out || floor(ms / 1000.0)::bigint::text;
        END IF;
      WHEN 'S' THEN out := out || lpad(trunc(sec)::text, 2, '0');
      WHEN 'T' THEN out := out || lpad(hh::text, 2, '0') || ':' || lpad(mi::text, 2, '0') || ':' || lpad(trunc(sec)::text, 2, '0');
      WHEN 'u' THEN out := out || (CASE WHEN dow = 0 THEN 7 ELSE dow END)::text;
      WHEN 'U' THEN out := out || lpad(((doy - 1 - dow + 7) / 7)::text, 2, '0');
      WHEN 'V' THEN out := out || lpad(iso_week::text, 2, '0');
      WHEN 'w' THEN out := out || dow::text;
      WHEN 'W' THEN out := out || lpad(((doy - 1 - (dow + 6) % 7 + 7) / 7)::text, 2, '0');
      WHEN 'Y' THEN out := out || plinth_zero_pad(yy, 4);
      WHEN '%' THEN out := out || '%';
      ELSE RETURN NULL;
    END CASE;
  END LOOP;
  RETURN out;
END
$$;
`;
