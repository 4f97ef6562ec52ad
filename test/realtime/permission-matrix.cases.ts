// The realtime permission matrix as data: for each collection (one list/view rule each), a
// sequence of writes, and for each write which identities must receive an event and which of
// them see the auth email. permission-matrix.test.ts subscribes every identity to every
// topic × option variant below, runs the writes, and checks each event against these rows
// and against what the REST API answers the same identity at that moment.

export type Identity = 'guest' | 'owner' | 'other' | 'superuser' | 'member';
export const IDENTITIES: Identity[] = ['guest', 'owner', 'other', 'superuser', 'member'];
const ALL = IDENTITIES;

/** Fixed ids, so topics and rules can name them before anything exists. */
export const IDS = { owner: 'owner0000000001', other: 'other0000000001', member: 'member000000001' } as const;

export type Action = 'create' | 'update' | 'delete';
export type Via = 'rest' | 'batch';

/** A subscription option set; every case is subscribed with each, on `c/*` and `c/<id>`. */
export interface Variant {
  name: string;
  query?: { filter?: string; fields?: string; expand?: string };
  headers?: Record<string, string>;
}

export const VARIANTS: Variant[] = [
  { name: 'none' },
  { name: 'filter-match', query: { filter: 'title ~ "t"' } },
  { name: 'filter-miss', query: { filter: 'title = "never"' } },
  { name: 'fields', query: { fields: 'id,title,secret' } },
  { name: 'expand', query: { expand: 'owner' } },
  { name: 'token', headers: { 'X-Token': 'k' } },
];

/** Who sees `expand.owner`: the relation targets `users`, whose view rule is owner-only. */
export const EXPAND_VISIBLE_TO: Identity[] = ['owner', 'superuser'];

export interface Step {
  action: Action;
  via: Via;
  /** Values written (create/update); every record's title contains "t", owner is IDS.owner. */
  body?: Record<string, unknown>;
  /** Who receives the event (subscriptions without the X-Token header). */
  see: Identity[];
  /** Who receives it with `options.headers` `X-Token: k`; defaults to `see`. */
  seeWithToken?: Identity[];
  /** Auth collections: who sees `email`; defaults to nobody but the superuser. */
  email?: Identity[];
  /** A `grants` row (user → this record) made just before the write, by a superuser. */
  grantTo?: keyof typeof IDS;
}

export interface MatrixCase {
  name: string;
  collection: string;
  /** The list and view rule (the same, so `c/*` and `c/<id>` expect the same). */
  rule: string | null;
  type?: 'base' | 'auth';
  recordId: string;
  steps: Step[];
  /** A known gap: the case runs but is reported as todo instead of failing the suite. */
  todo?: string;
}

// Without the guard a guest's empty id would match a record that has no grants at all (a
// missing back-relation row reads as ""), on REST and realtime alike.
const BACKREL_RULE = '@request.auth.id != "" && grants_via_note.user ?= @request.auth.id';

const base = (status = 'public') => ({ title: 't1', status, secret: 's1', owner: IDS.owner });

/** Create, update, delete through REST, then the same through a batch. */
function lifecycle(see: Identity[], extra: Partial<Step> = {}): Step[] {
  return [
    { action: 'create', via: 'rest', body: base(), see, ...extra },
    { action: 'update', via: 'rest', body: { title: 't2' }, see, ...extra },
    { action: 'delete', via: 'rest', see, ...extra },
    { action: 'create', via: 'batch', body: base(), see, ...extra },
    { action: 'update', via: 'batch', body: { title: 't3' }, see, ...extra },
    { action: 'delete', via: 'batch', see, ...extra },
  ];
}

