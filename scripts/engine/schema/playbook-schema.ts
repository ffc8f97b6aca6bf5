// The JSON Schema (TypeBox) of a playbook file, and its editor variant with each action's `with`.
import { type TSchema, Type } from '@sinclair/typebox';
import type { Action } from '../../actions/types.js';
import { namedPatterns } from './problems.js';

const Expression = Type.String({ description: 'An expression, e.g. `facts.os.family == "debian"`' });

/** A map whose keys must match `pattern`; unknown keys are reported by name, not as extra properties. */
export function NamedMap<T extends TSchema>(pattern: string, value: T, description?: string) {
  return Type.Unsafe<Record<string, T['static']>>({
    type: 'object',
    propertyNames: { pattern },
    additionalProperties: value,
    ...(description ? { description } : {}),
  });
}

/** A string limited to the given values (a plain `enum`, so errors can list them). */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({
    type: 'string',
    enum: [...values],
    ...(description ? { description } : {}),
  });
}

const ScalarType = StringEnum(['string', 'integer', 'number', 'boolean'] as const);

/** One param: a small JSON Schema plus the waptops keywords `secret`, `env`, `required`, `one_of`. */
export const ParamSpecSchema = Type.Object(
  {
    type: StringEnum(['string', 'integer', 'number', 'boolean', 'array'] as const),
    description: Type.Optional(Type.String()),
    default: Type.Optional(Type.Unknown()),
    secret: Type.Optional(
      Type.Boolean({
        description: 'Never printed; read from `env`, --secret-file or a prompt, never from -e',
      }),
    ),
    env: Type.Optional(
      Type.String({ pattern: namedPatterns.identifier.pattern, description: 'Environment variable' }),
    ),
    required: Type.Optional(Type.Boolean({ description: 'Default: true when there is no `default`' })),
    one_of: Type.Optional(
      Type.String({
        pattern: namedPatterns.identifier.pattern,
        description: 'A group name: exactly one of the params sharing it must be given',
      }),
    ),
    enum: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1 })),
    minimum: Type.Optional(Type.Number()),
    maximum: Type.Optional(Type.Number()),
    exclusiveMinimum: Type.Optional(Type.Number()),
    exclusiveMaximum: Type.Optional(Type.Number()),
    minLength: Type.Optional(Type.Integer({ minimum: 0 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 0 })),
    pattern: Type.Optional(Type.String()),
    items: Type.Optional(Type.Object({ type: ScalarType, enum: Type.Optional(Type.Array(Type.Unknown())) })),
    minItems: Type.Optional(Type.Integer({ minimum: 0 })),
    maxItems: Type.Optional(Type.Integer({ minimum: 0 })),
    examples: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false },
);

const stepProperties = {
  name: Type.String({ minLength: 1, description: 'What the step makes true, e.g. "nginx restarted"' }),
  id: Type.Optional(
    Type.String({ pattern: namedPatterns.identifier.pattern, description: 'Later steps read `steps.<id>`' }),
  ),
  action: Type.String({ description: 'A registered action' }),
  with: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The action's params" })),
  when: Type.Optional(Type.Union([Expression, Type.Boolean()])),
  retries: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  delay: Type.Optional(Type.Number({ minimum: 0, default: 1, description: 'Seconds between tries' })),
  until: Type.Optional(Expression),
  become: Type.Optional(Type.Union([Type.Boolean(), Type.String({ minLength: 1 })])),
  timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Seconds' })),
  ignore_errors: Type.Optional(Type.Boolean({ default: false })),
  changed_when: Type.Optional(Type.Union([Expression, Type.Boolean()])),
  failed_when: Type.Optional(Expression),
  detach: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'Run the changes as a detached job on the host (systemd-run, else setsid); a re-run re-attaches',
    }),
  ),
};

/** One step as written. */
export const StepSchema = Type.Object(stepProperties, { additionalProperties: false });

const Become = Type.Union([Type.Boolean(), Type.String({ minLength: 1 })]);

