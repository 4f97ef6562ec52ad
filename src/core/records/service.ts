// The records use cases behind /api/collections/{collection}/records: list, view,
// create, update, delete — with PocketBase's rule semantics:
//   null rule  → superusers only (403);  ""  → everyone;  an expression → a SQL filter:
//   list drops rows, view/update/delete answer 404, create answers 400.
import { withFusedInserts } from '../../db/fused-inserts.js';
import type { Database, Executor, TransactionExecutor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import type { Collection } from '../collections/model.js';
import { zeroValue } from '../collections/fields/index.js';
import { goToString } from '../collections/fields/go-cast.js';
import { AppError, badRequest, forbidden, notFound } from '../errors/index.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import { expandRecords } from './expand.js';
import { exportRecord } from './export.js';
import { applyInput, type AppliedInput } from './input.js';
import { parseListParams } from './list-params.js';
import type { RecordModel } from './record.js';
import { decodeRow, deleteRecordRow, findRecordById, isStorableId, selectColumns } from './repository.js';
import { rowWriteError, saveRecord, type AccessLevel } from './save.js';
import { deleteWithReferences } from './delete.js';
import { checkCreateRule, hasManageAccess, managedIds } from './rule-checks.js';
import { INSTALLER_EMAIL, SUPERUSERS_COLLECTION } from '../auth/auth-state.js';
import type { CommittedListener, RecordEvent } from './events.js';
import type { Logger } from 'pino';
import type { BlobStore } from '../../storage/types.js';
import { FileChanges, recordFilesPrefix } from '../files/upload-changes.js';
import { NO_WRITE_HOOKS, type RecordOutbox, type RecordWriteHooks } from './write-hooks.js';
import { WriteScopes, type WriteScope } from './write-scope.js';

type WriteFn = (tx: Executor, scope: WriteScope) => Promise<RecordModel | undefined>;
/**
 * How a write of this service's own meets the database: in a transaction; as its one
 * statement, when it has only one (no transaction needed); or, on PostgreSQL, as one statement
 * gathering its inserts, when they are the record's and its outbox's rows.
 */
type WriteMode = 'transaction' | 'direct' | 'fused';

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

/** A record about to be saved by a create or update request, with the input applied to it. */
export interface RecordDraft {
  record: RecordModel;
  applied: AppliedInput;
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
  private files: { store: () => BlobStore; logger?: Logger } | null = null;
  private writeHooks: RecordWriteHooks = NO_WRITE_HOOKS;
  private outbox: RecordOutbox | null = null;
  private readonly scopes: WriteScopes;

  constructor(private readonly deps: RecordServiceDeps) {
    this.scopes = new WriteScopes({
      newFiles: () => (this.files ? new FileChanges({ store: this.files.store(), logger: this.files.logger }) : null),
      hooks: () => this.writeHooks,
      publish: (events) => this.publish(events),
    });
  }

  /** Work to write in the same transaction as each record write it wants (webhook deliveries). */
  useOutbox(outbox: RecordOutbox): void {
    this.outbox = outbox;
  }

  private async toOutbox(tx: Executor, event: RecordEvent): Promise<void> {
    if (this.outbox?.wants(event.record.collection)) await this.outbox.written(tx, event);
  }

  /** Extension code around every model write from now on (see write-hooks.ts). */
  useWriteHooks(hooks: RecordWriteHooks): void {
    this.writeHooks = hooks;
  }

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

  /**
   * A transaction whose record writes (made with `exec: tx`) are announced only after it
   * commits, all together and in order; a rollback announces nothing. Given `within` (a
   * transaction opened here), it nests as a savepoint of that one and shares its fate.
   */
  async transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>, within?: Executor): Promise<T> {
    if (within && within !== this.deps.db && 'transaction' in within) {
      // A savepoint: its writes share the outer transaction's fate (and announcements).
      const outer = this.scopes.of(within) ?? this.scopes.open();
      return (within as TransactionExecutor).transaction(async (tx) => {
        this.scopes.attach(tx, outer);
        return fn(tx);
      });
    }
    const scope = this.scopes.open();
    return this.scopes.run(scope, () =>
      this.deps.db.transaction(async (tx) => {
        this.scopes.attach(tx, scope);
        return fn(tx);
      }),
    );
  }

  /**
   * Records a write made outside this service (e.g. a cascade) so that it is announced with
   * its transaction. Only transactions opened through `transaction()` are visible here.
   */
  noteWrite(exec: Executor, event: RecordEvent): void {
    this.scopes.of(exec)?.announce(event);
  }

  /**
   * Runs `fn` once the transaction behind `exec` committed. Outside a transaction opened
   * here (the database itself, or a transaction of unknown origin) it runs on the next turn.
   */
  afterCommit(exec: Executor, fn: () => void): void {
    const scope = exec === this.deps.db ? undefined : this.scopes.of(exec);
    if (scope) scope.afterCommit(fn);
    else setImmediate(fn);
  }

  /**
   * The one place where a write meets its commit: runs `write` in its own transaction (or
   * the caller's `exec`) and announces what it wrote once the outermost transaction commits.
   */
  private async commitWrite(exec: Executor | undefined, write: WriteFn, mode: WriteMode = 'transaction'): Promise<RecordModel | undefined> {
    if (exec && exec !== this.deps.db) {
      // The caller's transaction: its own end announces, keeps or removes the files and
      // tells the hooks (when it was opened here; one opened elsewhere gets a scope of its own
      // that never publishes, as before).
      const scope = this.scopes.of(exec) ?? this.scopes.open();
      return write(exec, scope);
    }
    const scope = this.scopes.open();
    // `exec` here is absent or the database itself: either way the write is this call's own.
    const own = (tx: Executor) => {
      this.scopes.attach(tx, scope);
      return write(tx, scope);
    };
    return this.scopes.run(scope, () => {
      if (mode === 'transaction') return this.deps.db.transaction(own);
      if (mode === 'fused') return withFusedInserts(this.deps.db, own);
      return write(this.deps.db, scope);
    });
  }

  private deleteContext(tx: Executor, scope: WriteScope) {
    return {
      collections: this.deps.collections.all(),
      deleteRow: deleteRecordRow,
      announce: scope.announce,
      beforeDelete: async (record: RecordModel) => {
        for (const listener of this.onDeleting) await listener(tx, record);
        // Before the row goes, so that a condition on the record can still be checked.
        await this.toOutbox(tx, { action: 'delete', record });
      },
      detached: (event: RecordEvent) => this.toOutbox(tx, event),
      // Records the cascade removes go through the delete hooks as one deleted directly does.
      cascade: async (record: RecordModel, run: () => Promise<void>) => {
        const stage = { action: 'delete' as const, exec: tx, record };
        await scope.hooks.write(stage, () =>
          scope.hooks.execute(stage, async () => {
            await run();
            if (record.collection.type === 'auth') await deleteAuthRefs(tx, record.collection.id, String(record.values.id));
          }),
        );
      },
    };
  }

  /** Notes a create or update for after the commit, and hands it to the outbox inside the transaction. */
  private async announce(tx: Executor, scope: WriteScope, event: RecordEvent): Promise<void> {
    scope.announce(event);
    await this.toOutbox(tx, event);
  }

  private publish(events: RecordEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.onCommitted) listener(events);
  }

  /** The database handle reads outside a transaction go through. */
  get executor(): Executor {
    return this.deps.db;
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
    const { records, page, perPage, totalItems, totalPages } = await this.findPage(ref, request, query);
    const items = await this.present(this.deps.db, records, request, query.get('expand'));
    return { page, perPage, totalItems, totalPages, items };
  }

  /** The list endpoint's records (rules and the client's filter, sort and page applied), not yet exported. */
  async findPage(ref: string, request: RequestInfo, query: URLSearchParams): Promise<Omit<ListResult, 'items'> & { collection: Collection; records: RecordModel[] }> {
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
    return { collection, records, page: params.page, perPage: params.perPage, totalItems, totalPages };
  }

  async view(ref: string, id: string, request: RequestInfo, query: URLSearchParams): Promise<Record<string, unknown>> {
    const collection = this.viewable(ref, request);
    const record = await this.findWithRule(this.deps.db, { collection, id }, { request, rule: collection.viewRule });
    if (!record) throw notFound();
    const [out] = await this.present(this.deps.db, [record], request, query.get('expand'));
    return out!;
  }

  /** The view endpoint's record (view rule applied), not yet exported; 404 when missing or not allowed. */
  async findForView(ref: string, id: string, request: RequestInfo): Promise<RecordModel> {
    const collection = this.viewable(ref, request);
    const record = await this.findWithRule(this.deps.db, { collection, id }, { request, rule: collection.viewRule });
    if (!record) throw notFound();
    return record;
  }

  private viewable(ref: string, request: RequestInfo): Collection {
    const collection = this.collection(ref);
    if (collection.viewRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    return collection;
  }

  /**
   * The record a create request would save — built from the body, not yet checked or written —
   * for request hooks to see and change before `create(…, { draft })` saves it.
   */
  draftCreate(ref: string, request: RequestInfo, body: Record<string, unknown>): RecordDraft {
    const collection = this.writable(ref);
    if (collection.createRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const record = this.newRecord(collection);
    const applied = applyInput(record, body, request.isSuperuser);
    const chosenId = goToString(body.id);
    if (chosenId !== '') record.values.id = chosenId;
    return { record, applied };
  }

  /** The stored record with the update's body applied (no rule checked yet); 404 when missing. */
  async draftUpdate(target: { ref: string; id: string }, request: RequestInfo, body: Record<string, unknown>, exec?: Executor): Promise<RecordDraft> {
    const collection = this.writable(target.ref);
    if (collection.updateRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const current = await findRecordById(exec ?? this.deps.db, collection, target.id);
    if (!current) throw notFound();
    const record: RecordModel = { collection, values: { ...current.values } };
    return { record, applied: applyInput(record, body, request.isSuperuser) };
  }

  /** The record a delete request would remove (no rule checked yet); 404 when missing. */
  async findForDelete(ref: string, id: string, request: RequestInfo, exec?: Executor): Promise<RecordModel> {
    const collection = this.writable(ref);
    if (collection.deleteRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const record = await findRecordById(exec ?? this.deps.db, collection, id);
    if (!record) throw notFound();
    return record;
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
    options: { exec?: Executor; expand?: string | null; draft?: RecordDraft } = {},
  ): Promise<Record<string, unknown>> {
    const collection = this.writable(ref);
    if (collection.createRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const run: WriteFn = async (tx, scope) => {
      const { record, applied } = options.draft ?? this.draftCreate(ref, request, body);
      let access: AccessLevel = request.isSuperuser ? 'superuser' : 'default';
      if (!request.isSuperuser) {
        const ruleRequest = { ...request, body: applied.resolvedBody };
        await checkCreateRule(tx, this.deps.access, { collection, record, request: ruleRequest });
        if (await hasManageAccess(tx, this.deps.access, { collection, record, request: ruleRequest, candidate: true })) {
          access = 'manager';
        }
      }
      const written = await saveRecord(tx, record, {
        ...this.saveContext(),
        isNew: true,
        applied,
        access,
        files: scope.files,
        hooks: scope.hooks,
        passwordConfirm: stringOrUndefined(body.passwordConfirm),
        oldPassword: stringOrUndefined(body.oldPassword),
      });
      if (collection.name === SUPERUSERS_COLLECTION && record.values.email !== INSTALLER_EMAIL) {
        // The first real superuser makes the first-run account (and its link) obsolete.
        await tx.run(`DELETE FROM "${SUPERUSERS_COLLECTION}" WHERE "email" = ?`, [INSTALLER_EMAIL]);
      }
      // The values were normalised before writing; what was written is what a read returns.
      if (written) await this.announce(tx, scope, { action: 'create', record });
      return record;
    };
    const singleStatement = isSingleStatementCreate(collection, request) && !this.writeHooks.bound(collection);
    const outboxWants = !!this.outbox?.wants(collection);
    const write: WriteMode = !singleStatement
      ? 'transaction'
      : !outboxWants
        ? 'direct'
        : this.deps.db.dialect.name === 'postgres' && this.outbox!.insertsOnly(collection, 'create')
          ? 'fused'
          : 'transaction';
    let record: RecordModel;
    try {
      record = (await this.commitWrite(options.exec, run, write))!;
    } catch (err) {
      // A fused write reaches the database after saveRecord returned: its failures are told here.
      // (Inside a caller's transaction the mode does not apply, nor does this.)
      const fused = write === 'fused' && (!options.exec || options.exec === this.deps.db);
      throw fused ? rowWriteError(err, collection, true) : err;
    }
    const [out] = await this.present(options.exec ?? this.deps.db, [record], request, options.expand ?? null);
    return out!;
  }

  async update(
    target: { ref: string; id: string },
    request: RequestInfo,
    body: Record<string, unknown>,
    options: { exec?: Executor; expand?: string | null; draft?: RecordDraft } = {},
  ): Promise<Record<string, unknown>> {
    const { ref, id } = target;
    const collection = this.writable(ref);
    if (collection.updateRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const run: WriteFn = async (tx, scope) => {
      const current = await findRecordById(tx, collection, id);
      if (!current) throw notFound();
      // Modifiers resolve against the stored values, so the rule sees the final body.
      let record: RecordModel;
      let applied: AppliedInput;
      if (options.draft) {
        ({ record, applied } = options.draft);
      } else {
        record = { collection, values: { ...current.values } };
        applied = applyInput(record, body, request.isSuperuser);
      }
      const ruleRequest = { ...request, body: applied.resolvedBody };
      const original = await this.findWithRule(tx, { collection, id }, { request: ruleRequest, rule: collection.updateRule });
      if (!original) throw notFound();
      if (request.isSuperuser && typeof body.id === 'string' && body.id !== '') record.values.id = body.id;
      let access: AccessLevel = request.isSuperuser ? 'superuser' : 'default';
      if (!request.isSuperuser && (await hasManageAccess(tx, this.deps.access, { collection, record: original, request: ruleRequest, candidate: false }))) {
        access = 'manager';
      }
      const written = await saveRecord(tx, record, {
        ...this.saveContext(),
        isNew: false,
        original,
        applied,
        access,
        files: scope.files,
        hooks: scope.hooks,
        passwordConfirm: stringOrUndefined(body.passwordConfirm),
        oldPassword: stringOrUndefined(body.oldPassword),
      });
      if (written) await this.announce(tx, scope, { action: 'update', record });
      return record;
    };
    const record = (await this.commitWrite(options.exec, run))!;
    const [out] = await this.present(options.exec ?? this.deps.db, [record], request, options.expand ?? null);
    return out!;
  }

  async delete(ref: string, id: string, request: RequestInfo, options: { exec?: Executor } = {}): Promise<void> {
    const collection = this.writable(ref);
    if (collection.deleteRule === null && !request.isSuperuser) throw forbidden(ONLY_SUPERUSERS);
    const run: WriteFn = async (tx, scope) => {
      const record = await this.findWithRule(tx, { collection, id }, { request, rule: collection.deleteRule });
      if (!record) throw notFound();
      if (collection.name === SUPERUSERS_COLLECTION) {
        const row = await tx.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "${SUPERUSERS_COLLECTION}"`);
        if (Number(row?.n ?? 0) <= 1) throw badRequest("You can't delete the only existing superuser.");
      }
      await this.removeModel(tx, scope, record);
      return undefined;
    };
    await this.commitWrite(options.exec, run);
  }

  /** Deletes one record with its cascades inside `tx`, through the write hooks. */
  private async removeModel(tx: Executor, scope: WriteScope, record: RecordModel): Promise<void> {
    const stage = { action: 'delete' as const, exec: tx, record };
    await scope.hooks.write(stage, () =>
      scope.hooks.execute(stage, async () => {
        // Every record deleted or detached by the cascade is announced, this one first.
        await deleteWithReferences(tx, record, this.deleteContext(tx, scope));
        if (record.collection.type === 'auth') await deleteAuthRefs(tx, record.collection.id, String(record.values.id));
      }),
    );
  }

  /**
   * Saves a record made or changed by extension code: created when its id is not stored yet,
   * updated otherwise; validated and run through the write hooks, with no API rules.
   */
  async saveModel(record: RecordModel, options: { applied?: AppliedInput; exec?: Executor } = {}): Promise<void> {
    const applied = options.applied ?? { touched: new Set<string>(), plainPasswords: new Map(), resolvedBody: {} };
    const run: WriteFn = async (tx, scope) => {
      const id = String(record.values.id ?? '');
      const original = id === '' ? null : await findRecordById(tx, record.collection, id);
      const written = await saveRecord(tx, record, {
        ...this.saveContext(),
        isNew: !original,
        original: original ?? undefined,
        applied,
        access: 'superuser',
        files: scope.files,
        hooks: scope.hooks,
      });
      if (written) await this.announce(tx, scope, { action: original ? 'update' : 'create', record });
      return record;
    };
    await this.commitWrite(options.exec, run);
  }

  /** Deletes a record for extension code (cascades and write hooks included, no API rules). */
  async deleteModel(record: RecordModel, options: { exec?: Executor } = {}): Promise<void> {
    await this.commitWrite(options.exec, async (tx, scope) => {
      await this.removeModel(tx, scope, record);
      return undefined;
    });
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
      // Each goes through the delete hooks, as a delete through the API does.
      await this.transaction(async (tx) => {
        const scope = this.scopes.of(tx)!;
        const tried = new Set<string>();
        for (;;) {
          const rows = await tx.all(`SELECT ${selectColumns(tx, collection, collection.name)} FROM ${q(collection.name)} LIMIT 500`);
          if (rows.length === 0) break;
          for (const row of rows) {
            const record = decodeRow(collection, row);
            const id = String(record.values.id);
            // A hook that returned without next() kept this record: stop rather than loop.
            if (tried.has(id)) throw badRequest('Failed to truncate collection: a hook kept a record from being deleted.');
            tried.add(id);
            await this.removeModel(tx, scope, record);
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

