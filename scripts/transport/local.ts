// The local transport: each command in its own `sh -c` (or become shell) child process; files through fs.
import { type ChildProcess, spawn } from 'node:child_process';
import { open, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { ConnectError, StepError } from '../engine/errors.js';
import { becomeFailureHint, describeShell } from './become.js';
import { openByteSource } from './byte-source.js';
import { type Command, renderCommand, stdinBytes } from './command.js';
import { holdChannel } from './held.js';
import { KILL_AFTER_SECONDS } from './remote-shell.js';
import type { PutOptions } from './sftp.js';
import type { HeldProcess, RunOptions, RunResult, Transport } from './types.js';

const CHUNK = 256 * 1024;

function startShell(cmd: Command, shell: string[], stdin: 'pipe' | 'ignore'): ChildProcess {
  const [file, ...args] = shell.length ? shell : ['sh'];
  // A process group of its own, so a timeout can end the command and everything it started.
  return spawn(file, [...args, '-c', renderCommand(cmd)], { detached: true, stdio: [stdin, 'pipe', 'pipe'] });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Runs commands on the machine waptops runs on, with the same semantics as the SSH transport. */
export class LocalTransport implements Transport {
  constructor(readonly host: string = 'localhost') {}

  async connect(): Promise<void> {}

  run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    const shell = opts.shell ?? [];
    const input = stdinBytes(cmd);
    const started = Date.now();
    const child = startShell(cmd, shell, input ? 'pipe' : 'ignore');
    const collect = (stream: 'stdout' | 'stderr') => {
      const decoder = new StringDecoder('utf8');
      const parts: string[] = [];
      const add = (text: string) => {
        if (!text) return;
        parts.push(text);
        opts.onOutput?.(stream, text);
      };
      child[stream]?.on('data', (d: Buffer) => add(decoder.write(d)));
      child[stream]?.on('end', () => add(decoder.end()));
      return parts;
    };
    const out = collect('stdout');
    const err = collect('stderr');
    if (input) {
      child.stdin?.on('error', () => {});
      child.stdin?.end(input);
    }
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    if (opts.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          signalGroup(child, 'SIGTERM');
          timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_AFTER_SECONDS * 1000));
        }, opts.timeoutMs),
      );
    }
    return new Promise((resolve, reject) => {
      child.on('error', (e) => {
        for (const timer of timers) clearTimeout(timer);
        reject(new ConnectError(this.host, `cannot start ${describeShell(shell)}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        for (const timer of timers) clearTimeout(timer);
        const stderr = err.join('');
        const hint =
          shell.length && code === 1 && stderr.startsWith('sudo:') ? becomeFailureHint(stderr) : undefined;
        if (hint) {
          reject(new ConnectError(this.host, `${describeShell(shell)} failed: ${stderr.trim()}`, hint));
          return;
        }
        const status = timedOut ? 124 : (code ?? 128 + (signal ? os.constants.signals[signal] : 0));
        resolve({ code: status, stdout: out.join(''), stderr, durationMs: Date.now() - started, timedOut });
      });
    });
  }

  async hold(cmd: Command, opts: { shell?: string[] } = {}): Promise<HeldProcess> {
    const child = startShell({ parts: cmd.parts }, opts.shell ?? [], 'pipe');
    const { stdin, stdout, stderr } = child;
    if (!stdin || !stdout || !stderr) throw new ConnectError(this.host, 'cannot start a held process');
    return holdChannel(
      {
        stdin,
        stdout,
        stderr,
        onExit: (cb) => child.on('close', (code) => cb(code ?? 255)),
        kill: () => signalGroup(child, 'SIGKILL'),
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
