// Text pieces every human-facing renderer shares: colours, durations, sizes, status words, recap, verdict.
import { formatBytes } from '../core/bytes.js';
import type { HostRecap, RollbackSummary, StepStatus } from '../engine/events.js';

/** ANSI colour helpers that return the text unchanged when colour is off. */
export interface Palette {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** A palette that colours when `enabled`, and is the identity otherwise. */
export function palette(enabled: boolean): Palette {
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** `850ms`, `1.2s`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `12.0 MiB / 40.0 MiB (30%), 3.1 MiB/s` for a transfer; the rate is omitted until time has passed. */
export function formatProgress(done: number, total: number, elapsedMs: number): string {
  const pct = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
  const rate = elapsedMs > 0 ? `, ${formatBytes(Math.round((done * 1000) / elapsedMs))}/s` : '';
  return `${formatBytes(done)} / ${formatBytes(total)}${pct}${rate}`;
}

/** The word shown for a step's status; a --check run "would change" instead of "changed". */
export function statusWord(status: StepStatus, check: boolean): string {
  return status === 'changed' && check ? 'would change' : status;
}

/** The status word in its colour. */
export function colouredStatus(status: StepStatus, check: boolean, p: Palette): string {
  const word = statusWord(status, check);
  if (status === 'ok') return p.green(word);
  if (status === 'changed') return p.yellow(word);
  if (status === 'failed') return p.red(word);
  return p.cyan(word);
}

/** What a failed step shows on screen: its reason in words, then the message's further lines (stderr); the whole message, command included, when verbose. */
export function failureLines(e: { message?: string; reason?: string }, verbose: boolean): string[] {
  const lines = (e.message ?? '').split('\n');
  if (verbose || !e.reason) return lines;
  return [e.reason, ...lines.slice(1)];
}

/** `[3/7]` (or `[3]` when the step count is unknown) for a step, `[rescue 1]` for a rescue step. */
export function stepTag(index: number, rescue: boolean, stepCount?: number): string {
  if (rescue) return `[rescue ${index + 1}]`;
  return stepCount ? `[${index + 1}/${stepCount}]` : `[${index + 1}]`;
}

/** Where a host ended up, one bucket per host: unreachable, locked, failed, changed or ok. */
export function hostOutcome(r: HostRecap): 'unreachable' | 'locked' | 'failed' | 'changed' | 'ok' {
  if (r.unreachable) return 'unreachable';
  if (r.locked) return 'locked';
  if (r.failed > 0 || r.error) return 'failed';
  return r.changed > 0 ? 'changed' : 'ok';
}

/** The recap table: one aligned row per host, the error of a failed or unreachable host after it. */
export function recapLines(recaps: HostRecap[], check: boolean, p: Palette): string[] {
  const header = ['host', 'ok', check ? 'would change' : 'changed', 'failed', 'skipped', 'time'];
  const rows = recaps.map((r) =>
    r.unreachable || r.locked
      ? [r.host, '-', '-', '-', '-', formatDuration(r.durationMs)]
      : [r.host, ...[r.ok, r.changed, r.failed, r.skipped].map(String), formatDuration(r.durationMs)],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = ['RECAP', line(header)];
  recaps.forEach((r, i) => {
    const outcome = hostOutcome(r);
    const text = line(rows[i] ?? []);
    const coloured = outcome === 'ok' ? text : outcome === 'changed' ? p.yellow(text) : p.red(text);
    const tag = outcome === 'unreachable' || outcome === 'locked' ? `  ${p.red(outcome.toUpperCase())}` : '';
    out.push(`${coloured}${tag}`);
    if (r.error) out.push(`  ${r.host}: ${firstLine(r.error)}`);
    if (r.ignored)
      out.push(
        p.yellow(`  ${r.host}: ${r.ignored} failure(s) ignored (ignore_errors), marked "ignored" above`),
      );
    if (r.rollback) out.push(...rollbackLines(r.host, r.rollback, p).map((l) => `  ${l}`));
  });
  return out;
}

/** What a transaction's rollback did on a host: restored (every change undone) or not, and each undo. */
export function rollbackLines(host: string, r: RollbackSummary, p: Palette): string[] {
  const kept = r.kept.length > 0 ? `, ${r.kept.length} kept (no undo)` : ', host as before';
  const head =
    r.failed.length === 0
      ? p.yellow(
          `${host}: ROLLED BACK after "${firstLine(r.reason)}": ${r.undone.length} change(s) undone${kept}`,
        )
      : p.red(
          `${host}: ROLLBACK INCOMPLETE after "${firstLine(r.reason)}": ${r.failed.length} undo(s) failed; the journal on the host keeps them, fix the cause then re-run with --rollback`,
        );
  return [
    head,
    ...r.undone.map((u) => `  undone: ${u}`),
    ...r.kept.map((k) => `  kept (no undo): ${k}`),
    ...r.failed.map((f) => `  NOT undone: ${f}`),
  ];
}

/** `RESULT: 2 hosts ok, 1 changed, 0 failed, 0 unreachable — exit 0`; each host is counted once. */
export function verdictLine(
  recaps: HostRecap[],
  exitCode: number,
  check: boolean,
  interrupted: boolean,
): string {
  const count = (o: ReturnType<typeof hostOutcome>) => recaps.filter((r) => hostOutcome(r) === o).length;
  const ok = count('ok');
  const changedWord = check ? 'would change' : 'changed';
  const hosts = ok === 1 ? 'host' : 'hosts';
  const tail = interrupted ? ' (interrupted)' : '';
  const locked = count('locked') > 0 ? `, ${count('locked')} locked` : '';
  return `RESULT: ${ok} ${hosts} ok, ${count('changed')} ${changedWord}, ${count('failed')} failed, ${count('unreachable')} unreachable${locked} — exit ${exitCode}${tail}`;
}

/** The first line of a possibly multi-line message. */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

/** ISO time without milliseconds, e.g. `2026-11-24T03:00:00Z`. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
