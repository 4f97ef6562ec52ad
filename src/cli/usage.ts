// Help texts for every command. Kept in one place so `--help` and usage errors agree.

export const MAIN_USAGE = `Usage: plinth <command> [options]

Commands:
  serve                         start the HTTP server
  superuser <action> EMAIL [PW] manage superuser accounts (upsert, create, update, delete)
  migrate <action>              apply, revert, create or list migrations
  typegen                       write TypeScript types for the collections

Run "plinth <command> --help" for the options of a command.
`;

const COMMON = `  --dir PATH          data directory (default ./plinth_data; ./pb_data is used when it
                      exists and ./plinth_data does not) [env PLINTH_DIR]
  --db URL            postgres:// URL: use PostgreSQL instead of SQLite [env PLINTH_DATABASE_URL]
  -h, --help          show this help`;

export const SERVE_USAGE = `Usage: plinth serve [options]

Starts Plinth. The API is at http://HOST:PORT/api/.

Options:
  --http HOST:PORT    address to listen on (default 127.0.0.1:8090) [env PLINTH_HTTP]
${COMMON}
  --sqlite-sync MODE  SQLite synchronous mode: NORMAL (default) or FULL [env PLINTH_SQLITE_SYNC]
  --log-level LEVEL   trace, debug, info, warn, error (default info) [env PLINTH_LOG_LEVEL]
  --body-limit BYTES  largest request body accepted (default 33554432) [env PLINTH_BODY_LIMIT]
  --superuser-ips LIST  comma-separated IPs/CIDR ranges superusers may act from; elsewhere a
                      superuser token counts as a guest and logins fail (default: anywhere)
                      [env PLINTH_SUPERUSER_IPS]
  --realtime-broker URL  redis://HOST:PORT or nats://HOST:PORT: realtime events reach the
                      other nodes through this broker instead of PostgreSQL NOTIFY (with --db
                      only) [env PLINTH_REALTIME_BROKER]
  --migrations-dir PATH  the project's migration files, applied at start (default
                      ./plinth_migrations) [env PLINTH_MIGRATIONS_DIR]
  --automigrate       write a migration file for each collection change made through the
                      API (on with --dev) [env PLINTH_AUTOMIGRATE]
  --hooks-dir PATH    the project's hook files (*.ts, *.js), loaded at start (default
                      ./plinth_hooks; "" for none) [env PLINTH_HOOKS_DIR]
  --dev               development: hook files reload on change, --automigrate is on
                      [env PLINTH_DEV]
  --job-workers BOOL  whether this node runs queued jobs and webhook deliveries (default
                      true) [env PLINTH_JOB_WORKERS]
  --job-poll DURATION how often an idle worker looks for due jobs (default 1s)
                      [env PLINTH_JOB_POLL]
  --job-lease DURATION how long a claimed job stays with a node that stops renewing it,
                      e.g. one that crashed (default 30s) [env PLINTH_JOB_LEASE]
  --webhook-retries LIST  delays before each webhook retry (default
                      5s,1m,5m,30m,2h,5h,10h,10h) [env PLINTH_WEBHOOK_RETRIES]
  --outbound-allow LIST  comma-separated IPs/CIDR ranges webhooks may reach although
                      internal (loopback, private, link-local are refused otherwise)
                      [env PLINTH_OUTBOUND_ALLOW]
`;

export const SUPERUSER_USAGE = `Usage: plinth superuser <action> EMAIL [PASSWORD] [options]

Actions:
  upsert EMAIL PASSWORD   create the superuser, or set its password when it exists
  create EMAIL PASSWORD   create a new superuser
  update EMAIL PASSWORD   change an existing superuser's password
  delete EMAIL            delete a superuser

Options:
${COMMON}
`;

export const MIGRATE_USAGE = `Usage: plinth migrate <action> [options]

Actions:
  up              apply pending system migrations, then the pending migration files
  down [N]        revert the last N applied migration files (default 1)
  create NAME     write an empty migration file <unix seconds>_NAME.ts and print its path
  collections     write a migration file importing every non-system collection as it is now
                  (its down does nothing)
  history-sync    forget recorded migration files that no longer exist
  list            show applied and pending migrations (system ones first)

Options:
${COMMON}
  --migrations-dir PATH  the project's migration files (default ./plinth_migrations)
                      [env PLINTH_MIGRATIONS_DIR]
`;

export const TYPEGEN_USAGE = `Usage: plinth typegen [options]

Writes TypeScript types for every collection (records, create/update bodies, expand, and a
typed client for the pocketbase SDK). Regenerate after schema changes.

Options:
  --out FILE, -o FILE write the types to FILE, or to stdout with "-" (default ./plinth_types.ts)
${COMMON}
`;
