import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEmailFormat } from './email-format.js';
import { isDomainFormat, isUrlFormat, parseGoUrl } from './url-format.js';

describe('isEmailFormat', () => {
  const valid = [
    'test@example.com',
    'a.b-c+d@sub.example.co',
    "o'brien@example.ie",
    'user@localhost.localdomain',
    'x@example.com.',
    'ünï@exämple.com',
    // govalidator's quoted form is a run of `"x` items closed by `"` (see email-format.ts).
    '"a"@example.com',
    '"a"b"(c"@example.com',
    '"@example.com',
    'a@b-c.d_e~f.museum',
    'TEST@EXAMPLE.COM',
  ];
  const invalid = [
    '',
    'plain',
    '@example.com',
    'a@',
    'a@localhost',
    'a..b@example.com',
    '.a@example.com',
    'a@example.c0',
    'a@-example.com',
    'a b@example.com',
    'a@example..com.',
    '"unclosed@example.com',
    '"quoted name"@example.com',
    'a@b@example',
  ];
  for (const value of valid) test(`valid: ${value}`, () => assert.equal(isEmailFormat(value), true));
  for (const value of invalid) test(`invalid: ${JSON.stringify(value)}`, () => assert.equal(isEmailFormat(value), false));

  test('long crafted inputs are answered (no exponential backtracking)', () => {
    assert.equal(isEmailFormat(`a@${'a.'.repeat(5000)}!`), false);
    assert.equal(isEmailFormat(`"${'('.repeat(5000)}@example.com`), false);
    assert.equal(isEmailFormat(`${'a'.repeat(5000)}@${'b'.repeat(5000)}.com`), true);
  });
});

describe('isUrlFormat', () => {
  const valid = [
    'https://example.com',
    'http://example.com/path?q=1#frag',
    'https://sub.domain.example.co.uk/a/b',
    'example.com',
    'example.com:8080',
    'http://localhost',
    'http://localhost:3000/x',
    'http://127.0.0.1:8090/_/',
    'https://user:pass@example.com/',
    'ftp://files.example.org/file.txt',
    'ws://example.com/socket',
    'https://例子.测试',
    'http://[::1]:8080/',
    'https://example.com.',
    'http://a-b--c.example.com',
    // Accepted by the govalidator version PocketBase pins: "http" is read as a host,
    // "mailto:someone" as user info.
    'http//example.com',
    'mailto:someone@example.com',
  ];
  const invalid = [
    '',
    'abc',
    'localhost',
    'https://',
    'https://exa mple.com',
    'https://example.com/pa th',
    '.example.com',
    'http://.example.com',
    'http://example.com:port',
    'http://-example.com',
    'javascript:alert(1)',
    'https://%zz.com',
  ];
  for (const value of valid) test(`valid: ${value}`, () => assert.equal(isUrlFormat(value), true));
  for (const value of invalid) test(`invalid: ${JSON.stringify(value)}`, () => assert.equal(isUrlFormat(value), false));

  test('long crafted inputs are answered (no exponential backtracking)', () => {
    assert.equal(isUrlFormat(`http://${'a-'.repeat(1000)}!`), false);
    assert.equal(isUrlFormat(`http://${'a.'.repeat(1000)}`), false);
    assert.equal(isUrlFormat(`${'a@'.repeat(1000)}x`), false);
  });

  test('the host Go reports', () => {
    assert.equal(parseGoUrl('https://user@example.com:8080/a')?.host, 'example.com:8080');
    assert.equal(parseGoUrl('example.com/a')?.host, '');
    assert.equal(parseGoUrl('//example.com/a')?.host, 'example.com');
    assert.equal(parseGoUrl('http://exa mple.com'), null);
  });
});

describe('isDomainFormat', () => {
  for (const value of ['example.com', 'a.b.c.io', 'xn--80ak6aa92e.com', 'a-b.example.org']) {
    test(`valid: ${value}`, () => assert.equal(isDomainFormat(value), true));
  }
  for (const value of ['', 'localhost', 'example', '-a.com', 'a_b.com', 'example.c0m', 'a..com', `${'a'.repeat(64)}.com`]) {
    test(`invalid: ${JSON.stringify(value)}`, () => assert.equal(isDomainFormat(value), false));
  }
});
