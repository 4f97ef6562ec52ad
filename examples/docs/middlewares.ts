// examples/docs/middlewares.ts
import type { Middleware, PlinthApi } from 'plinth';
import { requireGuestOnly, requireSuperuserAuth, TooManyRequestsError } from 'plinth';

/** A middleware of your own: it answers (or throws), or lets the request through with next(). */
function onlyFromOffice(): Middleware {
  return async (e) => {
    if (!e.ip.startsWith('10.1.')) throw new TooManyRequestsError('Try again from the office.');
    await e.next();
  };
}

export default (plinth: PlinthApi) => {
  // Around every request, built-in routes included.
  plinth.routerUse(async (e) => {
    const started = performance.now();
    e.response.setHeader('X-Served-By', 'plinth');
    await e.next();
    e.app.logger.debug({ method: e.method, path: e.path, ms: performance.now() - started }, 'request');
  });

  // Around one route, in the order given, before its handler.
  plinth.routerAdd('POST', '/api/reindex', (e) => e.json(202, { started: true }), requireSuperuserAuth(), onlyFromOffice());
  plinth.routerAdd('GET', '/api/signup-form', (e) => e.html(200, '<form>…</form>'), requireGuestOnly());
};
