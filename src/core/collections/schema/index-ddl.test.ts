import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forEachDialect } from '../../../db/testing.js';
import { parseIndex } from '../index-definition.js';
import { backticksToDoubleQuotes, createIndexSql, dropIndexSql } from './index-ddl.js';

describe('index DDL text', () => {
  const index = parseIndex(
    "CREATE UNIQUE INDEX `idx_a` ON `old` (`title` COLLATE NOCASE, lower(`slug`) DESC, `code` collate binary) WHERE `title` != ''",
  );

  test('SQLite runs PocketBase’s canonical form on the current table', () => {
    assert.equal(
      createIndexSql(index, 'posts', 'sqlite'),
      "CREATE UNIQUE INDEX `idx_a` ON `posts` (\n  `title` COLLATE NOCASE,\n  lower(`slug`) DESC,\n  `code` COLLATE binary\n) WHERE `title` != ''",
    );
  });

  test('PostgreSQL gets double quotes and mapped collations', () => {
    assert.equal(
      createIndexSql(index, 'posts', 'postgres'),
      `CREATE UNIQUE INDEX "idx_a" ON "posts" (LOWER("title"), lower("slug") DESC, "code" COLLATE "C") WHERE "title" != ''`,
    );
  });

  test('backticks inside string literals are left alone', () => {
    assert.equal(backticksToDoubleQuotes("`a` = '`b`' AND `c\"d` = 1"), `"a" = '\`b\`' AND "c""d" = 1`);
  });

  test('drop', () => {
    assert.equal(dropIndexSql('idx_a'), 'DROP INDEX IF EXISTS "idx_a"');
  });
});

forEachDialect(
  (dialect, getDb) => {
    test('a NOCASE unique index is case-insensitive on both engines', async () => {
      const db = getDb();
      await db.exec('CREATE TABLE "t" ("id" TEXT PRIMARY KEY, "name" TEXT DEFAULT \'\' NOT NULL)');
      await db.run(createIndexSql(parseIndex('create unique index idx_t_name on t (name collate nocase)'), 't', dialect));
      await db.run('INSERT INTO "t" ("id", "name") VALUES (?, ?)', ['1', 'Alice']);
      await assert.rejects(db.run('INSERT INTO "t" ("id", "name") VALUES (?, ?)', ['2', 'ALICE']), { kind: 'unique_violation' });
    });

    test('a partial unique index only covers matching rows', async () => {
      const db = getDb();
      await db.exec('CREATE TABLE "u" ("id" TEXT PRIMARY KEY, "email" TEXT DEFAULT \'\' NOT NULL)');
      await db.run(createIndexSql(parseIndex("create unique index idx_u_email on u (`email`) where `email` != ''"), 'u', dialect));
      await db.run('INSERT INTO "u" ("id", "email") VALUES (?, ?), (?, ?)', ['1', '', '2', '']);
      await db.run('INSERT INTO "u" ("id", "email") VALUES (?, ?)', ['3', 'a@b.c']);
      await assert.rejects(db.run('INSERT INTO "u" ("id", "email") VALUES (?, ?)', ['4', 'a@b.c']), { kind: 'unique_violation' });
      await db.run(dropIndexSql('idx_u_email'));
      await db.run('INSERT INTO "u" ("id", "email") VALUES (?, ?)', ['4', 'a@b.c']);
    });
  },
  { title: 'index DDL' },
);
