// One host during one run: its transport, its fact cache, and the context actions see.
import { createHash } from 'node:crypto';
import type { ActionContext } from '../actions/types.js';
import { StepError } from '../core/errors.js';
import type { Fact } from '../facts/types.js';
import { becomeShell } from '../transport/become.js';
import { type Command, raw, sh } from '../transport/command.js';
import type { RunOptions, RunResult, TransferProgress, Transport } from '../transport/types.js';
import type { HostEntry } from './model.js';

/** Hooks a session reports through while a step runs. */
export interface StepHooks {
  onCommand(display: string): void;
  onOutput(line: string): void;
  onProgress(done: number, total: number): void;
  onNote(line: string): void;
}

/** A connected host: runs commands through the right become shell and caches facts. */
export class HostSession {
  private readonly facts = new Map<string, Promise<unknown>>();

  constructor(
    readonly entry: HostEntry,
    readonly transport: Transport,
    readonly check: boolean,
  ) {}

  /** Runs a command as the given become spec; a non-zero exit is a result, not an error. */
  async run(
    cmd: Command,
    become: boolean | string | undefined,
    opts: Omit<RunOptions, 'shell'> = {},
  ): Promise<RunResult> {
    return this.transport.run(cmd, { ...opts, shell: becomeShell(become ?? this.entry.become) });
  }

  /** A fact, fetched once per host per run and per become user. */
  fact<T>(f: Fact<T>, become: boolean | string | undefined): Promise<T> {
    const who = f.become ? true : (become ?? this.entry.become);
    const key = `${String(who)}\u0000${f.key}`;
    let p = this.facts.get(key) as Promise<T> | undefined;
    if (!p) {
      p = this.run(f.command, who).then((r) => f.parse(r));
      this.facts.set(key, p);
      p.catch(() => this.facts.delete(key));
    }
    return p;
  }

  /**
   * Uploads to `path` as the step's user. SFTP writes as the login user, so with become the file is
   * staged in the login user's private ~/.cache/waptops/uploads (mode 700, one stable name per target,
   * so an interrupted upload can resume) and moved into place through the become shell.
   */
  async upload(
    source: string | Buffer,
    path: string,
    become: boolean | string | undefined,
    opts: { mode?: number; onProgress?: TransferProgress; resume?: boolean },
  ): Promise<void> {
    if (becomeShell(become ?? this.entry.become).length === 0) {
      await this.transport.put(source, path, opts);
      return;
    }
    const made = await this.run(
      raw('d="$HOME/.cache/waptops/uploads"; mkdir -p -m 700 "$d" && echo "$d"'),
      false,
    );
    const dir = made.stdout.trim();
    if (made.code !== 0 || !dir) {
      throw new StepError(
        `${this.entry.name}: cannot make the upload staging directory: ${made.stderr.trim()}`,
      );
    }
    const staged = `${dir}/${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
    await this.transport.put(source, staged, opts);
    const moved = await this.run(sh`mv -f ${staged} ${path}`, become);
    if (moved.code !== 0) {
      throw new StepError(`${this.entry.name}: cannot move the upload into ${path}: ${moved.stderr.trim()}`);
    }
  }

  /** Forgets every cached fact: called after a step changed the host. */
  invalidateFacts(): void {
    this.facts.clear();
  }

  /** Reads a file as the become user; undefined when it does not exist. */
  async readFile(path: string, become: boolean | string | undefined): Promise<Buffer | undefined> {
    const r = await this.run(sh`if [ -e ${path} ]; then base64 < ${path}; else exit 3; fi`, become);
    if (r.code === 3) return undefined;
    if (r.code !== 0) throw new StepError(`${this.entry.name}: cannot read ${path}: ${r.stderr.trim()}`);
    return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
  }

  /** The context an action's read phase gets for one step. */
  contextFor(
    become: boolean | string | undefined,
    hooks: StepHooks,
    signal: AbortSignal,
    timeoutMs?: number,
  ): ActionContext {
    return {
      host: this.entry.name,
      address: this.entry.connection === 'local' ? '127.0.0.1' : this.entry.address,
      vars: this.entry.vars,
      check: this.check,
      fact: (f) => this.fact(f, become),
      run: (cmd, o) => this.run(cmd, become, { timeoutMs: o?.timeoutMs ?? timeoutMs }),
      readFile: (p) => this.readFile(p, become),
      progress: hooks.onProgress,
      note: hooks.onNote,
      signal,
    };
  }
}
