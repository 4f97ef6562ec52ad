import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH_AUDIENCES, findRateLimitRule, GUEST_AUDIENCES, readRateLimits, type RateLimitRule } from './rules.js';

const rule = (label: string, audience: RateLimitRule['audience'] = '', maxRequests = 1): RateLimitRule => ({
  label,
  audience,
  duration: 1,
  maxRequests,
});

// The labels a request carries, most specific first, as the limiter builds them.
const crudLabels = (collection: string, tag: string, method: string, path: string) => [
  `${collection}:${tag}`,
  `*:${tag}`,
  `${method} ${path}`,
  path,
];

test('an exact label beats a wildcard tag, which beats the path forms', () => {
  const rules = [rule('/api/'), rule('*:create'), rule('users:create'), rule('POST /api/collections/users/records')];
  const labels = crudLabels('users', 'create', 'POST', '/api/collections/users/records');
  assert.equal(findRateLimitRule(rules, labels, GUEST_AUDIENCES)?.label, 'users:create');
  assert.equal(findRateLimitRule(rules.slice(0, 2), labels, GUEST_AUDIENCES)?.label, '*:create');
  assert.equal(findRateLimitRule([rules[0]!, rules[3]!], labels, GUEST_AUDIENCES)?.label, 'POST /api/collections/users/records');
  assert.equal(findRateLimitRule([rules[0]!], labels, GUEST_AUDIENCES)?.label, '/api/');
  assert.equal(findRateLimitRule([rule('posts:create')], labels, GUEST_AUDIENCES), null);
});

test('prefix rules end with a slash and cover deeper paths and the path itself', () => {
  const rules = [rule('/rate/'), rule('/rate/b'), rule('POST /rate/b')];
  assert.equal(findRateLimitRule(rules, ['GET /rate/a', '/rate/a'], GUEST_AUDIENCES)?.label, '/rate/');
  assert.equal(findRateLimitRule(rules, ['GET /rate/b', '/rate/b'], GUEST_AUDIENCES)?.label, '/rate/b');
  assert.equal(findRateLimitRule(rules, ['POST /rate/b', '/rate/b'], GUEST_AUDIENCES)?.label, 'POST /rate/b');
  assert.equal(findRateLimitRule(rules, ['GET /rate', '/rate'], GUEST_AUDIENCES)?.label, '/rate/');
  assert.equal(findRateLimitRule(rules, ['GET /other', '/other'], GUEST_AUDIENCES), null);
  // A prefix does not match a path that merely starts with the same characters.
  assert.equal(findRateLimitRule([rule('/api/')], ['GET /apix', '/apix'], GUEST_AUDIENCES), null);
  assert.equal(findRateLimitRule([rule('POST /api/')], ['POST /api/batch', '/api/batch'], GUEST_AUDIENCES)?.label, 'POST /api/');
  assert.equal(findRateLimitRule([rule('POST /api/')], ['GET /api/batch', '/api/batch'], GUEST_AUDIENCES), null);
});

test('audiences: guests see "" and @guest rules, authenticated requests "" and @auth', () => {
  const rules = [rule('/rate/'), rule('/rate/guest', '@guest'), rule('/rate/auth', '@auth')];
  const labels = (p: string) => [`GET ${p}`, p];
  assert.equal(findRateLimitRule(rules, labels('/rate/guest'), GUEST_AUDIENCES)?.label, '/rate/guest');
  assert.equal(findRateLimitRule(rules, labels('/rate/guest'), AUTH_AUDIENCES)?.label, '/rate/');
  assert.equal(findRateLimitRule(rules, labels('/rate/auth'), AUTH_AUDIENCES)?.label, '/rate/auth');
  assert.equal(findRateLimitRule(rules, labels('/rate/auth'), GUEST_AUDIENCES)?.label, '/rate/');
  // The same label for both audiences: each side gets its own rule.
  const split = [rule('posts:list', '@guest', 2), rule('posts:list', '@auth', 5)];
  assert.equal(findRateLimitRule(split, ['posts:list'], GUEST_AUDIENCES)?.maxRequests, 2);
  assert.equal(findRateLimitRule(split, ['posts:list'], AUTH_AUDIENCES)?.maxRequests, 5);
});

test('settings are read defensively: unusable rules are left out, not guessed', () => {
  assert.deepEqual(readRateLimits(undefined), { enabled: false, rules: [], excludedIPs: [] });
  assert.deepEqual(readRateLimits('nope'), { enabled: false, rules: [], excludedIPs: [] });
  const read = readRateLimits({
    enabled: true,
    rules: [
      { label: 'users:create', duration: 5, maxRequests: 3 },
      { label: 'a', audience: '@guest', duration: 1, maxRequests: 1 },
      { label: '', duration: 1, maxRequests: 1 },
      { label: 'b', duration: 0, maxRequests: 1 },
      { label: 'c', duration: 1, maxRequests: 1.5 },
      { label: 'd', audience: '@admins', duration: 1, maxRequests: 1 },
      null,
      'e',
    ],
    excludedIPs: ['10.0.0.1', 7],
  });
  assert.equal(read.enabled, true);
  assert.deepEqual(
    read.rules.map((r) => [r.label, r.audience]),
    [
      ['users:create', ''],
      ['a', '@guest'],
    ],
  );
  assert.deepEqual(read.excludedIPs, ['10.0.0.1']);
  assert.equal(readRateLimits({ enabled: 'yes', rules: [] }).enabled, false);
});
