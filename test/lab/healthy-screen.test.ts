// Lab: on healthy hosts, check-443 and doctor in a real terminal (tmux) draw no red and no cross, and the recap
// says ok; a firewall whose rules cannot be read is one yellow line saying why, with no command.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { INVENTORY_FILE, LAB_FILES } from '../../scripts/lab/config.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { cliArgv } from '../helpers/cli-process.js';
import { labTempDir, type RunReport } from '../helpers/lab/lab-run.js';
import { redSgr } from '../helpers/report/sgr.js';
import { openTerminal, type Terminal } from '../helpers/report/terminal.js';

const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A word quoted for sh. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

let term: Terminal | undefined;
afterEach(() => term?.close());

/** Runs the CLI with `args` in a 160 x 200 terminal, the lab's names resolving; returns its last screen, plain and coloured. */
async function onTerminal(args: string[]): Promise<{ lines: string[]; coloured: string }> {
  const [command, ...rest] = args;
  const words = cliArgv([command as string, '-i', INVENTORY_FILE, ...rest], { hostsFile: LAB_FILES.names });
  term = openTerminal(words.map(quote).join(' '), { XDG_STATE_HOME: path.join(tmp, 'state') }, 160, 200);
  const lines = (await term.waitFor('__EXIT__', 120_000)).split('\n');
  return { lines, coloured: term.colouredScreen() };
}

describe('a healthy lab reads healthy on a terminal', () => {
  it('check-443 on deb1 and rhel1: every step ok, no red, no cross, the recap ok', async () => {
    const json = path.join(tmp, 'check-443.json');
    const { lines, coloured } = await onTerminal([
      'run',
      'check-443',
      '--limit',
      'deb1,rhel1',
      '--json',
      json,
    ]);
    const screen = lines.join('\n');
    expect(redSgr(coloured), screen).toEqual([]);
    expect(screen).not.toContain('✖');
    expect(screen).not.toContain('⚠');
    expect(screen).not.toContain('sh -c');
    expect(lines).toContain('RESULT: 2 hosts ok, 0 changed, 0 failed, 0 unreachable — exit 0');
    expect(lines.at(-1)).toBe('__EXIT__0');
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    for (const host of ['deb1', 'rhel1']) {
      const steps = report.hosts[host]?.steps ?? [];
      expect(steps.map((s) => s.status)).toEqual(Array(8).fill('ok'));
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^ {2}✔ \\[1/8\\] the server name resolves and answers from the controller — ok \\(\\d+ms\\): ${host}\\.wapt\\.lab:443 is open$`,
          ),
        ),
      );
    }
  });

  it('doctor on deb1 and rhel1: no red, no cross, no error, the recap ok', async () => {
    const { lines, coloured } = await onTerminal(['doctor', 'deb1,rhel1']);
    const screen = lines.join('\n');
    expect(redSgr(coloured), screen).toEqual([]);
    expect(screen).not.toContain('✖');
    expect(screen).not.toContain('sh -c');
    expect(lines).toContain('RESULT: 2 hosts ok, 0 would change, 0 failed, 0 unreachable — exit 0');
    expect(lines).toContain('deb1: 0 error(s), 3 warning(s)');
    expect(lines).toContain('rhel1: 0 error(s), 3 warning(s)');
    expect(screen).toMatch(/✔ \[\d+\/\d+\] local firewall rules dropping 443 — ok/);
    expect(lines.at(-1)).toBe('__EXIT__0');
  });

  it('firewall rules that cannot be read: one yellow warning line saying why, no command, still no red', async () => {
    await runInHost('deb1', 'chmod a-x /usr/sbin/nft');
    try {
      const { lines, coloured } = await onTerminal(['run', 'check-443', '--limit', 'deb1']);
      const screen = lines.join('\n');
      expect(redSgr(coloured), screen).toEqual([]);
      expect(screen).not.toContain('✖');
      expect(screen).not.toContain('sh -c');
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^ {2}⚠ \[7\/8\] local firewall rules dropping 443 — ignored \(\d+ms\): cannot read the firewall rules: nft is not installed; iptables-save is not installed \(exit 3\)$/,
        ),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^✔ deb1 — 8 ok, 0 changed, 0 failed, 0 skipped, 1 ignored/),
      );
      expect(lines).toContain('RESULT: 1 host ok, 0 changed, 0 failed, 0 unreachable — exit 0');
    } finally {
      await runInHost('deb1', 'chmod a+x /usr/sbin/nft');
    }
  });
});
