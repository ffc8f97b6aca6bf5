// The local transport: each command in its own `sh -c` (or become shell) child process; files through fs.
import { open, readFile, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { ProcessPromise, Shell } from 'zx';
import { ConnectError, StepError } from '../core/errors.js';
import { becomeFailureHint, describeShell, shellCommandLine } from './become.js';
import { openByteSource } from './byte-source.js';
import { type Command, renderCommand, shQuote, stdinBytes } from './command.js';
import { holdChannel } from './held.js';
import { KILL_AFTER_SECONDS } from './remote-shell.js';
import type { PutOptions } from './sftp.js';
import type { HeldProcess, RunOptions, RunResult, Transport } from './types.js';

const CHUNK = 256 * 1024;

let local$: Shell | undefined;

/** zx run through POSIX sh with no prefix, so the text is exactly what a remote host would run (zx loaded on first use). */
async function localShell(): Promise<Shell> {
  if (local$) return local$;
  const { $ } = await import('zx');
  const shell = $({
    shell: '/bin/sh',
    prefix: '',
    postfix: '',
    quiet: true,
    nothrow: true,
    detached: true,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
  });
  local$ = shell;
  return shell;
}

/** Starts a command; without `input` its stdin stays open for the caller (held processes). */
function start($: Shell, cmd: Command, shell: string[], input: Buffer | undefined): ProcessPromise {
  const script = renderCommand(cmd);
  // A become shell (sudo ... sh) is started by sh with the script as its -c argument.
  const text = shell.length ? `exec ${shellCommandLine(shell)} -c ${shQuote(script)}` : script;
  const pieces = Object.assign([text], { raw: [text] }) as unknown as TemplateStringsArray;
  const child = $(input ? { input } : {})(pieces);
  // A command that exits without reading its stdin must not turn the unread input into an EPIPE crash.
  child.stdin.on('error', () => {});
  return child;
}

function collect(stream: NodeJS.ReadableStream, onText: (text: string) => void): void {
  const decoder = new StringDecoder('utf8');
  stream.on('data', (d: Buffer) => {
    const text = decoder.write(d);
    if (text) onText(text);
  });
  stream.on('end', () => {
    const text = decoder.end();
    if (text) onText(text);
  });
}

/** Runs commands on the machine waptops runs on (through zx), with the same semantics as the SSH transport. */
export class LocalTransport implements Transport {
  constructor(readonly host: string = 'localhost') {}

  async connect(): Promise<void> {}

  async run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    const shell = opts.shell ?? [];
    const started = Date.now();
    const child = start(await localShell(), cmd, shell, stdinBytes(cmd) ?? Buffer.alloc(0));
    if (opts.onOutput) {
      const onOutput = opts.onOutput;
      collect(child.stdout, (t) => onOutput('stdout', t));
      collect(child.stderr, (t) => onOutput('stderr', t));
    }
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    if (opts.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          void child.kill('SIGTERM').catch(() => undefined);
          timers.push(
            setTimeout(() => void child.kill('SIGKILL').catch(() => undefined), KILL_AFTER_SECONDS * 1000),
          );
        }, opts.timeoutMs),
      );
    }
    const out = await child.finally(() => {
      for (const timer of timers) clearTimeout(timer);
    });
    const stderr = out.stderr;
    if (shell.length && out.exitCode === 1 && stderr.startsWith('sudo:')) {
      const hint = becomeFailureHint(stderr);
      if (hint) throw new ConnectError(this.host, `${describeShell(shell)} failed: ${stderr.trim()}`, hint);
    }
    if (out.exitCode === 127 && shell.length && /not found/.test(stderr)) {
      throw new ConnectError(this.host, `cannot start ${describeShell(shell)}: ${stderr.trim()}`);
    }
    const code = timedOut ? 124 : (out.exitCode ?? 128);
    return { code, stdout: out.stdout, stderr, durationMs: Date.now() - started, timedOut };
  }

  async hold(cmd: Command, opts: { shell?: string[] } = {}): Promise<HeldProcess> {
    const child = start(await localShell(), { parts: cmd.parts }, opts.shell ?? [], undefined);
    return holdChannel(
      {
        stdin: child.stdin,
        stdout: child.stdout,
        stderr: child.stderr,
        onExit: (cb) => void child.then((o) => cb(o.exitCode ?? 255)),
        kill: () => void child.kill('SIGKILL').catch(() => undefined),
      },
      stdinBytes(cmd),
    );
  }

  async put(local: string | Buffer, target: string, opts: PutOptions = {}): Promise<void> {
    try {
      await copyInto(local, target, opts);
    } catch (e) {
      throw new StepError(`${this.host}: copy to ${target} failed: ${(e as Error).message}`);
    }
  }

  async get(file: string): Promise<Buffer> {
    try {
      return await readFile(file);
    } catch (e) {
      throw new StepError(`${this.host}: reading ${file} failed: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {}
}

async function copyInto(local: string | Buffer, target: string, opts: PutOptions): Promise<void> {
  const source = await openByteSource(local);
  try {
    const existing = opts.resume
      ? await stat(target).then(
          (s) => s.size,
          () => undefined,
        )
      : undefined;
    const start = existing !== undefined && existing <= source.size ? existing : 0;
    const handle = await open(target, start > 0 ? 'r+' : 'w', opts.mode ?? 0o644);
    try {
      opts.onProgress?.(start, source.size);
      for (let position = start; position < source.size; position += CHUNK) {
        const data = await source.read(position, Math.min(CHUNK, source.size - position));
        await handle.write(data, 0, data.length, position);
        opts.onProgress?.(position + data.length, source.size);
      }
      if (opts.mode !== undefined) await handle.chmod(opts.mode);
    } finally {
      await handle.close();
    }
  } finally {
    await source.done();
  }
}
