// examples/docs/routes.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError, requireAuth } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.routerAdd('GET', '/api/hello/{name}', (e) => {
    e.json(200, { hello: e.params.name, lang: e.query.get('lang') ?? 'en' });
  });

  plinth.routerAdd(
    'POST',
    '/api/feedback',
    async (e) => {
      const text = typeof e.body.text === 'string' ? e.body.text.trim() : '';
      if (text === '') throw new BadRequestError('Say something.', { text: { code: 'required', message: 'Cannot be blank.' } });
      const feedback = e.app.newRecord('feedback', { text, author: e.auth?.id ?? '', ip: e.ip });
      await e.app.save(feedback);
      e.json(201, { id: feedback.id });
    },
    requireAuth('users'),
  );

  plinth.routerAdd('GET', '/robots.txt', (e) => e.text(200, 'User-agent: *\nDisallow: /api/\n'));
  plinth.routerAdd('GET', '/welcome', (e) => e.html(200, '<h1>Welcome</h1>'));
  plinth.routerAdd('GET', '/docs', (e) => e.redirect(302, 'https://example.com/docs'));
  plinth.routerAdd('DELETE', '/api/cache', (e) => e.noContent(), requireAuth());
  plinth.routerAdd('GET', '/files/{path...}', (e) => e.text(200, `you asked for ${e.params['*']}`)); // the rest of the path
  plinth.routerAdd('GET', '/api/export.csv', (e) => {
    async function* rows() {
      yield 'id,name\n';
      for (const row of [['1', 'Ada']]) yield `${row.join(',')}\n`;
    }
    e.stream(200, 'text/csv', rows());
  });
};
