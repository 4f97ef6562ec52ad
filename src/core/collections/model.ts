// The collection model, in PocketBase's JSON shape: what `_collections` stores and what
// the collections API sends and receives. Field options are flattened into the field
// object exactly as PocketBase serialises them.

export type CollectionType = 'base' | 'auth' | 'view';

export const FIELD_TYPES = [
  'text',
  'number',
  'bool',
  'email',
  'url',
  'editor',
  'date',
  'autodate',
  'select',
  'relation',
  'file',
  'json',
  'geoPoint',
  'password',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

// `help` (a hint shown under the input) sits on every field type except autodate, as in PocketBase.
interface FieldCommon {
  id: string;
  name: string;
  system: boolean;
  hidden: boolean;
  presentable: boolean;
}

export interface TextField extends FieldCommon {
  type: 'text';
  help: string;
  min: number;
  max: number;
  pattern: string;
  autogeneratePattern: string;
  required: boolean;
  primaryKey: boolean;
}
export interface NumberField extends FieldCommon {
  type: 'number';
  help: string;
  min: number | null;
  max: number | null;
  onlyInt: boolean;
  required: boolean;
}
export interface BoolField extends FieldCommon {
  type: 'bool';
  help: string;
  required: boolean;
}
export interface EmailField extends FieldCommon {
  type: 'email';
  help: string;
  exceptDomains: string[] | null;
  onlyDomains: string[] | null;
  required: boolean;
}
export interface UrlField extends FieldCommon {
  type: 'url';
  help: string;
  exceptDomains: string[] | null;
  onlyDomains: string[] | null;
  required: boolean;
}
export interface EditorField extends FieldCommon {
  type: 'editor';
  help: string;
  maxSize: number;
  convertURLs: boolean;
  required: boolean;
}
export interface DateField extends FieldCommon {
  type: 'date';
  help: string;
  min: string;
  max: string;
  required: boolean;
}
export interface AutodateField extends FieldCommon {
  type: 'autodate';
  onCreate: boolean;
  onUpdate: boolean;
}
export interface SelectField extends FieldCommon {
  type: 'select';
  help: string;
  values: string[];
  maxSelect: number;
  required: boolean;
}
export interface RelationField extends FieldCommon {
  type: 'relation';
  help: string;
  collectionId: string;
  cascadeDelete: boolean;
  minSelect: number;
  maxSelect: number;
  required: boolean;
}
export interface FileField extends FieldCommon {
  type: 'file';
  help: string;
  maxSize: number;
  maxSelect: number;
  mimeTypes: string[] | null;
  thumbs: string[] | null;
  protected: boolean;
  required: boolean;
}
export interface JsonField extends FieldCommon {
  type: 'json';
  help: string;
  maxSize: number;
  required: boolean;
}
export interface GeoPointField extends FieldCommon {
  type: 'geoPoint';
  help: string;
  required: boolean;
}
export interface PasswordField extends FieldCommon {
  type: 'password';
  help: string;
  pattern: string;
  min: number;
  max: number;
  cost: number;
  required: boolean;
}

export type Field =
  | TextField
  | NumberField
  | BoolField
  | EmailField
  | UrlField
  | EditorField
  | DateField
  | AutodateField
  | SelectField
  | RelationField
  | FileField
  | JsonField
  | GeoPointField
  | PasswordField;

export interface TokenConfig {
  duration: number;
  /** Never sent to clients; present only server-side. */
  secret?: string;
}

export interface EmailTemplate {
  subject: string;
  body: string;
}

/** One configured OAuth2 provider. `clientSecret` is never sent to clients. */
export interface OAuth2ProviderConfig {
  /** Overrides the provider's default PKCE use; null keeps the default. */
  pkce: boolean | null;
  name: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  displayName: string;
  extra: Record<string, unknown> | null;
}

export interface AuthOptions {
  authRule: string | null;
  manageRule: string | null;
  authAlert: { enabled: boolean; emailTemplate: EmailTemplate };
  oauth2: {
    enabled: boolean;
    mappedFields: { id: string; name: string; username: string; avatarURL: string };
    providers: OAuth2ProviderConfig[];
  };
  passwordAuth: { enabled: boolean; identityFields: string[] };
  mfa: { enabled: boolean; duration: number; rule: string };
  otp: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate };
  authToken: TokenConfig;
  passwordResetToken: TokenConfig;
  emailChangeToken: TokenConfig;
  verificationToken: TokenConfig;
  fileToken: TokenConfig;
  verificationTemplate: EmailTemplate;
  resetPasswordTemplate: EmailTemplate;
  confirmEmailChangeTemplate: EmailTemplate;
}

export interface Collection {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  fields: Field[];
  indexes: string[];
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  created: string;
  updated: string;
  /** Only for `view` collections. */
  viewQuery?: string;
  /** Only for `auth` collections. */
  auth?: AuthOptions;
}

export type RuleName = 'listRule' | 'viewRule' | 'createRule' | 'updateRule' | 'deleteRule';
