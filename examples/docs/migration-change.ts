// examples/docs/migration-change.ts
// plinth_migrations/1767312000_posts_status.ts: a field added, a rule changed, data filled in.
import type { MigrationContext } from 'plinth';

export async function up(app: MigrationContext): Promise<void> {
  const posts = await app.collections.find('posts');
  if (!posts) throw new Error('run the migration creating "posts" first');
  const fields = posts.fields as Record<string, unknown>[];
  await app.collections.save({
    ...posts,
    listRule: 'status = "published"',
    fields: [...fields, { name: 'status', type: 'select', values: ['draft', 'published'], maxSelect: 1 }],
  });
  // The posts written so far were all public.
  await app.db.run('UPDATE "posts" SET "status" = ?', ['published']);
}

export async function down(app: MigrationContext): Promise<void> {
  const posts = await app.collections.find('posts');
  if (!posts) return;
  const fields = (posts.fields as { name: string }[]).filter((field) => field.name !== 'status');
  await app.collections.save({ ...posts, listRule: '', fields });
}
