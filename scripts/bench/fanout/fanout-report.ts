// The fan-out figures as text: per host count, the tools side by side, the ratios, the targets and the growth.
import type { FanoutSize } from './fanout.js';
import { profileMarkdown } from './profile.js';
import type { ToolName, ToolRun } from './tools.js';

const NAMES: Record<ToolName, string> = {
  raw: 'raw ssh2 (lower bound)',
  waptops: 'waptops',
  ansible: 'ansible-playbook',
};

/** The median of some numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The median figures of one tool at one host count. */
export interface ToolFigures {
  first: number;
  second: number;
  rssMb: number;
  firstConnectMs: number;
  stepMs?: number;
}

/** Medians over the rounds (wall times in ms, RSS in MB: the larger of first and second runs). */
export function figuresOf(runs: { first: ToolRun[]; second: ToolRun[] }): ToolFigures {
  const all = [...runs.first, ...runs.second];
  const steps = all.map((r) => r.stepMeanMs).filter((v): v is number => v !== undefined);
  return {
    first: median(runs.first.map((r) => r.wallMs)),
    second: median(runs.second.map((r) => r.wallMs)),
    rssMb: Math.max(median(runs.first.map((r) => r.rssKb)), median(runs.second.map((r) => r.rssKb))) / 1024,
    firstConnectMs: median(all.map((r) => r.firstConnectMs)),
    ...(steps.length ? { stepMs: median(steps) } : {}),
  };
}

/** One target and whether the figures meet it. */
export interface TargetCheck {
  what: string;
  figure: string;
  meets: boolean;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const x = (ratio: number) => `${ratio.toFixed(2)}x`;

/** The targets this benchmark checks, for the host counts measured. */
export function targetChecks(sizes: FanoutSize[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const size of sizes) {
    const f = figures(size);
    if (f.waptops && f.raw && [50, 100, 250].includes(size.hosts)) {
      const limit = size.hosts === 250 ? 1.3 : 1.15;
      for (const run of ['first', 'second'] as const) {
        const ratio = f.waptops[run] / f.raw[run];
        out.push({
          what: `${size.hosts} hosts, ${run} run: waptops / raw <= ${limit}x`,
          figure: x(ratio),
          meets: ratio <= limit,
        });
      }
    }
    if (f.waptops && f.ansible && size.hosts === 50) {
      const ratio = Math.min(f.ansible.first / f.waptops.first, f.ansible.second / f.waptops.second);
      out.push({ what: '50 hosts: ansible-playbook / waptops >= 15x', figure: x(ratio), meets: ratio >= 15 });
    }
    if (f.waptops) {
      const first = f.waptops.firstConnectMs;
      out.push({
        what: `${size.hosts} hosts: waptops' first connection <= 100 ms after start`,
        figure: `${first.toFixed(0)} ms`,
        meets: first <= 100,
      });
    }
    if (f.waptops && size.hosts === 250) {
      out.push({
        what: '250 hosts: waptops peak RSS < 150 MB',
        figure: `${f.waptops.rssMb.toFixed(0)} MB`,
        meets: f.waptops.rssMb < 150,
      });
    }
  }
  return out;
}

function figures(size: FanoutSize): Partial<Record<ToolName, ToolFigures>> {
  return Object.fromEntries(Object.entries(size.runs).map(([tool, runs]) => [tool, figuresOf(runs)]));
}

/** The comparison as Markdown tables (also printed as is by `make bench`). */
export function fanoutMarkdown(sizes: FanoutSize[], rounds: number): string {
  const lines: string[] = [];
  for (const size of sizes) {
    const f = figures(size);
    lines.push(
      `### ${size.hosts} hosts (median of ${rounds} rounds)`,
      '',
      '| tool | first run (changes) | second run (nothing to change) | peak RSS | first connection after start | read-only step on an open connection |',
      '|---|---|---|---|---|---|',
    );
    for (const [tool, t] of Object.entries(f) as [ToolName, ToolFigures][]) {
      const step = t.stepMs === undefined ? 'n/a' : `${t.stepMs.toFixed(2)} ms`;
      lines.push(
        `| ${NAMES[tool]} | ${s(t.first)} | ${s(t.second)} | ${t.rssMb.toFixed(0)} MB | ${t.firstConnectMs.toFixed(0)} ms | ${step} |`,
      );
    }
    const ratios: string[] = [];
    if (f.waptops && f.raw)
      ratios.push(
        `waptops / raw: ${x(f.waptops.first / f.raw.first)} first, ${x(f.waptops.second / f.raw.second)} second`,
      );
    if (f.waptops && f.ansible)
      ratios.push(
        `ansible-playbook / waptops: ${x(f.ansible.first / f.waptops.first)} first, ${x(f.ansible.second / f.waptops.second)} second`,
      );
    if (f.waptops?.stepMs !== undefined && f.raw?.stepMs !== undefined)
      ratios.push(
        `a waptops step adds ${(f.waptops.stepMs - f.raw.stepMs).toFixed(2)} ms to the raw command`,
      );
    lines.push('', ratios.join('; ') || '', '');
  }
  lines.push('### Growth with the host count (first runs, medians)', '');
  const tools = Object.keys(sizes[0]?.runs ?? {}) as ToolName[];
  lines.push(`| hosts | ${tools.map((t) => `${NAMES[t]}: wall, per host, RSS`).join(' | ')} |`);
  lines.push(`|---|${tools.map(() => '---').join('|')}|`);
  for (const size of sizes) {
    const f = figures(size);
    const cells = tools.map((t) => {
      const g = f[t] as ToolFigures;
      return `${s(g.first)}, ${(g.first / size.hosts).toFixed(1)} ms, ${g.rssMb.toFixed(0)} MB`;
    });
    lines.push(`| ${size.hosts} | ${cells.join(' | ')} |`);
  }
  const largest = sizes.at(-1);
  if (largest?.profile) lines.push('', profileMarkdown(largest.hosts, largest.profile));
  lines.push('', '### Targets', '', '| target | figure | verdict |', '|---|---|---|');
  for (const t of targetChecks(sizes))
    lines.push(`| ${t.what} | ${t.figure} | ${t.meets ? 'meets' : '**misses**'} |`);
  return `${lines.join('\n')}\n`;
}
