// Plain renderer for CI and cron: one timestamped line per event, no cursor movement, no colour unless asked.

import { writeSync } from 'node:fs';
import { redact } from '../core/redact.js';
import type { RunEvent } from '../engine/events.js';
import { unifiedDiff } from './diff.js';
import {
  colouredStatus,
  failureLines,
  firstLine,
  formatDuration,
  formatProgress,
  type Palette,
  palette,
  recapLines,
  rollbackLines,
  stepTag,
  timestamp,
  verdictLine,
} from './format.js';
import type { Renderer, RendererOptions } from './types.js';

/** Prefix for a continuation line (command output, changes, notes, diff) under a step. */
const INDENT = '    ';

/** Coloured unified diff lines: removals red, additions green, hunk headers cyan. */
export function diffLines(diffs: { path: string; before: string; after: string }[], p: Palette): string[] {
  return diffs.flatMap((d) =>
    unifiedDiff(d).map((l) => {
      if (l.startsWith('---') || l.startsWith('+++')) return p.bold(l);
      if (l.startsWith('@@')) return p.cyan(l);
      if (l.startsWith('-')) return p.red(l);
      if (l.startsWith('+')) return p.green(l);
      return l;
    }),
  );
}

/** Creates the plain-line renderer. */
export function createPlainRenderer(opts: RendererOptions): Renderer {
  const out = opts.stream ?? process.stdout;
  const p = palette(opts.color ?? false);
  const now = opts.now ?? (() => new Date());
  const interval = opts.progressIntervalMs ?? 5000;
  let check = false;
  /** Per host: the running step's tag, when it started and when progress was last printed. */
  const running = new Map<string, { tag: string; startedAt: number; progressAt?: number }>();

  // Lines of one turn of the event loop go out in one write: on a run over hundreds of hosts, one write
  // per line to a pipe or terminal costs more than the engine itself.
  let flushed: Promise<void> = Promise.resolve();
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    flushed = new Promise((resolve) => out.write(text, () => resolve()));
  };
  // A run that ends with process.exit before the next turn still prints its last lines.
  const flushOnExit = () => {
    if (pending.length > 0 && 'fd' in out && typeof out.fd === 'number') writeSync(out.fd, pending.join(''));
    pending = [];
  };
  process.once('exit', flushOnExit);
  const write = (text: string) => {
    pending.push(`${redact(text)}\n`);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const line = (text: string) => write(`${timestamp(now())} ${text}`);
  const stepPrefix = (host: string) => `${host} ${running.get(host)?.tag ?? '[?]'}`;

  const sink = (e: RunEvent): void => {
    switch (e.kind) {
      case 'run:start': {
        check = e.check;
        const mode = e.check ? ' (check: nothing will change)' : '';
        line(`run ${e.playbook} on ${e.hosts.length} host(s): ${e.hosts.join(', ')}${mode} id=${e.runId}`);
        const params = Object.entries(e.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        if (params.length > 0) line(`params ${params.join(' ')}`);
        break;
      }
      case 'host:start':
        break;
      case 'host:connect':
        line(`${e.host} connected (${formatDuration(e.durationMs)})`);
        break;
      case 'step:start':
        running.set(e.host, { tag: stepTag(e.index, e.rescue, opts.stepCount), startedAt: now().getTime() });
        line(`${stepPrefix(e.host)} ${e.name} ...`);
        break;
      case 'cmd':
        if (opts.verbose) line(`${stepPrefix(e.host)} $ ${e.command}`);
        break;
      case 'output':
        line(`${stepPrefix(e.host)}${INDENT}${e.line}`);
        break;
      case 'progress': {
        const step = running.get(e.host);
        const t = now().getTime();
        if (!step || (step.progressAt !== undefined && t - step.progressAt < interval)) break;
        step.progressAt = t;
        line(`${stepPrefix(e.host)}${INDENT}progress ${formatProgress(e.done, e.total, t - step.startedAt)}`);
        break;
      }
      case 'step:end': {
        const prefix = stepPrefix(e.host);
        const shown = e.status === 'failed' ? failureLines(e, Boolean(opts.verbose)) : [e.message ?? ''];
        // an ignored failure is a warning: its reason in one line, its output only when verbose
        const [first, ...more] = e.ignored && !opts.verbose ? shown.slice(0, 1) : shown;
        const why = first ? `: ${first}` : '';
        const word = e.ignored ? p.yellow('ignored') : colouredStatus(e.status, e.check, p);
        line(`${prefix} ${e.name} ... ${word} (${formatDuration(e.durationMs)})${why}`);
        for (const m of more) line(`${prefix}${INDENT}${m}`);
        for (const c of e.changes) line(`${prefix}${INDENT}* ${c}`);
        for (const n of e.notes) line(`${prefix}${INDENT}note: ${n}`);
        if (opts.diff) for (const d of diffLines(e.diffs, p)) line(`${prefix}${INDENT}${d}`);
        running.delete(e.host);
        break;
      }
      case 'host:end': {
        const r = e.recap;
        const ignored = r.ignored ? `, ${r.ignored} ignored` : '';
        const counts = `${r.ok} ok, ${r.changed} ${check ? 'would change' : 'changed'}, ${r.failed} failed, ${r.skipped} skipped${ignored}`;
        const time = formatDuration(r.durationMs);
        if (r.unreachable) line(`${e.host} ${p.red('UNREACHABLE')} (${time}): ${firstLine(r.error ?? '')}`);
        else if (r.locked) line(`${e.host} ${p.red('LOCKED')} (${time}): ${firstLine(r.error ?? '')}`);
        else if (r.failed > 0 || r.error)
          line(
            `${e.host} ${p.red('FAILED')}: ${counts} (${time})${r.error ? ` — ${firstLine(r.error)}` : ''}`,
          );
        else line(`${e.host} done: ${counts} (${time})`);
        break;
      }
      case 'rollback':
        for (const l of rollbackLines(e.host, e, p)) line(l);
        break;
      case 'warn':
        line(`${e.host ? `${e.host} ` : ''}${p.yellow('WARNING')} ${e.message}`);
        break;
      case 'run:end': {
        for (const l of recapLines(e.recaps, check, p)) write(l);
        const verdict = verdictLine(e.recaps, e.exitCode, check, e.interrupted);
        write(e.exitCode === 0 ? p.green(verdict) : p.red(verdict));
        break;
      }
    }
  };
  return {
    sink,
    done: () => {
      flush();
      process.removeListener('exit', flushOnExit);
      return flushed;
    },
  };
}
