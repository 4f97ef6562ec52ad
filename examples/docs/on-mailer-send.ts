// examples/docs/on-mailer-send.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onMailerSend().bindFunc(async (e) => {
    if (e.message.to.every((to) => to.address.endsWith('@example.test'))) return; // dropped
    e.message.headers = { ...e.message.headers, 'X-App': e.app.settings().meta.appName };
    await e.next();
  });
};
