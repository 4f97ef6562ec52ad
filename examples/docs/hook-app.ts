// examples/docs/hook-app.ts
import type { PlinthApi } from 'plinth';
import { NotFoundError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.routerAdd('POST', '/api/teams/{id}/archive', async (e) => {
    const { app } = e;
    const team = await app.findRecordById('teams', e.params.id ?? '');
    if (!team) throw new NotFoundError('No such team.');

    const members = await app.findRecordsByFilter('members', 'team = {:team} && active = true', {
      params: { team: team.id },
      sort: '-created',
      limit: 500,
    });
    const owner = await app.findFirstRecordByFilter('members', 'team = {:team} && role = "owner"', { team: team.id });
    const open = await app.countRecords('tasks', 'team = {:team} && done = false', { team: team.id });

    // Everything below commits together, or not at all.
    await app.runInTransaction(async (tx) => {
      for (const member of members) {
        member.set('active', false);
        await tx.save(member);
      }
      team.set('archived', true);
      await tx.save(team);
      await tx.save(tx.newRecord('audit', { action: 'team archived', ref: team.id }));
      const stale = await tx.findFirstRecordByFilter('invites', 'team = {:team}', { team: team.id });
      if (stale) await tx.delete(stale);
    });

    if (owner) {
      await app.sendMail({
        from: { address: app.settings().meta.senderAddress, name: app.settings().meta.senderName },
        to: [{ address: owner.getString('email') }],
        subject: `${team.getString('name')} was archived`,
        html: `<p>${open} open tasks were left as they are.</p>`,
      });
    }
    // Raw SQL when you need it: `?` placeholders on both engines, bound values only.
    const row = await app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM "members" WHERE "team" = ?', [team.id]);
    app.logger.info({ team: team.id, members: Number(row?.n ?? 0) }, 'team archived');
    const collection = app.findCollection('teams');
    e.json(200, { archived: team.id, collection: collection.name, members: members.length });
  });
};
