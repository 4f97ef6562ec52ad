// examples/docs/on-settings-list-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onSettingsListRequest().bindFunc(async (e) => {
    // The JSON about to be sent (secrets are already left out): add to it, or hide more.
    e.settings = { ...e.settings, deployment: { region: 'eu-west', release: '2026.12' } };
    await e.next();
  });
};
