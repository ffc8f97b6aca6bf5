// `--html FILE`: one self-contained page (inline CSS and SVG, no script, no external asset) from the run record
// the JSON report is made of: the recap, a timeline of each host's steps, each failure with its output, and the
// findings with the guide sections they cite.
import { redact } from '../core/redact.js';
import type { HostRecap } from '../engine/events.js';
import { writeFileAtomic } from './atomic.js';
import { createCollector, type HostRecord, type RunRecord, type StepRecord } from './collect.js';
import { formatDuration, hostOutcome, verdictLine } from './format.js';
import { htmlPageStyle } from './html-style.js';
import { printable } from './printable.js';
import type { Renderer } from './types.js';

/** Text made safe inside HTML elements and quoted attributes: control characters shown, markup characters escaped. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One finding as the verdict and repo_lint actions hand them to later steps (`data.findings`). */
interface ShownFinding {
  severity: string;
  message: string;
  guide?: string;
  remedy?: string;
}

/** The findings a step's data carries: a verdict's (severity, message, guide, remedy) or repo_lint's (package, problem, fix). */
function findingsOf(step: StepRecord): ShownFinding[] {
  const list = step.data?.findings;
  if (!Array.isArray(list)) return [];
  return list.flatMap((f): ShownFinding[] => {
    if (typeof f !== 'object' || f === null) return [];
    const o = f as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    if (text(o.message))
      return [
        {
          severity: text(o.severity) ?? 'info',
          message: o.message as string,
          guide: text(o.guide),
          remedy: text(o.remedy),
        },
      ];
    if (text(o.problem))
      return [
        {
          severity: 'lint',
          message: `${text(o.package) ?? '?'}: ${o.problem}`,
          guide: text(o.guide),
          remedy: text(o.fix),
        },
      ];
    return [];
  });
}

/** Redacted (no secret value) and escaped. */
const e = (text: string): string => escapeHtml(redact(text));

/** The status a step is drawn with: an ignored failure is a warning. */
function shownStatus(s: StepRecord): string {
  return s.ignored ? 'ignored' : s.status;
}

