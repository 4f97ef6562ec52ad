// examples/docs/library-mode.ts
import { createPlinth } from 'plinth';

const plinth = createPlinth({
  dir: './plinth_data', // or db: 'postgres://user@host/db'
  http: '127.0.0.1:8090',
  hooksDir: '', // no hook files: everything is bound below
  migrationsDir: './plinth_migrations',
  dev: process.env.NODE_ENV !== 'production',
});

plinth.onRecordCreate('posts').bindFunc(async (e) => {
  e.record.set('status', 'draft');
  await e.next();
});
plinth.routerAdd('GET', '/api/hello', (e) => e.json(200, { hello: 'world' }));
plinth.cronAdd('nightly', '@daily', () => plinth.logger.info('nightly run'));

const url = await plinth.start(); // hook files, migrations, then listening
plinth.logger.info({ running: plinth.running !== null, posts: await plinth.app.countRecords('posts') }, `serving at ${url}/api/`);

process.once('SIGTERM', () => void plinth.stop()); // in-flight requests finish first
