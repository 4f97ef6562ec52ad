// Superuser accounts for the CLI (`plinth superuser …`): the same validation and hashing
// as the API, run with superuser rights.
import type { Database } from '../../db/types.js';
import { notFound, ValidationError, fieldError } from '../errors/index.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RecordService } from '../records/service.js';
import { SUPERUSERS_COLLECTION } from './auth-state.js';

const SYSTEM: RequestInfo = { auth: null, isSuperuser: true, method: 'POST', query: {}, headers: {}, body: {}, context: 'default' };

export class SuperuserService {
  constructor(private readonly deps: { db: Database; records: RecordService }) {}

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
