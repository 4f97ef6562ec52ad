// Binding a PATCH body onto the settings (Go JSON-decoding semantics) and validating them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors/index.js';
import { bindSettings, validateSettings } from './settings-input.js';
import { defaultSettings, publicSettings } from './settings.js';

describe('settings binding', () => {
  test('absent keys keep their value, null keeps a scalar, arrays replace', () => {
    const current = defaultSettings();
    current.smtp.password = 'kept';
    const next = bindSettings(current, { smtp: { host: 'mail.test', password: null }, trustedProxy: { headers: ['X-Real-IP'] }, unknown: { x: 1 } });
    assert.equal(next.smtp.host, 'mail.test');
    assert.equal(next.smtp.password, 'kept');
    assert.equal(next.smtp.port, 587);
    assert.deepEqual(next.trustedProxy.headers, ['X-Real-IP']);
    assert.equal(current.smtp.host, 'smtp.example.com', 'the current settings are not modified');
    assert.equal('unknown' in next, false);
  });

  for (const body of [{ smtp: { port: '25' } }, { smtp: { port: 2.5 } }, { meta: 'x' }, { rateLimits: { rules: [1] } }, { trustedProxy: { headers: [1] } }]) {
    test(`a wrong type refuses the body: ${JSON.stringify(body)}`, () => {
      assert.throws(() => bindSettings(defaultSettings(), body), (err: unknown) => err instanceof AppError && Object.keys(err.data).length === 0);
    });
  }
});

describe('settings validation', () => {
  test('the defaults are valid', () => {
    assert.deepEqual(validateSettings(defaultSettings()), {});
  });

  test('each section reports its own fields', () => {
    const s = defaultSettings();
    s.meta.senderAddress = 'nope';
    s.smtp = { ...s.smtp, enabled: true, host: 'bad host!', port: 0, authMethod: 'CRAM' as never, localName: 'ok.local' };
    s.s3.enabled = true;
    s.backups.cron = 'every day';
    s.batch.maxBodySize = -1;
    s.superuserIPs = ['10.0.0.0/8', '300.1.1.1'];
    s.rateLimits.rules = [{ label: '/api/', audience: '@bots' as never, duration: 1, maxRequests: 1 }];
    const errors = validateSettings(s) as Record<string, Record<string, { code: string }>>;
    assert.equal(errors.meta!.senderAddress!.code, 'validation_is_email');
    assert.equal(errors.smtp!.host!.code, 'validation_is_host');
    assert.equal(errors.smtp!.port!.code, 'validation_required');
    assert.equal(errors.smtp!.authMethod!.code, 'validation_in_invalid');
    assert.equal(errors.smtp!.localName, undefined);
    assert.deepEqual(Object.keys(errors.s3!).sort(), ['accessKey', 'bucket', 'endpoint', 'region', 'secret']);
    assert.equal(errors.backups!.cron!.code, 'validation_invalid_cron');
    assert.equal(errors.batch!.maxBodySize!.code, 'validation_min_greater_equal_than_required');
    assert.deepEqual(Object.keys(errors.superuserIPs!), ['1']);
    assert.equal((errors.rateLimits as unknown as { rules: Record<string, Record<string, { code: string }>> }).rules['0']!.audience!.code, 'validation_in_invalid');
  });

  test('the public copy has no secrets', () => {
    const s = defaultSettings();
    s.smtp.password = 'p';
    s.s3.secret = 's';
    s.backups.s3.secret = 'b';
    const text = JSON.stringify(publicSettings(s));
    assert.ok(!/"password"|"secret"/.test(text));
    assert.equal(s.smtp.password, 'p', 'the original is untouched');
  });
});
