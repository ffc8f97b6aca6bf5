// script: the .sh file runs with sh on this machine, its arguments reach it literally as $1..., and the
// `creates` guard skips it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptAction } from '../../../scripts/actions/script.js';
import { recordingContext, runLocal } from '../../helpers/local-context.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'args.sh');
writeFileSync(file, '#!/bin/sh\nprintf "%s|" "$0" "$@"\n');

async function plan(params: { file: string; args?: string[]; creates?: string }) {
  return scriptAction.plan(await scriptAction.read(recordingContext(), params), params);
}

describe('script', () => {
  it('runs the file with its name as $0 and every argument literally', async () => {
    const hostile = ["it's", '$(touch pwned)', '`id`', 'a b', '-rf'];
    const planned = await plan({ file, args: hostile });
    expect(planned.changes.map((c) => c.summary)).toEqual([expect.stringMatching(/^run args\.sh /)]);
    const result = await runLocal(planned.changes[0]?.commands[0] ?? { parts: [] });
    expect(result.stdout).toBe(`args|${hostile.join('|')}|`);
    expect(existsSync('pwned')).toBe(false);
  });

  it('does nothing when `creates` exists', async () => {
    expect((await plan({ file, creates: dir })).changes).toEqual([]);
  });
});
