// The SSH transport: one ssh2 connection per host, one persistent framed shell per become argv, SFTP for files.
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { ConnectError, StepError } from '../core/errors.js';
import { becomeFailureHint, describeShell, shellCommandLine } from './become.js';
import { type Command, renderCommand, shQuote, stdinBytes } from './command.js';
import { type HeldChannel, holdChannel } from './held.js';
import type { PutOptions } from './sftp.js';
import { sftpGet, sftpPut } from './sftp.js';
import { type ShellDeath, ShellSession, type ShellStreams } from './shell-session.js';
import { openConnection, type SshConfig, type SshConnection } from './ssh-connect.js';
import type { HeldProcess, RunOptions, RunResult, Transport } from './types.js';

/** How to reach a host (re-exported so callers need only this module). */

function channelStreams(channel: ClientChannel): ShellStreams {
  let exitCode: number | null = null;
  channel.on('exit', (code: number | null) => {
    exitCode = typeof code === 'number' ? code : null;
  });
  return {
    stdin: channel,
    stdout: channel,
    stderr: channel.stderr,
    onEnd: (cb) => channel.on('close', () => cb(exitCode)),
    destroy: () => channel.close(),
  };
}

/** Runs commands on one host over SSH (ssh2), reusing one connection and one shell per become user. */
export class SshTransport implements Transport {
  readonly host: string;
  private connection: SshConnection | undefined;
  private connecting: Promise<void> | undefined;
  private lost = false;
  private closedOnPurpose = false;
  private readonly shells = new Map<string, Promise<ShellSession>>();
  private sftpSession: Promise<SFTPWrapper> | undefined;

  constructor(private readonly cfg: SshConfig) {
    this.host = cfg.host;
  }

  /** Opens the connection (again after a loss); a second call while connected does nothing. */
  connect(): Promise<void> {
    if (this.connection && !this.lost) return Promise.resolve();
    this.connecting ??= openConnection(this.cfg)
      .then((connection) => {
        this.connection = connection;
        this.lost = false;
        this.closedOnPurpose = false;
        connection.client.on('close', () => this.forget(connection));
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  async run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    const session = await this.shell(opts.shell ?? []);
    return session.run(
      { text: renderCommand(cmd), stdin: stdinBytes(cmd), timeoutMs: opts.timeoutMs },
      { onOutput: opts.onOutput },
    );
  }

  async runInShell(cmd: Command): Promise<RunResult> {
    return (await this.shell([])).runInShell(renderCommand(cmd));
  }

  async hold(cmd: Command, opts: { shell?: string[] } = {}): Promise<HeldProcess> {
    const line = `${shellCommandLine(opts.shell ?? [])} -c ${shQuote(renderCommand(cmd))}`;
    const channel = await this.exec(line);
    const held: HeldChannel = {
      stdin: channel,
      stdout: channel,
      stderr: channel.stderr,
      onExit: (cb) => {
        let code = 255;
        channel.on('exit', (c: number | null) => {
          if (typeof c === 'number') code = c;
        });
        channel.on('close', () => cb(code));
      },
      kill: () => channel.close(),
    };
    return holdChannel(held, stdinBytes(cmd));
  }

  async put(local: string | Buffer, remotePath: string, opts: PutOptions = {}): Promise<void> {
    const sftp = await this.sftp();
    try {
      await sftpPut(sftp, local, remotePath, opts);
    } catch (e) {
      throw this.fileError(e, `upload to ${remotePath}`);
    }
  }

  async get(remotePath: string): Promise<Buffer> {
    const sftp = await this.sftp();
    try {
      return await sftpGet(sftp, remotePath);
    } catch (e) {
      throw this.fileError(e, `download of ${remotePath}`);
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    for (const shell of this.shells.values())
      shell.then(
        (s) => s.close(),
        () => {},
      );
    this.closedOnPurpose = true;
    this.forget(connection);
    await new Promise<void>((resolve) => {
      connection.client.once('close', () => resolve());
      connection.end();
      setTimeout(resolve, 2000).unref();
    });
  }

  private forget(connection: SshConnection): void {
    if (this.connection !== connection) return;
    this.lost = true;
    this.shells.clear();
    this.sftpSession = undefined;
  }

  private async ready(): Promise<SshConnection> {
    if (this.lost && this.closedOnPurpose) throw new ConnectError(this.host, 'the SSH connection is closed');
    if (this.lost) {
      throw new ConnectError(
        this.host,
        'the SSH connection was lost',
        'connect again; the run can resume from its journal',
      );
    }
    if (!this.connection) await this.connect();
    return this.connection as SshConnection;
  }

  private async exec(line: string): Promise<ClientChannel> {
    const { client } = await this.ready();
    return new Promise((resolve, reject) => {
      client.exec(line, (err, channel) => {
        if (err)
          reject(
            new ConnectError(
              this.host,
              `cannot open an SSH session: ${err.message}`,
              'check MaxSessions in sshd_config',
            ),
          );
        else resolve(channel);
      });
    });
  }

  private shell(shell: string[]): Promise<ShellSession> {
    const key = JSON.stringify(shell);
    const existing = this.shells.get(key);
    if (existing) {
      return existing.then((s) => (s.alive ? s : this.openShell(shell, key)));
    }
    return this.openShell(shell, key);
  }

  private openShell(shell: string[], key: string): Promise<ShellSession> {
    const started = this.exec(`exec ${shellCommandLine(shell)}`).then((channel) =>
      ShellSession.start(channelStreams(channel), (death) => this.shellFailure(shell, death)),
    );
    this.shells.set(key, started);
    started.catch(() => {
      if (this.shells.get(key) === started) this.shells.delete(key);
    });
    return started;
  }

  private shellFailure(shell: string[], death: ShellDeath): ConnectError {
    if (this.lost) return new ConnectError(this.host, 'the SSH connection was lost');
    const stderr = death.stderr.trim();
    const said = stderr ? `: ${stderr.split('\n').slice(-3).join(' / ')}` : '';
    return new ConnectError(
      this.host,
      `the remote shell (${describeShell(shell)}) ended${death.code === null ? '' : ` with status ${death.code}`}${said}`,
      becomeFailureHint(stderr),
    );
  }

  private sftp(): Promise<SFTPWrapper> {
    if (this.sftpSession) return this.sftpSession;
    const opening = this.ready().then(
      ({ client }) =>
        new Promise<SFTPWrapper>((resolve, reject) => {
          client.sftp((err, sftp) => {
            if (err) {
              reject(
                new ConnectError(
                  this.host,
                  `cannot start SFTP: ${err.message}`,
                  'enable the sftp Subsystem in sshd_config',
                ),
              );
              return;
            }
            sftp.on('close', () => {
              if (this.sftpSession === opening) this.sftpSession = undefined;
            });
            resolve(sftp);
          });
        }),
    );
    this.sftpSession = opening;
    opening.catch(() => {
      if (this.sftpSession === opening) this.sftpSession = undefined;
    });
    return opening;
  }

  private fileError(e: unknown, what: string): Error {
    if (e instanceof ConnectError) return e;
    return new StepError(`${this.host}: ${what} failed: ${(e as Error).message}`);
  }
}
