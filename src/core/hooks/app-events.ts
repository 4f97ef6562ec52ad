// Events of the application's life and of outgoing mail.
import type { MailMessage } from '../mail/types.js';
import type { HookApp } from './hook-app.js';
import { BaseEvent } from './events.js';

/** Bootstrap (services ready, before serving) and terminate (shutting down). */
export class AppEvent extends BaseEvent {
  constructor(readonly app: HookApp) {
    super();
  }
}

/** The HTTP server is about to listen; `address` is filled in once it does. */
export class ServeEvent extends AppEvent {
  address = '';
}

/** A mail about to go out: change `message`, or return without `next()` to drop it. */
export class MailerEvent extends BaseEvent {
  constructor(
    readonly app: HookApp,
    public message: MailMessage,
  ) {
    super();
  }
}
