// `waptops completion bash|zsh`: the scripts sourced in a real bash (the completion function called as bash
// calls it) and a real zsh in a terminal (Tab pressed), both calling back into the built CLI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli-process.js';
import { openTerminal } from '../../helpers/report/terminal.js';

const repo = process.cwd();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'waptops-completion-'));
const bin = path.join(tmp, 'bin');
const inventory = path.join(tmp, 'fleet.yml');
// An unrelated directory whose inventory/hosts.yml is the default one.
const elsewhere = path.join(tmp, 'elsewhere');
mkdirSync(bin);
mkdirSync(path.join(elsewhere, 'inventory'), { recursive: true });
writeFileSync(path.join(bin, 'waptops'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`, {
  mode: 0o755,
});
writeFileSync(
  inventory,
  'hosts:\n  srv-paris: { address: 192.0.2.1 }\n  srv-lyon: { address: 192.0.2.2 }\ngroups:\n  south: { hosts: [srv-lyon] }\n',
);
writeFileSync(path.join(elsewhere, 'inventory', 'hosts.yml'), 'hosts:\n  agent-7: { address: 192.0.2.7 }\n');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PATH = `${bin}:${process.env.PATH}`;

/**
 * Sources `waptops completion bash` in bash, sets COMP_* as bash does for `line` split into `words` (bash
 * breaks words at `=` too), calls the completion function and returns COMPREPLY.
 */
function bashComplete(line: string, words: string[], cwd = repo): string[] {
  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: bash parameter expansions, not JS templates
  const script = [
    'source <(waptops completion bash)',
    'COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; shift',
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))',
    '_waptops_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: bash parameter expansions, not JS templates
  const out = execFileSync('bash', ['-c', script, 'bash', line, ...words], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH },
  });
  return out.split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('is registered for waptops, falling back to file names', () => {
    const out = execFileSync('bash', ['-c', 'source <(waptops completion bash); complete -p waptops'], {
      encoding: 'utf8',
      env: { ...process.env, PATH },
    });
    expect(out.trim()).toBe('complete -o default -F _waptops_complete waptops');
  });

  it('completes commands (not the hidden one), options and runbook names', () => {
    const commands = bashComplete('waptops ', ['waptops', '']);
    expect(commands).toEqual(
      expect.arrayContaining(['run', 'list', 'report', 'help', 'completion', 'doctor']),
    );
    expect(commands).not.toContain('__complete');
    expect(bashComplete('waptops r', ['waptops', 'r'])).toEqual(['run', 'report']);
    expect(bashComplete('waptops run mig', ['waptops', 'run', 'mig'])).toEqual([
      'migrate-repo',
      'migrate-repo-finalize',
    ]);
    expect(bashComplete('waptops run health --sh', ['waptops', 'run', 'health', '--sh'])).toEqual([
      '--shard',
    ]);
    expect(
      bashComplete('waptops run health --shard a', ['waptops', 'run', 'health', '--shard', 'a']),
    ).toEqual(['auto']);
    expect(bashComplete('waptops help migrate-repo-', ['waptops', 'help', 'migrate-repo-'])).toEqual([
      'migrate-repo-finalize',
    ]);
    expect(bashComplete('waptops completion ', ['waptops', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(bashComplete('waptops report m', ['waptops', 'report', 'm'])).toEqual(['merge']);
  });

  it('completes hosts and groups of -i given earlier, in comma lists and after !', () => {
    const line = `waptops run health -i ${inventory} --limit `;
    expect(bashComplete(line, ['waptops', 'run', 'health', '-i', inventory, '--limit', '']).sort()).toEqual([
      'all',
      'south',
      'srv-lyon',
      'srv-paris',
    ]);
    expect(
      bashComplete(`${line}srv-paris,!s`, [
        'waptops',
        'run',
        'health',
        '-i',
        inventory,
        '--limit',
        'srv-paris,!s',
      ]),
    ).toEqual(['srv-paris,!srv-paris', 'srv-paris,!srv-lyon', 'srv-paris,!south']);
    expect(
      bashComplete(`waptops facts -i ${inventory} srv-l`, ['waptops', 'facts', '-i', inventory, 'srv-l']),
    ).toEqual(['srv-lyon']);
  });

  it('completes hosts and groups of an Ansible INI inventory', () => {
    const ini = path.join(tmp, 'hosts.ini');
    writeFileSync(
      ini,
      '[webservers]\nweb1 ansible_host=192.0.2.1\nweb2 ansible_host=192.0.2.2\n\n[paris:children]\nwebservers\n',
    );
    const words = ['waptops', 'run', 'health', '-i', ini, '--limit', ''];
    expect(bashComplete(`waptops run health -i ${ini} --limit `, words).sort()).toEqual([
      'all',
      'paris',
      'ungrouped',
      'web1',
      'web2',
      'webservers',
    ]);
  });

  it('completes hosts of the default inventory of the directory it runs in', () => {
    expect(bashComplete('waptops doctor ', ['waptops', 'doctor', ''], elsewhere)).toEqual(['agent-7']);
  });

  it('completes -e with the params of the runbook on the line, then known values after bash breaks at =', () => {
    expect(
      bashComplete('waptops run migrate-repo -e ', ['waptops', 'run', 'migrate-repo', '-e', '']),
    ).toEqual(['device=', 'source=', 'format=', 'fstype=', 'allow_nonempty=']);
    expect(
      bashComplete('waptops run migrate-repo -e fs', ['waptops', 'run', 'migrate-repo', '-e', 'fs']),
    ).toEqual(['fstype=']);
    const words = ['waptops', 'run', 'migrate-repo', '-e', 'fstype', '=', 'x'];
    expect(bashComplete('waptops run migrate-repo -e fstype=x', words)).toEqual(['xfs']);
    expect(
      bashComplete('waptops run migrate-repo -e format=', words.slice(0, 4).concat(['format', '='])),
    ).toEqual(['=true', '=false']);
    // secrets are not offered to -e, only to --secret-file
    expect(
      bashComplete('waptops run reset-admin-password -e ', [
        'waptops',
        'run',
        'reset-admin-password',
        '-e',
        '',
      ]),
    ).toEqual(['timeout=']);
    expect(
      bashComplete('waptops run reset-admin-password --secret-file n', [
        'waptops',
        'run',
        'reset-admin-password',
        '--secret-file',
        'n',
      ]),
    ).toEqual(['new_password=']);
  });

  it('offers nothing (bash then completes file names) where a file goes, or when the inventory is unreadable', () => {
    expect(bashComplete('waptops run health --json ', ['waptops', 'run', 'health', '--json', ''])).toEqual(
      [],
    );
    expect(bashComplete('waptops report merge ', ['waptops', 'report', 'merge', ''])).toEqual([]);
    const missing = path.join(tmp, 'missing.yml');
    expect(bashComplete(`waptops facts -i ${missing} `, ['waptops', 'facts', '-i', missing, ''])).toEqual([]);
  });
});

describe('zsh completion', () => {
  it('the script is valid zsh', () => {
    execFileSync(
      'sh',
      ['-c', 'waptops completion zsh > "$1" && zsh -n "$1"', 'sh', path.join(tmp, '_waptops')],
      {
        env: { ...process.env, PATH },
      },
    );
  });

  it('completes runbooks, -e params (no space after name=) and hosts when Tab is pressed', async () => {
    const term = openTerminal(`cd '${repo}' && PATH='${PATH}' zsh -f`, {}, 120, 30);
    try {
      term.keys(
        '-l',
        'autoload -U compinit && compinit -u && source <(waptops completion zsh) && echo READY',
      );
      term.keys('Enter');
      await term.waitFor('\nREADY');
      term.keys('-l', 'waptops run migrate-repo-f');
      term.keys('Tab');
      // (tmux drops trailing spaces from the screen: a space after a candidate shows in the next word typed)
      await term.waitFor('waptops run migrate-repo-finalize');
      term.keys('C-u');
      term.keys('-l', 'waptops run migrate-repo -e fst');
      term.keys('Tab');
      await term.waitFor('waptops run migrate-repo -e fstype=');
      term.keys('-l', 'x');
      term.keys('Tab');
      await term.waitFor('waptops run migrate-repo -e fstype=xfs');
      term.keys('-l', '--', '--ch');
      term.keys('Tab');
      await term.waitFor('waptops run migrate-repo -e fstype=xfs --check');
      term.keys('C-u');
      term.keys('-l', `waptops facts -i ${inventory} srv-p`);
      term.keys('Tab');
      await term.waitFor(`waptops facts -i ${inventory} srv-paris`);
    } finally {
      term.close();
    }
  });
});
