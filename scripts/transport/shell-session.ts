// One persistent sh (over an SSH channel or a child process): commands queued, framed and split by marker.
import type { Readable, Writable } from 'node:stream';
import {
  type FramedCommand,
  FrameReader,
  frameInShellScript,
  frameScript,
  KILL_AFTER_SECONDS,
  newMarker,
} from './remote-shell.js';
import type { RunOptions, RunResult } from './types.js';

/** The three pipes of a running shell, and how to learn of and force its end. */
export interface ShellStreams {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Registers the callback for the shell's end (exit code, or null when unknown). */
  onEnd(cb: (code: number | null) => void): void;
  /** Ends the shell at once. */
  destroy(): void;
}

/** Why a shell ended with a command still running: its exit code and what it last said on stderr. */
export interface ShellDeath {
  code: number | null;
  stderr: string;
}

interface Active {
  out: FrameReader;
  err: FrameReader;
  settle: (timedOut: boolean) => void;
}

// Extra time past a command's own timeout before the controller gives up on the shell itself.
const GRACE_MS = (KILL_AFTER_SECONDS + 5) * 1000;

/** A persistent shell that runs one command at a time and reports each one's stdout, stderr and status. */
export class ShellSession {
  private queue: Promise<unknown> = Promise.resolve();
  private active: Active | undefined;
  private ended: ShellDeath | undefined;
  private stderrTail = '';
  private readonly deathWaiters: ((death: ShellDeath) => void)[] = [];
  /** Text sent once, in the same write as the first command. */
  private preamble = '';

  private constructor(
    private readonly io: ShellStreams,
    private readonly failure: (death: ShellDeath) => Error,
  ) {
    io.stdout.on('data', (d: Buffer) => this.feed('stdout', d));
    io.stderr.on('data', (d: Buffer) => this.feed('stderr', d));
    io.stdin.on('error', () => {});
    io.onEnd((code) => this.onEnd(code));
  }

  /** Starts a session on the given pipes and waits until the shell answers (so a refused sudo fails here). */
  static async start(io: ShellStreams, failure: (death: ShellDeath) => Error): Promise<ShellSession> {
    const session = new ShellSession(io, failure);
    // Parsers read English, dot-decimal output whatever the host's locale is (sent with the first command).
    session.preamble = 'export LC_ALL=C LANG=C\n';
    await session.run({ text: ':' });
    return session;
  }

  /** False once the shell has ended; a new session is needed then. */
  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Runs one command after those already queued. */
  run(cmd: FramedCommand, opts: Pick<RunOptions, 'onOutput'> = {}): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow(cmd, opts));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Runs a command in the shell itself (see frameInShellScript) after those already queued. */
  runInShell(text: string): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow({ text }, {}, true));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Ends the shell: EOF on its stdin, then a hard close. */
  close(): void {
    this.io.stdin.end();
    this.kill('closed');
  }

  private kill(reason: string): void {
    this.markEnded({ code: null, stderr: reason });
    this.io.destroy();
  }

  private runNow(
    cmd: FramedCommand,
    opts: Pick<RunOptions, 'onOutput'>,
    inShell = false,
  ): Promise<RunResult> {
    if (this.ended) return Promise.reject(this.failure(this.ended));
    const marker = newMarker();
    this.stderrTail = '';
    const started = Date.now();
    return new Promise<RunResult>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onDeath = (death: ShellDeath) => {
        clearTimeout(timer);
        this.active = undefined;
        reject(this.failure(death));
      };
      const settle = (controllerTimedOut: boolean) => {
        clearTimeout(timer);
        const waiting = this.deathWaiters.indexOf(onDeath);
        if (waiting >= 0) this.deathWaiters.splice(waiting, 1);
        this.active = undefined;
        out.finish();
        err.finish();
        const durationMs = Date.now() - started;
        const code = controllerTimedOut ? 124 : (out.status ?? 255);
        const ranOut =
          cmd.timeoutMs !== undefined && (code === 124 || code === 137) && durationMs >= cmd.timeoutMs;
        resolve({
          code,
          stdout: out.text,
          stderr: err.text,
          durationMs,
          timedOut: controllerTimedOut || ranOut,
        });
      };
      const out = new FrameReader(marker, opts.onOutput && ((t) => opts.onOutput?.('stdout', t)));
      const err = new FrameReader(marker, opts.onOutput && ((t) => opts.onOutput?.('stderr', t)));
      this.active = { out, err, settle };
      this.deathWaiters.push(onDeath);
      if (cmd.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          settle(true);
          this.kill('the shell stopped answering after a timeout');
        }, cmd.timeoutMs + GRACE_MS);
      }
      const frame = inShell ? frameInShellScript(cmd.text, marker) : frameScript(cmd, marker);
      this.io.stdin.write(this.preamble + frame);
      this.preamble = '';
    });
  }

  private feed(stream: 'stdout' | 'stderr', data: Buffer): void {
    if (stream === 'stderr') this.stderrTail = (this.stderrTail + data.toString('utf8')).slice(-2000);
    const active = this.active;
    if (!active) return;
    (stream === 'stdout' ? active.out : active.err).push(data);
    if (active.out.done && active.err.done) active.settle(false);
  }

  private onEnd(code: number | null): void {
    this.markEnded({ code, stderr: this.stderrTail });
  }

  private markEnded(death: ShellDeath): void {
    if (this.ended) return;
    this.ended = death;
    for (const waiter of this.deathWaiters.splice(0)) waiter(death);
  }
}
