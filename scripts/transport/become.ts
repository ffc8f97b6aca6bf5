// Becoming another user is a command rewrite: the argv that starts the shell a command runs in.
import { shQuote } from './command.js';

/** The shell argv for a step's `become`: [] = the login user's plain sh; true = root. */
export function becomeShell(spec: boolean | string | undefined): string[] {
  if (spec === undefined || spec === false || spec === '') return [];
  const user = spec === true ? 'root' : spec;
  return ['sudo', '-n', '-H', '-u', user, '--', 'sh'];
}

/** The shell argv as one command line (what an SSH exec request or `sh -c` receives). */
export function shellCommandLine(shell: string[]): string {
  return (shell.length ? shell : ['sh']).map(shQuote).join(' ');
}

/** A readable name for a shell argv, for messages. */
export function describeShell(shell: string[]): string {
  const user = shell[0] === 'sudo' ? shell[shell.indexOf('-u') + 1] : undefined;
  return user ? `sudo to ${user}` : 'sh';
}

/** What to do when sudo refused to start the shell, judged from its stderr (undefined if not sudo's fault). */
export function becomeFailureHint(stderr: string): string | undefined {
  if (/a password is required|a terminal is required|password for/i.test(stderr)) {
    return 'give the user passwordless sudo (NOPASSWD) or connect as root';
  }
  if (/you must have a tty/i.test(stderr)) {
    return 'remove `Defaults requiretty` from sudoers for this user, or connect as root';
  }
  if (/is not in the sudoers file|is not allowed to execute/i.test(stderr)) {
    return 'allow the user to run sh through sudo as the target user, or connect as root';
  }
  if (/sudo: (command )?not found|sudo: No such file/i.test(stderr)) {
    return 'install sudo on the host, or connect as root';
  }
  return undefined;
}
