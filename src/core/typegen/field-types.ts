// The TypeScript type of each field: as the REST API returns it, and as a create or update
// body accepts it. Facts from the wire format: every visible field is always present (empty
// ones hold their zero value: '' for text-like and single-value fields, [] for multi-value
// ones, null for json, {lon: 0, lat: 0} for geoPoint).
import type { Field, RelationField } from '../collections/model.js';
import { stringLiteral } from './names.js';

/** The declared-once helper types every generated file starts with. */
export const JSON_VALUE_TYPE = 'JsonValue';
export const GEO_POINT_TYPE = 'GeoPoint';

/** select, relation and file hold an array only when more than one value is allowed. */
export function isMultiValue(field: Field): boolean {
  return (field.type === 'select' || field.type === 'relation' || field.type === 'file') && field.maxSelect > 1;
}

function selectUnion(values: readonly string[]): string {
  return values.length === 0 ? 'string' : values.map(stringLiteral).join(' | ');
}

function arrayOf(type: string): string {
  return /^[\w.]+$/.test(type) ? `${type}[]` : `Array<${type}>`;
}

/** The type of a field's value in a record the API returns. */
export function recordFieldType(field: Field): string {
  switch (field.type) {
    case 'text':
    case 'email':
    case 'url':
    case 'editor':
    case 'date':
    case 'autodate':
    case 'password':
      return 'string';
    case 'number':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'select': {
      const union = selectUnion(field.values);
      if (isMultiValue(field)) return arrayOf(union);
      // An unset single select reads as ''; a required one can still hold '' in rows written before it was required.
      return union === 'string' ? union : `${union} | ""`;
    }
    case 'relation':
    case 'file':
      return isMultiValue(field) ? 'string[]' : 'string';
    case 'json':
      return JSON_VALUE_TYPE;
    case 'geoPoint':
      return GEO_POINT_TYPE;
  }
}

const UPLOAD = 'File | Blob';

/** The type a create body accepts for a field. */
export function inputFieldType(field: Field): string {
  switch (field.type) {
    case 'date':
      // The SDK serialises a Date with JSON.stringify, which yields the ISO text the server reads.
      return 'string | Date';
    case 'select': {
      const union = selectUnion(field.values);
      return isMultiValue(field) ? arrayOf(union) : union;
    }
    case 'file':
      return isMultiValue(field) ? arrayOf(UPLOAD) : UPLOAD;
    default:
      return recordFieldType(field);
  }
}

/** What an update body accepts: as on create, plus the ways to clear a select or file field. */
export function updateFieldType(field: Field): string {
  const type = inputFieldType(field);
  if (field.type === 'select' && !isMultiValue(field) && field.values.length > 0) return `${type} | ""`;
  if (field.type === 'file') return `${type} | null`;
  return type;
}

/**
 * Keys with modifiers an update body also accepts: `field+` appends (or adds, for numbers),
 * `+field` prepends, `field-` removes (or subtracts). Only number, select, relation and file
 * take them.
 */
export function modifierKeys(field: Field): Array<{ key: string; type: string }> {
  const name = field.name;
  switch (field.type) {
    case 'number':
      return [
        { key: `${name}+`, type: 'number' },
        { key: `${name}-`, type: 'number' },
      ];
    case 'select':
    case 'relation': {
      const one = field.type === 'select' ? selectUnion(field.values) : 'string';
      const some = `${one.includes('|') ? `(${one})` : one} | ${arrayOf(one)}`;
      return [
        { key: `${name}+`, type: some },
        { key: `+${name}`, type: some },
        { key: `${name}-`, type: some },
      ];
    }
    case 'file':
      return [
        { key: `${name}+`, type: `${UPLOAD} | ${arrayOf(UPLOAD)}` },
        { key: `+${name}`, type: `${UPLOAD} | ${arrayOf(UPLOAD)}` },
        // Removal names the stored files.
        { key: `${name}-`, type: 'string | string[]' },
      ];
    default:
      return [];
  }
}

/** Whether a create body must name the field: required, and nothing fills it in by itself. */
export function requiredOnCreate(field: Field): boolean {
  switch (field.type) {
    case 'autodate':
      return false;
    case 'text':
      return field.required && field.autogeneratePattern === '';
    default:
      return field.required;
  }
}

/** The relation fields of a collection, in their declared order. */
export function relationFields(fields: readonly Field[]): RelationField[] {
  return fields.filter((f): f is RelationField => f.type === 'relation');
}
