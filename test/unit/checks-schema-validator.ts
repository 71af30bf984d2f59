// A small JSON Schema validator for the subset schema/dry-check.schema.json uses (type, const,
// enum, required, properties, additionalProperties: false, items, minimum, maximum,
// minLength, pattern, if/then, and $ref to "#/$defs/NAME" of the root). Enough to hold --json to its schema without a dependency.

type Schema = Record<string, unknown>;

export function validate(schema: Schema, value: unknown, path = '$', root: Schema = schema): string[] {
  if (typeof schema.$ref === 'string') {
    const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : ((root.$defs ?? {}) as Record<string, Schema>)[name];
    if (target === undefined) return [`${path}: unresolved $ref ${schema.$ref}`];
    return validate(target, value, path, root);
  }
  const errors: string[] = [];
  const fail = (message: string): void => {
    errors.push(`${path}: ${message}`);
  };
  if ('const' in schema && value !== schema.const) fail(`must be ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail(`must be one of ${JSON.stringify(schema.enum)}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => hasType(value, type))) {
      fail(`must be of type ${types.join(' or ')}`);
      return errors;
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`must be >= ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`must be <= ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail(`must have at least ${schema.minLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail(`must match ${schema.pattern}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => errors.push(...validate(schema.items as Schema, item, `${path}[${index}]`, root)));
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in value)) fail(`lacks required property ${name}`);
    for (const [name, item] of Object.entries(value)) {
      const sub = properties[name];
      if (sub !== undefined) errors.push(...validate(sub, item, `${path}.${name}`, root));
      else if (schema.additionalProperties === false) fail(`has unexpected property ${name}`);
    }
  }
  if (schema.if !== undefined && validate(schema.if as Schema, value, path, root).length === 0 && schema.then !== undefined) {
    errors.push(...validate(schema.then as Schema, value, path, root));
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
