// The editor schemas: written once, then reported up to date; they describe each action's `with`.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings under test are `${{ }}` expressions
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect, it } from 'vitest';
import { editorSchemas, writeSchemas } from '../../../../scripts/engine/schema/write-schemas.js';
import { fakeActions } from '../../../helpers/fake-actions.js';

it('writes both files, then finds them up to date, and notices a stale one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'waptops-schemas-'));
  expect(writeSchemas(fakeActions, dir, true)).toEqual(['playbook.schema.json', 'inventory.schema.json']);
  expect(writeSchemas(fakeActions, dir, false)).toEqual(['playbook.schema.json', 'inventory.schema.json']);
  expect(writeSchemas(fakeActions, dir, true)).toEqual([]);
  writeFileSync(join(dir, 'inventory.schema.json'), '{}\n');
  expect(writeSchemas(fakeActions, dir, true)).toEqual(['inventory.schema.json']);
  expect(JSON.parse(readFileSync(join(dir, 'playbook.schema.json'), 'utf8')).title).toBe('waptops playbook');
});

it('the playbook schema checks `with` per action and lets expressions stand for values', () => {
  const validate = new Ajv({ strict: false }).compile(
    editorSchemas(fakeActions)['playbook.schema.json'] as object,
  );
  const playbook = (step: object) => ({ name: 'p', description: 'd', steps: [{ name: 's', ...step }] });
  expect(validate(playbook({ action: 'tcp', with: { port: 443 } }))).toBe(true);
  expect(validate(playbook({ action: 'tcp', with: { port: '${{ params.port }}' } }))).toBe(true);
  expect(validate(playbook({ action: 'tcp', with: { port: 'https' } }))).toBe(false);
  expect(validate(playbook({ action: 'reboot', with: {} }))).toBe(false);
});
