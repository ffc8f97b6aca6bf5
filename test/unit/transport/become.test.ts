// become as a command rewrite: the shell argv and the hints for a refused sudo.
import { describe, expect, it } from 'vitest';
import {
  becomeFailureHint,
  becomeShell,
  describeShell,
  shellCommandLine,
} from '../../../scripts/transport/become.js';

describe('becomeShell', () => {
  it('keeps the login shell when not becoming', () => {
    expect(becomeShell(undefined)).toEqual([]);
    expect(becomeShell(false)).toEqual([]);
    expect(shellCommandLine([])).toBe('sh');
  });

  it('starts sh through non-interactive sudo as root or a named user', () => {
    expect(becomeShell(true)).toEqual(['sudo', '-n', '-H', '-u', 'root', '--', 'sh']);
    expect(becomeShell('wapt')).toEqual(['sudo', '-n', '-H', '-u', 'wapt', '--', 'sh']);
    expect(shellCommandLine(becomeShell("o'brien"))).toBe(`sudo -n -H -u 'o'\\''brien' -- sh`);
    expect(describeShell(becomeShell('wapt'))).toBe('sudo to wapt');
  });

  it('explains the usual sudo refusals', () => {
    expect(becomeFailureHint('sudo: a password is required\n')).toMatch(/passwordless sudo.*connect as root/);
    expect(becomeFailureHint('sudo: sorry, you must have a tty to run sudo')).toMatch(/requiretty/);
    expect(becomeFailureHint('bob is not in the sudoers file.')).toMatch(/allow the user/);
    expect(becomeFailureHint('sh: 1: sudo: not found')).toMatch(/install sudo/);
    expect(becomeFailureHint('grep: x: No such file or directory')).toBeUndefined();
  });
});
