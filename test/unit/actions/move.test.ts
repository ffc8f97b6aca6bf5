// move for real on local temp dirs: the rename, the refusal to overwrite, and an undo that is safe to repeat.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moveAction } from '../../../scripts/actions/move.js';
import type { Command } from '../../../scripts/transport/command.js';
import { applyLocal, localContext, undoLocal } from '../../helpers/apply-local.js';
import { runLocal } from '../../helpers/local-context.js';

const root = mkdtempSync(join(tmpdir(), 'waptops-move-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('move on local directories', () => {
  const from = join(root, 'www');
  const to = join(root, "www.pre-migrate-20261124-061500 'x'");

  it('renames, then reports the move as done, and the undo moves back once', async () => {
    mkdirSync(from);
    writeFileSync(join(from, 'Packages'), 'zip');
    const first = await applyLocal(moveAction, { from, to });
    expect(first.failure).toBeUndefined();
    expect(readFileSync(join(to, 'Packages'), 'utf8')).toBe('zip');
    expect(existsSync(from)).toBe(false);

    const second = await applyLocal(moveAction, { from, to });
    expect(second.plan.reason).toBe(`already moved: ${to} exists, ${from} does not`);

    expect((await undoLocal(first.plan)).map((r) => r.code)).toEqual([0]);
    expect((await undoLocal(first.plan)).map((r) => r.code)).toEqual([0]);
    expect(readFileSync(join(from, 'Packages'), 'utf8')).toBe('zip');
    expect(existsSync(to)).toBe(false);
  });

  it('the rename command refuses a target that appeared after planning', async () => {
    const late = join(root, 'late');
    const params = { from, to: late };
    const plan = moveAction.plan(await moveAction.read(localContext(), params), params);
    mkdirSync(late);
    const [command] = plan.changes[0]?.commands ?? [];
    const r = await runLocal(command as Command);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(`move: ${late} already exists\n`);
    expect(readFileSync(join(from, 'Packages'), 'utf8')).toBe('zip');
  });
});
