// Every registered action's params schema compiles with waptops' ajv (the engine's options), describes its properties and rejects wrong types.
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { actions } from '../../../scripts/actions/index.js';
import { newAjv } from '../../../scripts/engine/schema/validators.js';

const ajv = newAjv();
const wrongValues: unknown[] = [12345, 'not-this-type', true, [[{}]], { bogus: 1 }];

describe.each(Object.values(actions))('$name', (action) => {
  const validate = ajv.compile(action.schema);
  const properties = Object.entries((action.schema.properties ?? {}) as Record<string, TSchema>);

  it('is an object schema that refuses unknown keys and non-objects', () => {
    expect(action.schema.type).toBe('object');
    expect(action.schema.additionalProperties).toBe(false);
    expect(validate('not an object')).toBe(false);
    expect(validate({ no_such_param: 1 })).toBe(false);
  });

  it('describes every property', () => {
    for (const [key, prop] of properties) expect(prop.description, key).toBeTruthy();
  });

  it.each(properties)('rejects a wrong type for %s', (key, prop) => {
    const alone = ajv.compile(prop);
    const wrong = wrongValues.find((v) => !alone(v));
    expect(wrong, `some value must be wrong for ${key}`).not.toBeUndefined();
    validate({ [key]: wrong });
    expect(validate.errors?.some((e) => e.instancePath.startsWith(`/${key}`))).toBe(true);
  });
});
