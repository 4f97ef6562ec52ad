// PocketBase stores and sends datetimes as `YYYY-MM-DD HH:MM:SS.sssZ` (UTC). The format
// sorts lexically in time order, which is why it is kept as TEXT on both databases.

export function formatDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

/**
 * Parses the date forms PocketBase accepts (`2024-01-02 03:04:05.678Z`, RFC 3339,
 * a plain `2024-01-02`) into a Date; returns null for anything else.
 */
export function parseDateTime(value: string): Date | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(trimmed);
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = match;
  const ms = frac ? Math.floor(Number(frac) * 1000) : 0;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${zone.toUpperCase() === 'Z' ? 'Z' : normaliseZone(zone)}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  // Reject rolled-over dates such as 2024-02-31.
  if (zone.toUpperCase() === 'Z' && date.getUTCDate() !== Number(d)) return null;
  return date;
}

function normaliseZone(zone: string): string {
  return zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
}
