// A small action registry for engine tests, independent of the real actions.
import { Type } from '@sinclair/typebox';
import type { Action } from '../../scripts/actions/types.js';

function fake(name: string, schema: Action['schema'], secretParams?: string[]): Action {
  return {
    name,
    description: `test ${name}`,
    schema,
    ...(secretParams ? { secretParams } : {}),
    read: async () => undefined,
    plan: () => ({ changes: [] }),
  };
}

/** tcp, service, command and ini with schemas shaped like the real ones; ini accepts a secret `value`. */
export const fakeActions: Record<string, Action> = {
  tcp: fake(
    'tcp',
    Type.Object(
      {
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
        host: Type.Optional(Type.String()),
        timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 5 })),
      },
      { additionalProperties: false },
    ),
  ),
  service: fake(
    'service',
    Type.Object(
      {
        name: Type.String({ minLength: 1 }),
        state: Type.Unsafe<string>({ type: 'string', enum: ['started', 'stopped', 'restarted'] }),
        enabled: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
  ),
  command: fake(
    'command',
    Type.Object({ argv: Type.Array(Type.String(), { minItems: 1 }) }, { additionalProperties: false }),
  ),
  ini: fake(
    'ini',
    Type.Object(
      {
        path: Type.String({ pattern: '^/' }),
        section: Type.String(),
        key: Type.String(),
        value: Type.String(),
        mode: Type.Optional(Type.Union([Type.Literal('keep'), Type.Literal('0640')])),
      },
      { additionalProperties: false },
    ),
    ['value'],
  ),
};