export const CASES: MatrixCase[] = [
  { name: 'open rule ""', collection: 'm_open', rule: '', recordId: 'mopen0000000001', steps: lifecycle(ALL) },
  { name: 'superuser-only rule null', collection: 'm_null', rule: null, recordId: 'mnull0000000001', steps: lifecycle(['superuser']) },
  {
    name: 'owner rule',
    collection: 'm_owner',
    rule: 'owner = @request.auth.id',
    recordId: 'mowner000000001',
    steps: lifecycle(['owner', 'superuser']),
  },
  {
    name: 'any authenticated',
    collection: 'm_authed',
    rule: '@request.auth.id != ""',
    recordId: 'mauthed00000001',
    steps: lifecycle(['owner', 'other', 'superuser', 'member']),
  },
  {
    name: 'users collection only',
    collection: 'm_users',
    rule: '@request.auth.collectionName = "users"',
    recordId: 'musers000000001',
    steps: lifecycle(['owner', 'other', 'superuser']),
  },
  {
    name: 'status = "public": events appear and disappear with the value',
    collection: 'm_status',
    rule: 'status = "public"',
    recordId: 'mstatus00000001',
    steps: [
      { action: 'create', via: 'rest', body: base('private'), see: ['superuser'] },
      { action: 'update', via: 'batch', body: { status: 'public' }, see: ALL },
      { action: 'update', via: 'rest', body: { status: 'private' }, see: ['superuser'] },
      { action: 'update', via: 'rest', body: { status: 'public', title: 't4' }, see: ALL },
      { action: 'delete', via: 'batch', see: ALL },
      { action: 'create', via: 'batch', body: base('public'), see: ALL },
      { action: 'update', via: 'batch', body: { status: 'draft' }, see: ['superuser'] },
      { action: 'delete', via: 'rest', see: ['superuser'] },
    ],
  },
  {
    name: 'header rule with options.headers',
    collection: 'm_header',
    rule: '@request.headers.x_token = "k"',
    recordId: 'mheader00000001',
    steps: lifecycle(['superuser'], { seeWithToken: ALL }),
  },
  {
    name: '@collection rule (grants.noteId is plain text, untouched by the delete)',
    collection: 'm_coll',
    rule: '@collection.grants.user ?= @request.auth.id && @collection.grants.noteId ?= id',
    recordId: 'mcoll0000000001',
    steps: [
      { action: 'create', via: 'rest', body: base(), see: ['superuser'] },
      { action: 'update', via: 'batch', body: { title: 't2' }, see: ['other', 'superuser'], grantTo: 'other' },
      { action: 'update', via: 'rest', body: { title: 't3' }, see: ['other', 'superuser'] },
      { action: 'delete', via: 'rest', see: ['other', 'superuser'] },
    ],
  },
  {
    name: 'back-relation rule, create and update',
    collection: 'm_backrel',
    rule: BACKREL_RULE,
    recordId: 'mbackrel0000001',
    steps: [
      { action: 'create', via: 'batch', body: base(), see: ['superuser'] },
      { action: 'update', via: 'rest', body: { title: 't2' }, see: ['other', 'superuser'], grantTo: 'other' },
      { action: 'update', via: 'batch', body: { title: 't3' }, see: ['other', 'superuser'] },
    ],
  },
  {
    name: 'back-relation rule, delete of a record a grant points to',
    collection: 'm_backrel',
    rule: BACKREL_RULE,
    recordId: 'mbackrel0000002',
    steps: [
      { action: 'create', via: 'rest', body: base(), see: ['superuser'] },
      { action: 'update', via: 'rest', body: { title: 't2' }, see: ['other', 'superuser'], grantTo: 'other' },
      // REST shows the record to `other` right up to the delete; the delete empties the grant's
      // relation in the same transaction, so the delete must be checked before its row goes.
      { action: 'delete', via: 'rest', see: ['other', 'superuser'] },
    ],
  },
  {
    name: 'auth collection: email only with emailVisibility, or for its owner and superusers',
    collection: 'members',
    type: 'auth',
    rule: '',
    recordId: 'msubject0000001',
    steps: [
      {
        action: 'create',
        via: 'rest',
        body: { ...base(), email: 'subject@example.com', emailVisibility: false, password: 'subject-pass-1', passwordConfirm: 'subject-pass-1' },
        see: ALL,
        email: ['superuser'],
      },
      { action: 'update', via: 'batch', body: { emailVisibility: true }, see: ALL, email: ALL },
      { action: 'update', via: 'rest', body: { emailVisibility: false, title: 't2' }, see: ALL, email: ['superuser'] },
      { action: 'delete', via: 'batch', see: ALL, email: ['superuser'] },
    ],
  },
  {
    name: 'auth collection: the member’s own record',
    collection: 'members',
    type: 'auth',
    rule: '',
    recordId: IDS.member,
    steps: [
      { action: 'update', via: 'rest', body: { title: 't5' }, see: ALL, email: ['member', 'superuser'] },
      { action: 'update', via: 'batch', body: { title: 't6' }, see: ALL, email: ['member', 'superuser'] },
    ],
  },
];