function recapTable(run: RunRecord, recaps: HostRecap[]): string {
  const changed = run.check ? 'would change' : 'changed';
  const rows = recaps.map((r) => {
    const cells = [
      ['ok', r.ok],
      ['changed', r.changed],
      ['failed', r.failed],
      ['skipped', r.skipped],
      ['ignored', r.ignored ?? 0],
    ]
      .map(([field, n]) => `<td data-field="${field}">${r.unreachable || r.locked ? '-' : n}</td>`)
      .join('');
    const outcome = hostOutcome(r);
    const error = r.error ? `<div class="error">${e(r.error)}</div>` : '';
    return `<tr data-host="${e(r.host)}" class="${outcome}"><th>${e(r.host)}${error}</th><td data-field="outcome">${outcome}</td>${cells}<td data-field="durationMs" data-ms="${r.durationMs}">${formatDuration(r.durationMs)}</td></tr>`;
  });
  return `<table class="recap"><thead><tr><th>host</th><th>outcome</th><th>ok</th><th>${changed}</th><th>failed</th><th>skipped</th><th>ignored</th><th>time</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One host's steps as bars on a shared time axis (the whole run's span), each bar titled with its step and times. */
function timelineRow(name: string, host: HostRecord, spanMs: number): string {
  const width = 1000;
  const x = (ms: number) => ((ms / spanMs) * width).toFixed(1);
  const bars = host.steps.map((s) => {
    const w = Math.max(Number(x(s.durationMs)), 1.5);
    const label = `${s.rescue ? 'rescue ' : ''}${s.index + 1}. ${s.name}: ${shownStatus(s)}, starts at ${formatDuration(s.startMs)}, takes ${formatDuration(s.durationMs)}`;
    return `<rect class="bar ${shownStatus(s)}" x="${x(s.startMs)}" y="2" width="${w}" height="16" data-start-ms="${s.startMs}" data-duration-ms="${s.durationMs}"><title>${e(label)}</title></rect>`;
  });
  const total = host.recap?.durationMs ?? host.steps.reduce((t, s) => t + s.durationMs, 0);
  return `<div class="lane" data-host="${e(name)}"><div class="lane-name">${e(name)} <span class="dim"><span data-field="steps">${host.steps.length}</span> steps, <span data-field="durationMs" data-ms="${total}">${formatDuration(total)}</span></span></div><svg viewBox="0 0 ${width} 20" preserveAspectRatio="none" role="img" aria-label="${e(`${name}: ${host.steps.length} steps`)}">${bars.join('')}</svg></div>`;
}

function timeline(run: RunRecord): string {
  const ends = [...run.hosts.values()].flatMap((h) => h.steps.map((s) => s.startMs + s.durationMs));
  const spanMs = Math.max(run.durationMs ?? 0, ...ends, 1);
  const lanes = [...run.hosts].map(([name, h]) => timelineRow(name, h, spanMs));
  const slowest = [...run.hosts]
    .flatMap(([name, h]) => h.steps.map((s) => ({ name, s })))
    .sort((a, b) => b.s.durationMs - a.s.durationMs)
    .slice(0, 10)
    .map(
      ({ name, s }) =>
        `<tr><td>${e(name)}</td><td>${e(`${s.index + 1}. ${s.name}`)}</td><td>${formatDuration(s.startMs)}</td><td>${formatDuration(s.durationMs)}</td></tr>`,
    );
  return `<p class="dim">Axis: 0 to ${formatDuration(spanMs)} after the run started; hover a bar for its step.</p>${lanes.join('')}<h3>Slowest steps</h3><table><thead><tr><th>host</th><th>step</th><th>starts at</th><th>takes</th></tr></thead><tbody>${slowest.join('')}</tbody></table>`;
}

function failures(run: RunRecord): string {
  const items = [...run.hosts].flatMap(([name, h]) =>
    h.steps
      .filter((s) => s.status === 'failed')
      .map((s) => {
        const kind = s.ignored ? 'ignored' : 'failed';
        const reason = s.reason ? `<p>${e(s.reason)}</p>` : '';
        return `<section class="failure ${kind}" data-host="${e(name)}"><h3>${e(name)} · ${e(`${s.rescue ? 'rescue ' : ''}${s.index + 1}. ${s.name}`)} · ${kind}</h3>${reason}<pre>${e(s.message ?? '')}</pre></section>`;
      }),
  );
  return items.length > 0 ? items.join('') : '<p>No step failed.</p>';
}

function findings(run: RunRecord): string {
  const rows = [...run.hosts].flatMap(([name, h]) =>
    h.steps.flatMap((s) =>
      findingsOf(s).map(
        (f) =>
          `<tr class="${e(f.severity)}" data-host="${e(name)}"><td>${e(name)}</td><td>${e(f.severity)}</td><td>${e(f.message)}</td><td>${f.guide ? `«${e(f.guide)}»` : ''}</td><td>${e(f.remedy ?? '')}</td></tr>`,
      ),
    ),
  );
  if (rows.length === 0) return '<p>No finding.</p>';
  return `<table class="findings"><thead><tr><th>host</th><th>severity</th><th>finding</th><th>guide section</th><th>fix</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The report page of a run (or of merged shards' record), every string redacted and escaped. */
export function htmlReport(run: RunRecord): string {
  const recaps = [...run.hosts].flatMap(([, h]) => (h.recap ? [h.recap] : []));
  const verdict =
    run.exitCode === null
      ? 'the run did not finish'
      : verdictLine(recaps, run.exitCode, run.check, run.interrupted);
  const title = `waptops ${run.playbook}${run.check ? ' (check)' : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${htmlPageStyle}</style></head>
<body>
<header><h1>${e(title)}</h1>
<p class="verdict ${run.exitCode === 0 ? 'ok' : 'failed'}" data-field="verdict">${e(verdict)}</p>
<p class="dim">run <span data-field="runId">${e(run.runId)}</span>, started ${e(run.started)}, took <span data-field="durationMs" data-ms="${run.durationMs ?? ''}">${run.durationMs === null ? '?' : formatDuration(run.durationMs)}</span>, exit code <span data-field="exitCode">${run.exitCode ?? '?'}</span></p></header>
<h2>Recap</h2>${recapTable(run, recaps)}
<h2>Timeline</h2>${timeline(run)}
<h2>Failures</h2>${failures(run)}
<h2>Findings</h2>${findings(run)}
</body></html>
`;
}

/** Writes the report page of `record` (a run's, or merged shards') to `file` atomically. */
export function writeHtmlReport(file: string, record: RunRecord): Promise<void> {
  return writeFileAtomic(file, htmlReport(record));
}

/** Collects events (timed by `now`) and writes the HTML report to `file` on `done()` (nothing if the run never started). */
export function createHtmlWriter(file: string, now?: () => number): Renderer {
  const collector = createCollector(now);
  return {
    sink: collector.sink,
    async done() {
      const run = collector.record();
      if (run) await writeHtmlReport(file, run);
    },
  };
}
