// Step groups and playbook-level become: the loader opens each `block:` in place, the group's `when` joins the
// step's own with `&&`, become comes from the step, else its group, else the playbook; a script file is found
// beside the playbook, and a missing one is refused at its position.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actions } from '../../../../scripts/actions/index.js';
import { formatProblem, ValidationError } from '../../../../scripts/core/errors.js';
import { parsePlaybook } from '../../../../scripts/engine/load/parse-playbook.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'waptops-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAYBOOK = `name: grouped
description: one plain step, then a group under one when
become: true
steps:
  - name: first
    id: first
    action: command
    with: { argv: ['true'] }
    become: false
  - name: the rest
    when: "!steps.first.changed"
    become: wapt
    block:
      - name: inside, plain
        action: command
        with: { argv: ['true'] }
      - name: inside, with its own when
        action: command
        with: { argv: ['true'] }
        when: "facts.os.family == 'rhel' || facts.os.family == 'debian'"
        become: true
      - name: inside, a script
        action: script
        with: { file: scripts/probe.sh, args: [a] }
  - name: last
    action: command
    with: { argv: ['true'] }
`;

function load(text: string) {
  const file = path.join(dir, 'grouped.yml');
  writeFileSync(file, text);
  return parsePlaybook(file, text, { registry: actions });
}

describe('step groups', () => {
  it('open in place with the joined when and the nearest become, at their own positions', () => {
    mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    writeFileSync(path.join(dir, 'scripts/probe.sh'), '#!/bin/sh\necho "$1"\n');
    const playbook = load(PLAYBOOK);
    expect(playbook.steps.map((s) => [s.name, s.when, s.become])).toEqual([
      ['first', undefined, false],
      ['inside, plain', '!steps.first.changed', 'wapt'],
      [
        'inside, with its own when',
        "!steps.first.changed && (facts.os.family == 'rhel' || facts.os.family == 'debian')",
        true,
      ],
      ['inside, a script', '!steps.first.changed', 'wapt'],
      ['last', undefined, true],
    ]);
    expect(playbook.steps.map((s) => s.pos?.line)).toEqual([5, 14, 17, 22, 25]);
    expect(playbook.steps[3]?.with.file).toBe(path.join(dir, 'scripts/probe.sh'));
  });

  it('a script file that is not beside the playbook is refused at its position', () => {
    rmSync(path.join(dir, 'scripts'), { recursive: true, force: true });
    try {
      load(PLAYBOOK);
      expect.unreachable('the playbook loaded');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).problems.map(formatProblem)).toEqual([
        `${path.join(dir, 'grouped.yml')}:24:23 steps[1].block[2].with.file: no file ${path.join(dir, 'scripts/probe.sh')}`,
      ]);
    }
  });
});
