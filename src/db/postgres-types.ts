import pg from 'pg';

const OID = {
  bool: 16,
  int8: 20,
  json: 114,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

/**
 * Type parsers for one pool, so PostgreSQL rows read like SQLite rows (see database.ts) without
 * touching pg's global parsers, which other code in the process may rely on:
 * - timestamptz/timestamp → ISO-8601 text (`…T…Z`, milliseconds); `timestamp` is taken as UTC;
 *   ±infinity stays as PostgreSQL wrote it.
 * - json/jsonb → the JSON text, unparsed: repositories parse it, as on SQLite.
 * - int8 and numeric → number (COUNT, SUM and AVG return them; our values are far below 2^53).
 * - bool → 0/1, the flags' representation in code.
 */
export function postgresTypeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  // pg's own timestamp parser: it reads years < 100 and 6-digit fractions right, unlike Date.parse.
  const parseTimestamptz = pg.types.getTypeParser(OID.timestamptz, 'text') as (text: string) => unknown;
  const toIso = (text: string, parseAs: string = text): string => {
    const date = parseTimestamptz(parseAs);
    return date instanceof Date && Number.isFinite(date.getTime()) ? date.toISOString() : text;
  };
  types.setTypeParser(OID.timestamptz, (text: string) => toIso(text));
  types.setTypeParser(OID.timestamp, (text: string) => toIso(text, `${text}Z`));
  types.setTypeParser(OID.json, (text: string) => text);
  types.setTypeParser(OID.jsonb, (text: string) => text);
  types.setTypeParser(OID.int8, Number);
  types.setTypeParser(OID.numeric, Number);
  types.setTypeParser(OID.bool, (text: string) => (text === 't' ? 1 : 0));
  return types;
}
