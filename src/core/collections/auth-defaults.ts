// Defaults a new auth collection starts with: token lifetimes, enabled methods and the
// email templates. Templates use PocketBase's placeholders ({APP_NAME}, {APP_URL},
// {TOKEN}, {OTP}, {ALERT_INFO}) so templates written for PocketBase keep working.

import { randomString } from '../../lib/ids.js';
import type { AuthOptions, EmailTemplate } from './model.js';
import { FIELD_EMAIL } from './names.js';

const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_LENGTH = 50;

/** A fresh random token-signing secret. */
export function newTokenSecret(): string {
  return randomString(SECRET_LENGTH, SECRET_ALPHABET);
}

const signature = `<p>
  Best regards,<br/>
  The {APP_NAME} team
</p>`;

export const DEFAULT_VERIFICATION_TEMPLATE: EmailTemplate = {
  subject: 'Verify your {APP_NAME} email',
  body: `<p>Hi,</p>
<p>Welcome to {APP_NAME}! Please confirm that this email address belongs to you.</p>
<p>
  <a class="btn" href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}" target="_blank" rel="noopener">Verify email</a>
</p>
<p><i>If you did not sign up, you can safely ignore this message.</i></p>
${signature}`,
};

export const DEFAULT_RESET_PASSWORD_TEMPLATE: EmailTemplate = {
  subject: 'Reset your {APP_NAME} password',
  body: `<p>Hi,</p>
<p>We received a request to reset your password. Use the button below to choose a new one.</p>
<p>
  <a class="btn" href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}" target="_blank" rel="noopener">Choose a new password</a>
</p>
<p><i>If you did not request a password reset, you can safely ignore this message.</i></p>
${signature}`,
};

export const DEFAULT_CONFIRM_EMAIL_CHANGE_TEMPLATE: EmailTemplate = {
  subject: 'Confirm your new {APP_NAME} email address',
  body: `<p>Hi,</p>
<p>Please confirm the change of your account email to this address.</p>
<p>
  <a class="btn" href="{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}" target="_blank" rel="noopener">Confirm new email</a>
</p>
<p><i>If you did not ask for this change, you can safely ignore this message.</i></p>
${signature}`,
};

export const DEFAULT_OTP_TEMPLATE: EmailTemplate = {
  subject: 'Your {APP_NAME} one-time password',
  body: `<p>Hi,</p>
<p>Your one-time password is <strong>{OTP}</strong>.</p>
<p><i>If you did not ask for it, you can safely ignore this message.</i></p>
${signature}`,
};

export const DEFAULT_AUTH_ALERT_TEMPLATE: EmailTemplate = {
  subject: 'New sign-in to your {APP_NAME} account',
  body: `<p>Hi,</p>
<p>Your {APP_NAME} account was just used to sign in from a new location:</p>
<p><em>{ALERT_INFO}</em></p>
<p><strong>If this was not you, change your {APP_NAME} password right away to sign out every other session.</strong></p>
<p>If it was you, no action is needed.</p>
${signature}`,
};

/**
 * A complete set of auth options as a brand-new auth collection gets them. Every token
 * type gets its own random secret (`newSecret` is injectable for tests).
 */
export function defaultAuthOptions(newSecret: () => string = newTokenSecret): AuthOptions {
  return {
    authRule: '',
    manageRule: null,
    authAlert: { enabled: true, emailTemplate: { ...DEFAULT_AUTH_ALERT_TEMPLATE } },
    oauth2: { enabled: false, mappedFields: { id: '', name: '', username: '', avatarURL: '' }, providers: [] },
    passwordAuth: { enabled: true, identityFields: [FIELD_EMAIL] },
    mfa: { enabled: false, duration: 600, rule: '' },
    otp: { enabled: false, duration: 180, length: 8, emailTemplate: { ...DEFAULT_OTP_TEMPLATE } },
    authToken: { secret: newSecret(), duration: 432000 },
    passwordResetToken: { secret: newSecret(), duration: 1800 },
    emailChangeToken: { secret: newSecret(), duration: 1800 },
    verificationToken: { secret: newSecret(), duration: 86400 },
    fileToken: { secret: newSecret(), duration: 180 },
    verificationTemplate: { ...DEFAULT_VERIFICATION_TEMPLATE },
    resetPasswordTemplate: { ...DEFAULT_RESET_PASSWORD_TEMPLATE },
    confirmEmailChangeTemplate: { ...DEFAULT_CONFIRM_EMAIL_CHANGE_TEMPLATE },
  };
}
