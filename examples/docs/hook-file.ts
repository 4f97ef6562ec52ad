// examples/docs/hook-file.ts
// plinth_hooks/10_posts.ts: a hook file default-exports a function that gets the API.
import type { PlinthApi } from 'plinth';
import { slugify } from './lib/slugify.js';

export default (plinth: PlinthApi) => {
  plinth.onRecordCreate('posts').bindFunc(async (e) => {
    e.record.set('slug', slugify(e.record.getString('title')));
    await e.next();
  });
};
