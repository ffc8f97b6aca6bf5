// The OpenSSH client config as ssh applies it: Host patterns, first value wins, tokens, Include and Match, file:line errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, ValidationError } from '../../../scripts/core/errors.js';
import { parseSshConfig } from '../../../scripts/transport/ssh-config-file.js';
import { patternListMatches, sshHostSettings } from '../../../scripts/transport/ssh-config-host.js';

const dir = mkdtempSync(path.join(tmpdir(), 'waptops-ssh-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (text: string, name: string, more: Record<string, unknown> = {}) =>
  sshHostSettings(parseSshConfig('cfg', text), { name, ...more });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('Host patterns', () => {
  it('match with *, ? (exactly one character) and ! (a negated match vetoes the line)', () => {
    expect(patternListMatches(['srv*'], 'srvwapt')).toBe(true);
    expect(patternListMatches(['web?'], 'web1')).toBe(true);
    expect(patternListMatches(['web?'], 'web')).toBe(false);
    expect(patternListMatches(['web?'], 'web12')).toBe(false);
    expect(patternListMatches(['*.lab', '!db.lab'], 'db.lab')).toBe(false);
    expect(patternListMatches(['*.lab', '!db.lab'], 'www.lab')).toBe(true);
    expect(patternListMatches(['!db.lab'], 'www.lab')).toBe(false);
    expect(patternListMatches(['SRV.example.org'], 'srv.example.org')).toBe(true);
  });

  it('apply only the blocks whose patterns match, the first obtained value winning', () => {
    const text = [
      'Host srvwapt',
      '  HostName 192.0.2.10',
      '  port 2222',
      'Host *.lab !db.lab',
      '  User labops',
      'Host *',
      '  User everyone',
      '  Port=22',
      '  HostName ignored.example.org',
      '',
    ].join('\n');
    expect(settings(text, 'srvwapt')).toMatchObject({ hostName: '192.0.2.10', port: 2222, user: 'everyone' });
    expect(settings(text, 'www.lab')).toMatchObject({ user: 'labops', port: 22 });
    expect(settings(text, 'db.lab')).toMatchObject({ user: 'everyone' });
  });

  it('options before any Host apply to every host, and a value set there is never overridden', () => {
    expect(settings('User first\nHost a\n  User second\n', 'a').user).toBe('first');
  });
});

describe('values', () => {
  it('expand tokens where OpenSSH allows them, and ~', () => {
    const text = [
      'Host srv*',
      '  HostName %h.example.org',
      '  IdentityFile ~/.ssh/%h-%r-%p',
      '  IdentityFile "/keys/my key %u %%"',
      '  UserKnownHostsFile ~/.ssh/known_%n /second/file',
      '  ProxyJump admin@gw-%n:2200,%r@gw2',
      'Host *',
      '  User ops',
      '  Port 2201',
      '',
    ].join('\n');
    const s = settings(text, 'srv1');
    expect(s.hostName).toBe('srv1.example.org');
    expect(s.identityFiles).toEqual([
      path.join(homedir(), '.ssh/srv1.example.org-ops-2201'),
      `/keys/my key ${userInfo().username} %`,
    ]);
    expect(s.knownHostsFile).toBe(path.join(homedir(), '.ssh/known_srv1'));
    expect(s.proxyJump).toBe('admin@gw-srv1:2200,ops@gw2');
  });

  it('takes the inventory values it is given for the tokens, and gives none of its own for them', () => {
    const s = settings('Host *\n  User cfg\n  Port 2\n  IdentityFile /k/%r@%h:%p\n', 'a', {
      hostName: '10.0.0.1',
      user: 'inv',
      port: 2022,
    });
    expect(s).toEqual({ identityFiles: ['/k/inv@10.0.0.1:2022'] });
  });

  it('maps StrictHostKeyChecking and ConnectTimeout; ProxyJump none means no jump', () => {
    expect(settings('StrictHostKeyChecking yes\nConnectTimeout 7\n', 'a')).toMatchObject({
      hostKeyPolicy: 'strict',
      connectTimeout: 7,
    });
    expect(settings('StrictHostKeyChecking accept-new\n', 'a').hostKeyPolicy).toBe('accept-new');
    expect(settings('Host a\n  ProxyJump none\nHost *\n  ProxyJump gw\n', 'a').proxyJump).toBeUndefined();
    expect(settings('Host a\n  ProxyJump none\nHost *\n  ProxyJump gw\n', 'b').proxyJump).toBe('gw');
  });

  it('ignores keywords waptops does not use', () => {
    expect(settings('ForwardAgent yes\nControlMaster auto\nHost a\n  LocalForward 8080 x:80\n', 'a')).toEqual(
      {
        identityFiles: [],
      },
    );
  });

  it('also applies the blocks that match the address the inventory gives', () => {
    const text = 'Host 192.0.2.7\n  User byaddress\n  Port 2207\nHost srv\n  Port 2200\n';
    expect(settings(text, 'srv', { hostName: '192.0.2.7' })).toMatchObject({ user: 'byaddress', port: 2200 });
  });

  it('refuses a bad value at its file:line', () => {
    const text = 'Host a\n  Port 70000\n  StrictHostKeyChecking maybe\n  IdentityFile /k/%C\n';
    expect(problemsOf(() => settings(text, 'a'))).toEqual([
      "cfg:2:1 port: expected a number from 1 to 65535, got '70000'",
      "cfg:4:1 identityfile: unknown or unsupported token '%C'",
      "cfg:3:1 stricthostkeychecking: expected yes, ask, accept-new, no or off, got 'maybe'",
    ]);
  });
});

describe('Match and Include', () => {
  it('evaluates Match host/originalhost/user/all, and warns once, at file:line, for a criterion it does not', () => {
    const text = [
      'Match originalhost srv* user ops',
      '  Port 2001',
      'Match exec "test -e /tmp/x"',
      '  Port 2002',
      'Match host 10.*',
      '  Port 2003',
      'Match all',
      '  Port 2004',
      '',
    ].join('\n');
    const config = parseSshConfig('cfg', text);
    expect(config.warnings).toEqual([
      'cfg:3: Match exec is not evaluated by waptops; the options of this Match block are not applied',
    ]);
    expect(sshHostSettings(config, { name: 'srv1', user: 'ops' }).port).toBe(2001);
    expect(sshHostSettings(config, { name: 'srv1', user: 'other' }).port).toBe(2004);
    expect(sshHostSettings(config, { name: 'x', hostName: '10.1.1.1' }).port).toBe(2003);
  });

  it('opens Include in place (file-name globs sorted), inside a Host block only when it matches, then restores the block', () => {
    const inc = path.join(dir, 'conf.d');
    rmSync(inc, { recursive: true, force: true });
    writeFileSync(path.join(dir, 'inner'), 'User inner\n');
    mkdirSync(inc);
    writeFileSync(path.join(inc, '20-b.conf'), 'Host b\n  Port 2020\nHost a\n  Port 2010\n');
    writeFileSync(path.join(inc, '10-a.conf'), 'Host a\n  Port 2001\n');
    writeFileSync(path.join(inc, 'skip.txt'), 'Port 1\n');
    // The Include after `Host a` belongs to that block (indentation means nothing to ssh); the first is global.
    const text = [
      `Include ${inc}/*.conf`,
      'Host a',
      `  Include ${path.join(dir, 'inner')}`,
      'Host *',
      '  User outer',
      '',
    ].join('\n');
    const config = parseSshConfig('cfg', text);
    expect(sshHostSettings(config, { name: 'a' })).toMatchObject({ user: 'inner', port: 2001 });
    expect(sshHostSettings(config, { name: 'b' })).toMatchObject({ user: 'outer', port: 2020 });
    expect(sshHostSettings(config, { name: 'c' }).port).toBeUndefined();
  });

  it('reads an Include without a path from ~/.ssh, and a missing one as nothing', () => {
    const config = parseSshConfig('cfg', 'Include waptops-test-missing-file\nUser ops\n');
    expect(config.entries[0]).toMatchObject({ kind: 'include', entries: [], line: 1 });
    expect(sshHostSettings(config, { name: 'a' }).user).toBe('ops');
  });
});
