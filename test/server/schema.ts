/** The add-on's top-level request schema check, with jsonschema-like error messages. */
import { pyRepr } from './pyjson';

const SCHEMA_REPR =
  "{'type': 'object',\n" +
  " 'properties': {'action': {'type': 'string', 'minLength': 1},\n" +
  "                'version': {'type': 'integer'},\n" +
  "                'params': {'type': 'object'}},\n" +
  " 'required': ['action']}";
const ACTION_REPR = "{'type': 'string', 'minLength': 1}";

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
}

function message(first: string, validator: string, schemaPath: string, schemaRepr: string, instancePath: string, instance: unknown): string {
  return `${first}\n\nFailed validating ${pyRepr(validator)} in ${schemaPath}:\n${indent(schemaRepr)}\n\nOn ${instancePath}:\n${indent(pyRepr(instance))}`;
}

function isInteger(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Returns the validation error text, or null when the request object is valid. */
export function validateRequest(req: unknown): string | null {
  if (typeof req !== 'object' || req === null || Array.isArray(req)) {
    return message(`${pyRepr(req)} is not of type 'object'`, 'type', 'schema', SCHEMA_REPR, 'instance', req);
  }
  const obj = req as Record<string, unknown>;
  // best_match prefers the shallowest error: `required` (depth 0) before property errors (depth 1)
  if (!('action' in obj)) {
    return message("'action' is a required property", 'required', 'schema', SCHEMA_REPR, 'instance', obj);
  }
  const action = obj.action;
  if (typeof action !== 'string') {
    return message(`${pyRepr(action)} is not of type 'string'`, 'type', "schema['properties']['action']", ACTION_REPR, "instance['action']", action);
  }
  if (action.length < 1) {
    return message(`${pyRepr(action)} should be non-empty`, 'minLength', "schema['properties']['action']", ACTION_REPR, "instance['action']", action);
  }
  if ('version' in obj && !isInteger(obj.version)) {
    return message(`${pyRepr(obj.version)} is not of type 'integer'`, 'type', "schema['properties']['version']", "{'type': 'integer'}", "instance['version']", obj.version);
  }
  if ('params' in obj) {
    const p = obj.params;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) {
      return message(`${pyRepr(p)} is not of type 'object'`, 'type', "schema['properties']['params']", "{'type': 'object'}", "instance['params']", p);
    }
  }
  return null;
}
