// The shop in library mode: the same migrations and hook files, run from your own program
// instead of `plinth serve`. Bind more in code if you like; here a health route of our own.
// Run with `npm run library` (PLINTH_DB=postgres://… to use PostgreSQL).
import { createPlinth } from 'plinth';

const plinth = createPlinth({
  dir: './plinth_data',
  db: process.env.PLINTH_DB,
  http: process.env.PLINTH_HTTP ?? '127.0.0.1:8090',
  hooksDir: './plinth_hooks',
  migrationsDir: './plinth_migrations',
});

plinth.routerAdd('GET', '/api/shop/ping', async (e) => {
  e.json(200, { products: await e.app.countRecords('products') });
});

const url = await plinth.start();
plinth.logger.info(`shop serving at ${url}/api/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    plinth.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        plinth.logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  });
}
