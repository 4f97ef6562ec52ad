// examples/docs/migration-collection.ts
// plinth_migrations/1767225600_create_posts.ts
import type { MigrationContext } from 'plinth';

export async function up(app: MigrationContext): Promise<void> {
  const users = await app.collections.find('users');
  await app.collections.save({
    name: 'posts',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '@request.auth.id != ""',
    updateRule: 'author = @request.auth.id',
    deleteRule: null,
    fields: [
      { name: 'title', type: 'text', required: true, max: 120 },
      { name: 'author', type: 'relation', collectionId: users?.id, maxSelect: 1 },
      { name: 'created', type: 'autodate', onCreate: true },
    ],
    indexes: ['CREATE INDEX idx_posts_author ON posts (author)'],
  });
}

export async function down(app: MigrationContext): Promise<void> {
  await app.collections.delete('posts');
}
