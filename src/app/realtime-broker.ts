// The broker realtime events take between nodes when one is configured (`--realtime-broker`).
// Without one, PostgreSQL carries them itself (NOTIFY); SQLite has one node and needs neither.
//
// Two deployments may share one Redis or NATS server, so the channel is named after the
// database the nodes share: its server's system identifier (when the role may read it), the
// database name and the schema, hashed. Nodes of one deployment agree on these whatever
// address or user each connects with.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Database, NodeMessages } from '../db/types.js';
import { NatsNodeMessages } from '../db/brokers/nats-messages.js';
import { RedisNodeMessages } from '../db/brokers/redis-messages.js';

/** The broker channel of this deployment, or undefined when none is configured or usable. */
export async function openBrokerMessages(config: Config, db: Database, logger: Logger): Promise<NodeMessages | undefined> {
  const url = config.realtimeBroker;
  if (!url) return undefined;
  if (db.dialect.name !== 'postgres') {
    logger.warn('--realtime-broker is ignored on SQLite: one process serves the database, there are no other nodes');
    return undefined;
  }
  const name = `plinth.realtime.${await deploymentId(db)}`;
  const onError = (err: Error): void => logger.warn({ err }, 'realtime broker: connection trouble');
  if (/^nats:/i.test(url)) return new NatsNodeMessages({ url, subject: name, onError });
  return new RedisNodeMessages({ url, channel: name, onError });
}

/** A short hash naming the shared database (same for every node on it). */
export async function deploymentId(db: Database): Promise<string> {
  const where = await db.get<{ d: string; s: string }>('SELECT current_database() AS d, current_schema() AS s');
  // Managed servers may refuse this function: then the name and schema alone tell deployments apart.
  const server = await db
    .get<{ id: string }>('SELECT CAST(system_identifier AS TEXT) AS id FROM pg_control_system()')
    .catch(() => undefined);
  return createHash('sha256')
    .update(JSON.stringify([server?.id ?? '', where?.d ?? '', where?.s ?? '']))
    .digest('hex')
    .slice(0, 32);
}
