// The records use cases behind /api/collections/{collection}/records: list, view,
// create, update, delete — with PocketBase's rule semantics:
//   null rule  → superusers only (403);  ""  → everyone;  an expression → a SQL filter:
//   list drops rows, view/update/delete answer 404, create answers 400.
import type { Database, Executor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import type { Collection } from '../collections/model.js';
import { zeroValue } from '../collections/fields/index.js';
import { goToString } from '../collections/fields/go-cast.js';
import { AppError, badRequest, forbidden, notFound } from '../errors/index.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import { expandRecords } from './expand.js';
import { exportRecord } from './export.js';
import { applyInput } from './input.js';
import { parseListParams } from './list-params.js';
import type { RecordModel } from './record.js';
import { decodeRow, deleteRecordRow, findRecordById, isStorableId, selectColumns } from './repository.js';
import { saveRecord, type AccessLevel } from './save.js';
import { deleteWithReferences } from './delete.js';
import { checkCreateRule, hasManageAccess, managedIds } from './rule-checks.js';
import { INSTALLER_EMAIL, SUPERUSERS_COLLECTION } from '../auth/auth-state.js';
import type { CommittedListener, RecordEvent } from './events.js';
import type { Logger } from 'pino';
import type { BlobStore } from '../../storage/types.js';
import { FileChanges, recordFilesPrefix } from '../files/upload-changes.js';

type WriteFn = (
  tx: Executor,
  announce: (event: RecordEvent) => void,
  files: FileChanges | null,
) => Promise<RecordModel | undefined>;

export interface CollectionRegistry {
  byNameOrId(ref: string): Collection | undefined;
  byId(id: string): Collection | undefined;
  all(): Collection[];
}

export interface RecordServiceDeps {
  db: Database;
  collections: CollectionRegistry;
  access: AccessCompiler;
  clock: Clock;
}

export interface ListResult {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: Record<string, unknown>[];
}

export const ONLY_SUPERUSERS = 'Only superusers can perform this action.';

export class RecordService {
  /** Listeners told of every committed record write; see events.ts. */
  readonly onCommitted: CommittedListener[] = [];
  /**
   * Listeners run inside a delete's transaction just before each row goes (cascades
   * included), e.g. to check rules that read rows the cascade is about to change.
   */
  readonly onDeleting: Array<(tx: Executor, record: RecordModel) => Promise<void>> = [];
  /** Events of the transactions opened by `transaction()`, waiting for their commit. */
  private readonly pending = new WeakMap<Executor, RecordEvent[]>();
  /** The file side of the transactions opened by `transaction()`. */
  private readonly pendingFiles = new WeakMap<Executor, FileChanges>();
  private files: { store: () => BlobStore; logger?: Logger } | null = null;

  constructor(private readonly deps: RecordServiceDeps) {}

  /**
   * Gives record writes a file store: uploads are stored with their record, the files an
   * update drops go after its commit, and so do the folders of deleted records (cascades
   * included, as each deleted record is announced).
   */
  useFiles(files: { store: () => BlobStore; logger?: Logger }): void {
    this.files = files;
    this.onCommitted.push((events) => {
      for (const event of events) {
        if (event.action !== 'delete') continue;
        const prefix = recordFilesPrefix(event.record.collection.id, String(event.record.values.id));
        files
          .store()
          .deletePrefix(prefix)
          .catch((err: unknown) => files.logger?.warn({ err, prefix }, 'files: could not delete the files of a deleted record'));
      }
    });
  }

  private newFileChanges(): FileChanges | null {
    return this.files ? new FileChanges({ store: this.files.store(), logger: this.files.logger }) : null;
  }

  /** Runs `fn`; its stored uploads are removed when it fails, replaced files go once it succeeded. */
  private async withFiles<T>(files: FileChanges | null, fn: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      await files?.rollback();
      throw err;
    }
    await files?.commit();
    return result;
  }

  /**
   * A transaction whose record writes (made with `exec: tx`) are announced only after it
   * commits, all together and in order; a rollback announces nothing.
   */
  async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    const events: RecordEvent[] = [];
    const files = this.newFileChanges();
    const result = await this.withFiles(files, () =>
      this.deps.db.transaction(async (tx) => {
        this.pending.set(tx, events);
        if (files) this.pendingFiles.set(tx, files);
        return fn(tx);
      }),
    );
    this.publish(events);
    return result;
  }

  /**
   * Records a write made outside this service (e.g. a cascade) so that it is announced with
   * its transaction. Only transactions opened through `transaction()` are visible here.
   */
  noteWrite(exec: Executor, event: RecordEvent): void {
    this.pending.get(exec)?.push(event);
  }

  /**
   * The one place where a write meets its commit: runs `write` in its own transaction (or
   * the caller's `exec`) and announces what it wrote once the outermost transaction commits.
   */
  private async commitWrite(
    exec: Executor | undefined,
    write: WriteFn,
    options: { ownTransaction: boolean } = { ownTransaction: true },
  ): Promise<RecordModel | undefined> {
    if (exec && exec !== this.deps.db) {
      // The caller's transaction: its own commit announces (when it was opened here), and
      // its own end keeps or removes the files (a transaction opened elsewhere takes none).
      return write(exec, (event) => this.noteWrite(exec, event), this.pendingFiles.get(exec) ?? null);
    }
    const events: RecordEvent[] = [];
    const announce = (event: RecordEvent) => {
      events.push(event);
    };
    const files = this.newFileChanges();
    const result = await this.withFiles(files, () =>
      options.ownTransaction && !exec
        ? this.deps.db.transaction((tx) => write(tx, announce, files))
        : write(this.deps.db, announce, files),
    );
    this.publish(events);
    return result;
  }

  private deleteContext(tx: Executor, announce: (event: RecordEvent) => void) {
    return {
      collections: this.deps.collections.all(),
      deleteRow: deleteRecordRow,
      announce,
      beforeDelete: async (record: RecordModel) => {
        for (const listener of this.onDeleting) await listener(tx, record);
      },
    };
  }

  private publish(events: RecordEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.onCommitted) listener(events);
  }

  collection(ref: string): Collection {
    const collection = this.deps.collections.byNameOrId(ref);
    if (!collection) throw notFound('Missing collection context.');
    return collection;
  }

  private writable(ref: string): Collection {
    const collection = this.collection(ref);
    if (collection.type === 'view') throw badRequest('Unsupported collection type.');
    return collection;
  }

  /** The list endpoint. `query` is the full URL query (expand and fields are read from it too). */
  async list(ref: string, request: RequestInfo, query: URLSearchParams): Promise<ListResult> {
    const collection = this.collection(ref);
    if (collection.listRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    checkClientParams(request, query);
    const params = parseListParams(query);
    const exec = this.deps.db;
    const rules = request.isSuperuser || collection.listRule === null ? [] : [collection.listRule];
    const input = { collection, request, rules, clientFilter: params.filter, clientSort: params.sort };
    const select = this.deps.access.select(input, { limit: params.perPage, offset: params.perPage * (params.page - 1) });
    const rowsPromise = exec.all(select.sql, select.params);
    let totalItems = -1;
    let totalPages = -1;
    if (!params.skipTotal) {
      const count = this.deps.access.count(input);
      const countRow = await exec.get<{ count: number }>(count.sql, count.params);
      totalItems = Number(countRow?.count ?? 0);
      totalPages = Math.ceil(totalItems / params.perPage);
    }
    const records = (await rowsPromise).map((row) => decodeRow(collection, row));
    const items = await this.present(exec, records, request, query.get('expand'));
    return { page: params.page, perPage: params.perPage, totalItems, totalPages, items };
  }

  async view(ref: string, id: string, request: RequestInfo, query: URLSearchParams): Promise<Record<string, unknown>> {
    const collection = this.collection(ref);
    if (collection.viewRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const record = await this.findWithRule(this.deps.db, { collection, id }, { request, rule: collection.viewRule });
    if (!record) throw notFound();
    const [out] = await this.present(this.deps.db, [record], request, query.get('expand'));
    return out!;
  }

  /** Loads a record through an access rule (`''` = open); null when missing or not allowed. */
  async findWithRule(
    exec: Executor,
    target: { collection: Collection; id: string },
    check: { request: RequestInfo; rule: string | null },
  ): Promise<RecordModel | null> {
    const { collection, id } = target;
    const { request, rule } = check;
    if (!isStorableId(id)) return null;
    if (request.isSuperuser || rule === '' || rule === null) return findRecordById(exec, collection, id);
    const select = this.deps.access.select(
      { collection, request, rules: [rule], where: (t) => [{ sql: `${t}."id" = ?`, params: [id] }] },
      { limit: 1, offset: 0 },
    );
    const row = await exec.get(select.sql, select.params);
    return row ? decodeRow(collection, row) : null;
  }

  async create(
    ref: string,
    request: RequestInfo,
    body: Record<string, unknown>,
    options: { exec?: Executor; expand?: string | null } = {},
  ): Promise<Record<string, unknown>> {
    const collection = this.writable(ref);
    if (collection.createRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const run: WriteFn = async (tx, announce, files) => {
      const record = this.newRecord(collection);
      const applied = applyInput(record, body, request.isSuperuser);
      const chosenId = goToString(body.id);
      if (chosenId !== '') record.values.id = chosenId;
      let access: AccessLevel = request.isSuperuser ? 'superuser' : 'default';
      if (!request.isSuperuser) {
        const ruleRequest = { ...request, body: applied.resolvedBody };
        await checkCreateRule(tx, this.deps.access, { collection, record, request: ruleRequest });
        if (await hasManageAccess(tx, this.deps.access, { collection, record, request: ruleRequest, candidate: true })) {
          access = 'manager';
        }
      }
      await saveRecord(tx, record, {
        ...this.saveContext(),
        isNew: true,
        applied,
        access,
        files,
        passwordConfirm: stringOrUndefined(body.passwordConfirm),
        oldPassword: stringOrUndefined(body.oldPassword),
      });
      if (collection.name === SUPERUSERS_COLLECTION && record.values.email !== INSTALLER_EMAIL) {
        // The first real superuser makes the first-run account (and its link) obsolete.
        await tx.run(`DELETE FROM "${SUPERUSERS_COLLECTION}" WHERE "email" = ?`, [INSTALLER_EMAIL]);
      }
      // The values were normalised before writing; what was written is what a read returns.
      announce({ action: 'create', record });
      return record;
    };
    const record = (await this.commitWrite(options.exec, run, { ownTransaction: !isSingleStatementCreate(collection, request) }))!;
    const [out] = await this.present(options.exec ?? this.deps.db, [record], request, options.expand ?? null);
    return out!;
  }

  async update(
    target: { ref: string; id: string },
    request: RequestInfo,
    body: Record<string, unknown>,
    options: { exec?: Executor; expand?: string | null } = {},
  ): Promise<Record<string, unknown>> {
    const { ref, id } = target;
    const collection = this.writable(ref);
    if (collection.updateRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const run: WriteFn = async (tx, announce, files) => {
      const current = await findRecordById(tx, collection, id);
      if (!current) throw notFound();
      // Modifiers resolve against the stored values, so the rule sees the final body.
      const record: RecordModel = { collection, values: { ...current.values } };
      const applied = applyInput(record, body, request.isSuperuser);
      const ruleRequest = { ...request, body: applied.resolvedBody };
      const original = await this.findWithRule(tx, { collection, id }, { request: ruleRequest, rule: collection.updateRule });
      if (!original) throw notFound();
      if (request.isSuperuser && typeof body.id === 'string' && body.id !== '') record.values.id = body.id;
      let access: AccessLevel = request.isSuperuser ? 'superuser' : 'default';
      if (!request.isSuperuser && (await hasManageAccess(tx, this.deps.access, { collection, record: original, request: ruleRequest, candidate: false }))) {
        access = 'manager';
      }
      await saveRecord(tx, record, {
        ...this.saveContext(),
        isNew: false,
        original,
        applied,
        access,
        files,
        passwordConfirm: stringOrUndefined(body.passwordConfirm),
        oldPassword: stringOrUndefined(body.oldPassword),
      });
      announce({ action: 'update', record });
      return record;
    };
    const record = (await this.commitWrite(options.exec, run))!;
    const [out] = await this.present(options.exec ?? this.deps.db, [record], request, options.expand ?? null);
    return out!;
  }

  async delete(ref: string, id: string, request: RequestInfo, options: { exec?: Executor } = {}): Promise<void> {
    const collection = this.writable(ref);
    if (collection.deleteRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const run: WriteFn = async (tx, announce) => {
      const record = await this.findWithRule(tx, { collection, id }, { request, rule: collection.deleteRule });
      if (!record) throw notFound();
      if (collection.name === SUPERUSERS_COLLECTION) {
        const row = await tx.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "${SUPERUSERS_COLLECTION}"`);
        if (Number(row?.n ?? 0) <= 1) throw badRequest("You can't delete the only existing superuser.");
      }
      // Every record deleted or detached by the cascade is announced, this one first.
      await deleteWithReferences(tx, record, this.deleteContext(tx, announce));
      if (collection.type === 'auth') await deleteAuthRefs(tx, collection.id, id);
      return undefined;
    };
    await this.commitWrite(options.exec, run);
  }

  /** Deletes every record of a collection (with reference handling), all or nothing. */
  async truncate(ref: string): Promise<void> {
    const collection = this.collection(ref);
    if (collection.type === 'view') {
      throw badRequest("View collections cannot be truncated since they don't store their own records.");
    }
    const q = this.deps.db.dialect.quoteIdent;
    try {
      // Every deleted record is announced after the commit, as a delete through the API is.
      await this.transaction(async (tx) => {
        const context = this.deleteContext(tx, (event) => this.noteWrite(tx, event));
        for (;;) {
          const rows = await tx.all(`SELECT ${selectColumns(tx, collection, collection.name)} FROM ${q(collection.name)} LIMIT 500`);
          if (rows.length === 0) break;
          for (const row of rows) {
            await deleteWithReferences(tx, decodeRow(collection, row), context);
          }
        }
      });
    } catch (err) {
      if (err instanceof AppError) {
        throw badRequest('Failed to truncate collection (most likely due to required cascade delete record references).');
      }
      throw err;
    }
  }

  newRecord(collection: Collection): RecordModel {
    return { collection, values: blankValues(collection) };
  }

  saveContext() {
    return {
      collectionById: (cid: string) => this.deps.collections.byId(cid),
      authCollections: () => this.deps.collections.all().filter((c) => c.type === 'auth'),
      clock: this.deps.clock,
    };
  }

  /** Expand, then export with the viewer's visibility (hidden fields, emails). */
  async present(
    exec: Executor,
    records: RecordModel[],
    request: RequestInfo,
    expand: string | null,
  ): Promise<Record<string, unknown>[]> {
    if (records.length === 0) return [];
    if (expand) {
      await expandRecords(exec, records, expand, {
        collections: this.deps.collections,
        request,
        access: this.deps.access,
        visibility: (recs) => this.emailVisibleIds(exec, recs, request),
      });
    }
    const visible = await this.emailVisibleIds(exec, records, request);
    return records.map((record) =>
      exportRecord(record, { showHidden: request.isSuperuser, showEmail: visible.has(String(record.values.id)) }),
    );
  }

  /** Ids of auth records whose email this viewer may see regardless of emailVisibility. */
  async emailVisibleIds(exec: Executor, records: RecordModel[], request: RequestInfo): Promise<Set<string>> {
    const ids = new Set<string>();
    const first = records[0];
    if (!first || first.collection.type !== 'auth') return ids;
    if (request.isSuperuser) {
      for (const r of records) ids.add(String(r.values.id));
      return ids;
    }
    const authId = request.auth ? String(request.auth.values.id) : null;
    for (const r of records) {
      if (authId && request.auth?.collection.id === r.collection.id && String(r.values.id) === authId) ids.add(authId);
    }
    const manageRule = first.collection.auth?.manageRule;
    if (request.auth && manageRule) {
      for (const id of await managedIds(exec, this.deps.access, { collection: first.collection, request, ids: records.map((r) => String(r.values.id)) })) {
        ids.add(id);
      }
    }
    return ids;
  }
}

/**
 * A create whose only database statement is the INSERT (no rule query, no relation or
 * cross-collection checks) is atomic on its own and needs no explicit transaction.
 */
function isSingleStatementCreate(collection: Collection, request: RequestInfo): boolean {
  return (
    collection.type === 'base' &&
    (request.isSuperuser || collection.createRule === '') &&
    !collection.fields.some((f) => f.type === 'relation')
  );
}

const AUTH_REF_TABLES = ['_mfas', '_otps', '_externalAuths', '_authOrigins'];

/** An auth record's MFA, OTP, OAuth2 link and login-origin rows go with it. */
async function deleteAuthRefs(tx: Executor, collectionId: string, recordId: string): Promise<void> {
  for (const table of AUTH_REF_TABLES) {
    await tx.run(`DELETE FROM ${tx.dialect.quoteIdent(table)} WHERE "collectionRef" = ? AND "recordRef" = ?`, [collectionId, recordId]);
  }
}

/** PocketBase's loose cast: objects and arrays read as '' rather than throwing. */
function stringOrUndefined(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return goToString(value);
}

function blankValues(collection: Collection): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of collection.fields) values[field.name] = zeroValue(field);
  return values;
}


const SUPERUSER_ONLY_PREFIXES = ['@collection.', '@request.'];

/** Guests and users may not filter or sort by @collection.* or @request.* (403). */
function checkClientParams(request: RequestInfo, query: URLSearchParams): void {
  if (request.isSuperuser) return;
  for (const name of ['filter', 'sort']) {
    const value = query.get(name);
    if (!value) continue;
    for (const prefix of SUPERUSER_ONLY_PREFIXES) {
      if (value.includes(prefix)) throw forbidden(`Only superusers can filter by ${prefix}`);
    }
  }
}

