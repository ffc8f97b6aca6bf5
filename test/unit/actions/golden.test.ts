// Golden action fixtures: test/fixtures/actions/<action>/<case>.json = params + state -> expected plan.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { actions } from '../../../scripts/actions/index.js';
import type { Change, Plan } from '../../../scripts/actions/types.js';
import { isSecret, Secret } from '../../../scripts/core/secret.js';
import { newAjv } from '../../../scripts/engine/schema/validators.js';
import { displayCommand } from '../../../scripts/transport/command.js';

const root = join(import.meta.dirname, '../../fixtures/actions');
const ajv = newAjv({ useDefaults: true });

/** JSON fixture values: `{"$secret": "x"}` is a Secret, `{"$base64": "..."}` is a Buffer. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$secret === 'string' && Object.keys(o).length === 1) return new Secret(o.$secret);
  if (typeof o.$base64 === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$base64, 'base64');
  return Object.fromEntries(Object.entries(o).map(([k, item]) => [k, revive(item)]));
}

/** The reverse of revive, for comparing values that hold Buffers or Secrets. */
function toJson(v: unknown): unknown {
  if (isSecret(v)) return { $secret: '***' };
  if (Buffer.isBuffer(v)) return { $base64: v.toString('base64') };
  if (Array.isArray(v)) return v.map(toJson);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).flatMap(([k, item]) =>
      item === undefined ? [] : [[k, toJson(item)]],
    ),
  );
}

/** Params as the engine passes them: valid against the schema, defaults filled, secrets kept. */
function engineParams(schema: TSchema, params: Record<string, unknown>): Record<string, unknown> {
  const checked = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, isSecret(v) ? v.reveal() : v]),
  );
  const validate = ajv.compile(schema);
  expect(validate(checked), JSON.stringify(validate.errors)).toBe(true);
  return { ...checked, ...params };
}

interface ExpectedChange {
  summary: string;
  commands: string[];
  undo?: string[];
  [other: string]: unknown;
}

/** A change as a fixture writes it; keys beyond summary/commands/undo are compared only when the fixture has them. */
function shownChange(c: Change, expected: ExpectedChange | undefined): ExpectedChange {
  const shown: ExpectedChange = {
    summary: c.summary,
    commands: c.commands.map(displayCommand),
    undo: (c.undo ?? []).map(displayCommand),
  };
  for (const key of Object.keys(expected ?? {})) {
    if (!(key in shown)) shown[key] = toJson((c as unknown as Record<string, unknown>)[key]);
  }
  return shown;
}

describe('action fixtures', () => {
  it('every fixture directory names a registered action', () => {
    expect(readdirSync(root).filter((d) => !(d in actions))).toEqual([]);
  });

  for (const dir of readdirSync(root)) {
    describe(dir, () => {
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.json'))) {
        it(file.replace(/\.json$/, ''), () => {
          const action = actions[dir];
          if (!action) throw new Error(`no action named ${dir}`);
          const fixture = JSON.parse(readFileSync(join(root, dir, file), 'utf8'));
          const expected = fixture.expect as Omit<Plan, 'changes'> & { changes: ExpectedChange[] };
          const params = engineParams(action.schema, revive(fixture.params) as Record<string, unknown>);
          const plan = action.plan(revive(fixture.state), params);
          const changes = plan.changes.map((c, i) => shownChange(c, expected.changes[i]));
          expect(changes).toEqual(expected.changes.map((c) => ({ ...c, undo: c.undo ?? [] })));
          expect(plan.reason).toEqual(expected.reason);
          expect(plan.failed).toEqual(expected.failed);
          if (expected.data !== undefined) expect(toJson(plan.data)).toEqual(expected.data);
        });
      }
    });
  }
});
