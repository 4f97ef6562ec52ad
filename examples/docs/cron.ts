// examples/docs/cron.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  // 02:15 UTC every day.
  plinth.cronAdd('purgeSessions', '15 2 * * *', async () => {
    const cutoff = new Date(Date.now() - 30 * 86_400_000).toISOString().replace('T', ' ');
    for (const session of await plinth.app.findRecordsByFilter('sessions', 'updated < {:cutoff}', { params: { cutoff } })) {
      await plinth.app.delete(session);
    }
  });

  plinth.cronAdd('weeklyDigest', '0 8 * * mon', () => plinth.logger.info('digest time'));
  plinth.cronAdd('everyFiveMinutes', '*/5 * * * *', () => {});
  plinth.cronRemove('everyFiveMinutes');
};
