// Superuser accounts for the CLI (`plinth superuser …`): the same validation and hashing
// as the API, run with superuser rights; and the first-run account behind the setup link.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/types.js';
import { notFound, ValidationError, fieldError } from '../errors/index.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RecordService } from '../records/service.js';
import { findRecordById } from '../records/repository.js';
import type { AuthService } from './auth-service.js';
import { INSTALLER_EMAIL, SUPERUSERS_COLLECTION } from './auth-state.js';

/** How long the first-run link works (as PocketBase's). */
const INSTALLER_TOKEN_SECONDS = 30 * 60;

const SYSTEM: RequestInfo = { auth: null, isSuperuser: true, method: 'POST', query: {}, headers: {}, body: {}, context: 'default' };

export class SuperuserService {
  constructor(private readonly deps: { db: Database; records: RecordService; auth: AuthService }) {}

  /** True while no superuser exists other than the first-run account. */
  async needsFirstSuperuser(): Promise<boolean> {
    const row = await this.deps.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "${SUPERUSERS_COLLECTION}" WHERE "email" <> ?`, [
      INSTALLER_EMAIL,
    ]);
    return Number(row?.n ?? 0) === 0;
  }

  /**
   * A short-lived, non-refreshable superuser token for creating the first real superuser.
   * It belongs to a placeholder account with an unguessable password; creating any real
   * superuser deletes that account, which voids the token.
   */
  async firstRunToken(): Promise<string> {
    let id = await this.findId(INSTALLER_EMAIL);
    if (!id) {
      const password = randomBytes(24).toString('base64url');
      try {
        await this.deps.records.create(SUPERUSERS_COLLECTION, SYSTEM, { email: INSTALLER_EMAIL, password, passwordConfirm: password });
      } catch (err) {
        // Another node starting at the same moment may have created it first.
        if (!(await this.findId(INSTALLER_EMAIL))) throw err;
      }
      id = await this.findId(INSTALLER_EMAIL);
    }
    const collection = this.deps.records.collection(SUPERUSERS_COLLECTION);
    const record = id ? await findRecordById(this.deps.db, collection, id) : null;
    if (!record) throw notFound('The first-run account could not be created.');
    return this.deps.auth.newAuthToken(record, { durationSeconds: INSTALLER_TOKEN_SECONDS, refreshable: false });
  }

  private async findId(email: string): Promise<string | null> {
    const row = await this.deps.db.get<{ id: string }>(`SELECT "id" FROM "${SUPERUSERS_COLLECTION}" WHERE LOWER("email") = LOWER(?) LIMIT 1`, [email]);
    return row?.id ?? null;
  }

  async create(email: string, password: string): Promise<void> {
    if (await this.findId(email)) {
      throw new ValidationError({ email: fieldError('validation_not_unique', 'Value must be unique.') }, 'Failed to create superuser.');
    }
    await this.deps.records.create(SUPERUSERS_COLLECTION, SYSTEM, { email, password, passwordConfirm: password });
  }

  async setPassword(email: string, password: string): Promise<void> {
    const id = await this.findId(email);
    if (!id) throw notFound(`No superuser with email ${email}.`);
    await this.deps.records.update({ ref: SUPERUSERS_COLLECTION, id }, { ...SYSTEM, method: 'PATCH' }, { password, passwordConfirm: password });
  }

  async upsert(email: string, password: string): Promise<void> {
    if (await this.findId(email)) await this.setPassword(email, password);
    else await this.create(email, password);
  }

  async delete(email: string): Promise<void> {
    const id = await this.findId(email);
    if (!id) throw notFound(`No superuser with email ${email}.`);
    await this.deps.records.delete(SUPERUSERS_COLLECTION, id, { ...SYSTEM, method: 'DELETE' });
  }
}
