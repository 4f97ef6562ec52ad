// examples/docs/on-settings-update-request.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onSettingsUpdateRequest().bindFunc(async (e) => {
    if (e.newSettings.meta.appName !== e.oldSettings.meta.appName) {
      throw new BadRequestError('The app name is set at deployment.', { meta: { code: 'fixed', message: 'The app name cannot change here.' } });
    }
    await e.next(); // validates and saves e.newSettings, answers them without secrets
  });
};