/** A group of steps (`block:`) under one `when` and one `become`, opened in place by the loader. */
function groupSchema(step: TSchema) {
  return Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, description: 'What the steps of the group are for' })),
      when: Type.Optional(
        Type.Union([Expression, Type.Boolean()], {
          description: 'Every step of the group runs only when this holds',
        }),
      ),
      become: Type.Optional(
        Type.Unsafe({ ...Become, description: "The default become of the group's steps" }),
      ),
      block: Type.Array(step, { minItems: 1, description: 'The steps of the group' }),
    },
    { additionalProperties: false },
  );
}

/** An item of `steps` or `rescue`: a group when it has `block`, else a step (so errors speak of one or the other). */
function stepOrGroup(step: TSchema) {
  return Type.Unsafe({
    if: { type: 'object', required: ['block'] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a promise
    then: groupSchema(step),
    else: step,
  });
}

function playbookObject(step: TSchema) {
  return Type.Object(
    {
      name: Type.String({ pattern: namedPatterns.kebabCase.pattern }),
      description: Type.String({ minLength: 1 }),
      hosts: Type.Optional(
        Type.String({ minLength: 1, default: 'all', description: 'Default target pattern' }),
      ),
      confirm: Type.Optional(Type.Boolean({ default: false })),
      on_unreachable: Type.Optional(
        StringEnum(
          ['stop', 'continue'],
          'continue: when SSH fails, still run the steps whose action runs on the controller',
        ),
      ),
      transaction: Type.Optional(
        Type.Boolean({
          default: false,
          description:
            'Journal every change on the host: a failure rolls them all back (undo, in reverse); a re-run after a lost connection resumes',
        }),
      ),
      become: Type.Optional(
        Type.Unsafe({
          ...Become,
          description: 'The default become of every step (a group or a step may say otherwise)',
        }),
      ),
      params: Type.Optional(NamedMap(namedPatterns.identifier.pattern, ParamSpecSchema)),
      vars: Type.Optional(NamedMap(namedPatterns.identifier.pattern, Type.Unknown())),
      steps: Type.Array(stepOrGroup(step), { minItems: 1 }),
      rescue: Type.Optional(Type.Array(stepOrGroup(step))),
    },
    { additionalProperties: false, patternProperties: { '^x-': {} } },
  );
}

/** The whole playbook file; top-level `x-...` keys are free, e.g. to hold YAML anchors. */
export const PlaybookSchema = playbookObject(StepSchema);

const wholeExpression = { type: 'string', pattern: '^\\$\\{\\{.*\\}\\}$' };

/** An action's `with` schema where every top-level value may also be a `${{ }}` expression. */
function withAcceptingExpressions(schema: TSchema): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as { properties?: Record<string, unknown> };
  if (!plain.properties) return plain;
  const properties = Object.fromEntries(
    Object.entries(plain.properties).map(([k, v]) => [k, { anyOf: [v, wholeExpression] }]),
  );
  return { ...plain, properties };
}

/** The playbook schema for editors: `action` lists the registered names and `with` follows the action. */
export function playbookEditorSchema(registry: Record<string, Action>): Record<string, unknown> {
  const names = Object.keys(registry).sort();
  const step = {
    ...JSON.parse(JSON.stringify(StepSchema)),
    properties: {
      ...JSON.parse(JSON.stringify(StepSchema.properties)),
      action: { type: 'string', enum: names, description: 'A registered action' },
    },
    allOf: names.map((name) => ({
      if: { properties: { action: { const: name } }, required: ['action'] },
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a promise
      then: {
        properties: {
          with: {
            ...withAcceptingExpressions((registry[name] as Action).schema),
            description: (registry[name] as Action).description,
          },
        },
      },
    })),
  };
  // The step is written once and referred to from `steps`, `rescue` and the groups' `block`.
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'waptops playbook',
    ...JSON.parse(JSON.stringify(playbookObject(Type.Unsafe({ $ref: '#/definitions/step' })))),
    definitions: { step },
  };
}
