import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redSgr } from '../../helpers/report/sgr.js';
import { openTerminal, type Terminal } from '../../helpers/report/terminal.js';
import { PAUSED_OUTPUT } from '../../helpers/report/tree-driver.js';

// Node 20 runs no TypeScript: vite's runnerImport loads the driver (and the renderer) as the tests do.
const driver = `node --input-type=module -e "import { runnerImport } from 'vite'; const { module } = await runnerImport('test/helpers/report/tree-driver.ts'); await module.main();"`;

describe('tree renderer in a real terminal', () => {
  let term: Terminal | undefined;
  afterEach(() => term?.close());

  it('shows the running step with its last output line, then the final tree, recap and verdict', async () => {
    const pauseDir = await mkdtemp(join(tmpdir(), 'waptops-tree-'));
    term = openTerminal(`cd ${process.cwd()} && ${driver}`, { TREE_PAUSE_DIR: pauseDir });

    const live = await term.waitFor(PAUSED_OUTPUT);
    const liveLines = live.split('\n');
    expect(liveLines[0]).toMatch(/^. deb1$/);
    expect(liveLines).toContain('  ✔ [1/3] nginx configuration is valid — ok (250ms): checked');
    expect(liveLines).toContainEqual(expect.stringMatching(/^ {2}. \[2\/3\] nginx restarted$/));
    expect(liveLines).toContain(`    › ${PAUSED_OUTPUT}`);
    expect(liveLines).toContainEqual(expect.stringMatching(/^. cent1 \(waiting\)$/));

    await writeFile(join(pauseDir, 'go'), '');
    const lines = (await term.waitFor('__EXIT__')).split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '✔ deb1 — 1 ok, 1 changed, 0 failed, 1 skipped (1.4s)',
      '  ✔ [1/3] nginx configuration is valid — ok (250ms): checked',
      '  ✔ [2/3] nginx restarted — changed (1.2s)',
      '  ↓ [3/3] port 443 answers — skipped (0ms): when: params.timeout > 60 is false',
      '✔ cent1 — 1 ok, 0 changed, 0 failed, 0 skipped (300ms)',
      '  ✔ [1/3] nginx configuration is valid — ok (300ms)',
      '✖ srv9 — unreachable: connect ECONNREFUSED 198.18.0.9:22',
    ]);
    expect(lines).not.toContain(`    › ${PAUSED_OUTPUT}`);
    expect(lines).toContain('-b');
    expect(lines).toContain('+B');
    expect(lines).toContain('WARNING deb1: disk /var almost full (92%)');
    expect(lines).toContain('srv9    -        -       -        -   5.0s  UNREACHABLE');
    expect(lines).toContain('RESULT: 1 host ok, 1 changed, 0 failed, 1 unreachable — exit 3');
    expect(lines.at(-1)).toBe('__EXIT__0');
  });

  it('shows a failed step with its message, "would change" in --check, rescue steps and a locked host', async () => {
    term = openTerminal(`cd ${process.cwd()} && ${driver}`, { TREE_SCENARIO: 'failed' });
    const lines = (await term.waitFor('__EXIT__')).split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '✖ deb1 — 1 ok, 1 would change, 1 failed, 0 skipped (300ms): exit 1: nginx -t',
      '  ✔ [1/3] repository mounted — would change (100ms)',
      '  ✖ [2/3] nginx restarted — failed (100ms)',
      '    › exit 1: nginx -t',
      '      nginx: [emerg] unknown directive',
      '  ✔ [rescue 1] nginx logs — ok (100ms)',
      '✖ deb2 — 0 ok, 0 would change, 0 failed, 0 skipped (0ms): locked by bob@ops2 since 02:58',
      'RECAP',
    ]);
    expect(lines).toContain('RESULT: 0 hosts ok, 0 would change, 2 failed, 0 unreachable — exit 2');
  });

  it('ends the tree when the run stops before its hosts finish', async () => {
    term = openTerminal(`cd ${process.cwd()} && ${driver}`, { TREE_SCENARIO: 'interrupted' });
    const lines = (await term.waitFor('__EXIT__')).split('\n');
    expect(lines).toContain('  ✖ [2/3] nginx restarted — did not finish');
    expect(lines).toContain('✖ cent1 — did not finish');
    expect(lines).toContain('RESULT: 1 host ok, 0 changed, 0 failed, 0 unreachable — exit 130 (interrupted)');
    expect(lines.at(-1)).toBe('__EXIT__0');
  });
});

describe('failures under ignore_errors in a real terminal', () => {
  let term: Terminal | undefined;
  afterEach(() => term?.close());

  it('draws them as yellow warnings with their reason in words, no command, no red; a real failure keeps its cross', async () => {
    term = openTerminal(`cd ${process.cwd()} && ${driver}`, { TREE_SCENARIO: 'ignored' }, 160);
    const lines = (await term.waitFor('__EXIT__')).split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '✔ deb1 — 3 ok, 0 changed, 0 failed, 0 skipped, 2 ignored (300ms)',
      '  ⚠ [1/3] the server name resolves — ignored (100ms): cannot resolve deb1.wapt.lab: getaddrinfo ENOTFOUND deb1.wapt.lab',
      '  ⚠ [2/3] local firewall rules dropping 443 — ignored (100ms): cannot read the firewall rules: nft: refused (exit 3)',
      '  ✔ [3/3] verdict — ok (100ms): no error',
      '✖ cent1 — 0 ok, 0 changed, 1 failed, 0 skipped (100ms): Job for nginx.service failed (exit 1)',
      '  ✖ [1/3] nginx restarted — failed (100ms)',
      '    › Job for nginx.service failed (exit 1)',
      '        Job for nginx.service failed',
    ]);
    expect(lines).toContain('  deb1: 2 failure(s) ignored (ignore_errors), marked "ignored" above');
    const screen = term.colouredScreen();
    const deb1 = screen.slice(0, screen.lastIndexOf('\n', screen.indexOf('cent1')));
    expect(redSgr(deb1)).toEqual([]);
    expect(deb1).toContain('\x1b[33m⚠\x1b[39m');
    expect(redSgr(screen).length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('nft list ruleset');
  });

  it('shows the commands and a failure with its command only with --verbose', async () => {
    term = openTerminal(
      `cd ${process.cwd()} && ${driver}`,
      { TREE_SCENARIO: 'ignored', TREE_VERBOSE: '1' },
      160,
    );
    const lines = (await term.waitFor('__EXIT__')).split('\n');
    expect(lines).toContain('    › cent1: `systemctl restart nginx` exited 1');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}⚠ \[2\/3\] local firewall rules dropping 443 — ignored/),
    );
  });
});
