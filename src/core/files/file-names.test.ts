import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseFileName } from './file-names.js';

const random = (length: number) => 'r'.repeat(length);
const name = (original: string, detectedExtension = '') => normaliseFileName(original, { detectedExtension, random });

test('stored names: snake_case stem, random suffix, cleaned extension', () => {
  const cases: Array<[string, string, string?]> = [
    ['My Photo.PNG', 'my_photo_rrrrrrrrrr.PNG'],
    ['myTestDB.txt', 'my_test_db_rrrrrrrrrr.txt'],
    ['archive.tar.gz', 'archive_rrrrrrrrrr.tar.gz'],
    ['a.txt', 'arrrrrrrrrr_rrrrrrrrrr.txt'],
    ['noext', 'noext_rrrrrrrrrr.png', '.png'],
    ['noext', 'noext_rrrrrrrrrr'],
    ['../../etc/passwd', 'rrrrrrrrrr_rrrrrrrrrr.etcpasswd'],
    ['.htaccess', 'rrrrrrrrrr_rrrrrrrrrr.htaccess'],
    ['weird.p<n>g', 'weird_rrrrrrrrrr.png'],
    ['x.', 'xrrrrrrrrrr_rrrrrrrrrr.bin', '.bin'],
    ['Ünïcödé naïve.txt', 'n_c_d_na_ve_rrrrrrrrrr.txt'],
  ];
  for (const [original, expected, detected] of cases) assert.equal(name(original, detected), expected, original);
});

test('lengths are bounded: stem 100, extension 20 (plus its dot)', () => {
  const out = name(`${'a'.repeat(500)}.${'b'.repeat(40)}`);
  assert.equal(out, `${'a'.repeat(100)}_rrrrrrrrrr.${'b'.repeat(20)}`);
});

test('a real random suffix differs between calls', () => {
  assert.notEqual(normaliseFileName('same.txt', { detectedExtension: '' }), normaliseFileName('same.txt', { detectedExtension: '' }));
});
