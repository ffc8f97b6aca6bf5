// An interactive SSH session: one exec with a pseudo-terminal wired to the local terminal (raw mode, resizes).
import type { Readable, Writable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { ConnectError } from '../core/errors.js';
import { shQuote } from './command.js';
import { openConnection, type SshConfig } from './ssh-connect.js';

/** The local side of the session: a terminal (or any streams, e.g. under tests). */
export interface PtyTerminal {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable & { columns?: number; rows?: number };
  stderr: Writable;
  /** TERM sent to the host (default xterm-256color). */
  term?: string;
}

/** The remote command line for argv, through sudo to root when `become` and the login user is not root. */
export function attachCommandLine(command: string[], become: boolean, loginUser: string): string {
  const sudo = become && loginUser !== 'root' ? ['sudo', '-H', '-u', 'root', '--'] : [];
  return [...sudo, ...command].map(shQuote).join(' ');
}

function windowOf(out: PtyTerminal['stdout']): { rows: number; cols: number } {
  return {
    rows: out.rows && out.rows > 0 ? out.rows : 24,
    cols: out.columns && out.columns > 0 ? out.columns : 80,
  };
}

function execWithPty(
  client: import('ssh2').Client,
  commandLine: string,
  terminal: PtyTerminal,
): Promise<ClientChannel> {
  const { rows, cols } = windowOf(terminal.stdout);
  const pty = { rows, cols, width: 0, height: 0, term: terminal.term ?? 'xterm-256color' };
  return new Promise((resolve, reject) =>
    client.exec(commandLine, { pty }, (err, stream) => (err ? reject(err) : resolve(stream))),
  );
}

/**
 * Runs `commandLine` on the host with a PTY of the local terminal's size, the local terminal in raw mode and
 * resized on SIGWINCH; resolves with the remote exit code (255 when it ended without one, e.g. killed by a signal).
 */
export async function runInPty(cfg: SshConfig, commandLine: string, terminal: PtyTerminal): Promise<number> {
  const connection = await openConnection(cfg);
  const { stdin, stdout, stderr } = terminal;
  const wasRaw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  let stream: ClientChannel;
  try {
    stream = await execWithPty(connection.client, commandLine, terminal);
  } catch (e) {
    connection.end();
    throw new ConnectError(cfg.host, `cannot start the remote command: ${(e as Error).message}`);
  }
  const resize = () => {
    const { rows, cols } = windowOf(stdout);
    stream.setWindow(rows, cols, 0, 0);
  };
  if (wasRaw) stdin.setRawMode?.(true);
  process.on('SIGWINCH', resize);
  stdin.pipe(stream);
  stream.pipe(stdout, { end: false });
  stream.stderr.pipe(stderr, { end: false });
  return new Promise<number>((resolve) => {
    let code = 255;
    stream.on('exit', (exitCode: number | null) => {
      if (typeof exitCode === 'number') code = exitCode;
    });
    stream.on('close', () => {
      process.off('SIGWINCH', resize);
      stdin.unpipe(stream);
      if (wasRaw) stdin.setRawMode?.(false);
      stdin.pause();
      connection.end();
      resolve(code);
    });
  });
}
