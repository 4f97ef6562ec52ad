// examples/docs/on-settings-reload.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onSettingsReload().bindFunc(async (e) => {
    // At start, after every save, and when another node saved: e.settings are now in use.
    if (!e.settings.smtp.enabled) e.app.logger.warn({ appName: e.settings.meta.appName }, 'no SMTP server: mails will not leave');
    await e.next();
  });
};
