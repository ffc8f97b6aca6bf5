// Where waptops' time goes in one fan-out run: a V8 CPU profile of the controller, summed by kind of work.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ToolFiles } from './tools.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The kinds of work, first match wins: [label, test on the frame's function name and url]. */
const KINDS: [string, (fn: string, url: string) => boolean][] = [
  ['idle (waiting on the network and the hosts)', (fn) => fn === '(idle)'],
  [
    'socket and pipe writes (the kernel network path runs in the write)',
    (fn) => /^write(Buffer|Utf8String|v)?$|^writev$/.test(fn) || fn === 'writeLatin1String',
  ],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  [
    'loading and compiling modules',
    (fn, url) =>
      /node:internal\/modules|compileSourceTextModule|compileForInternalLoader|getModuleRequests/.test(
        url + fn,
      ),
  ],
  ['crypto: key exchange, signatures, ciphers', (_, url) => url.startsWith('node:internal/crypto')],
  ['ssh2 (SSH protocol)', (_, url) => url.includes('/node_modules/ssh2/')],
  ["waptops' own code (bundle)", (_, url) => url.includes('/dist/bin/') || url.includes('/dist/scripts/')],
  ['Node streams, sockets, timers', (_, url) => url.startsWith('node:')],
];

/** Milliseconds per kind of work, and until the first SSH connection began. */
export interface ProfileSummary {
  totalMs: number;
  untilFirstConnectMs: number;
  kinds: [string, number][];
}

function summarise(p: CpuProfile): ProfileSummary {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inConnect = (id: number) => {
    for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
      const f = nodes.get(c)?.callFrame;
      if (f?.functionName === 'connect' && f.url.includes('/ssh2/lib/client.js')) return true;
    }
    return false;
  };
  const kinds = new Map<string, number>();
  let total = 0;
  let untilFirstConnect: number | undefined;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    if (untilFirstConnect === undefined && inConnect(id)) untilFirstConnect = total;
    const f = nodes.get(id)?.callFrame ?? { functionName: '', url: '' };
    const kind = KINDS.find(([, test]) => test(f.functionName, f.url))?.[0] ?? 'other (program, native)';
    kinds.set(kind, (kinds.get(kind) ?? 0) + dt);
  });
  return {
    totalMs: total,
    untilFirstConnectMs: untilFirstConnect ?? total,
    kinds: [...kinds].sort((a, b) => b[1] - a[1]),
  };
}

/** Profiles one waptops run over the farm (a first run: `reset` must have been called). */
export async function profileWaptops(files: ToolFiles, forks: number): Promise<ProfileSummary> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'waptops-profile-'));
  try {
    const argv = [
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      'dist/bin/waptops.js',
      'run',
      'scripts/bench/fanout/five-steps.yml',
    ];
    argv.push('-i', files.inventory, '--forks', String(forks));
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, argv, { env: { ...process.env, CI: 'true' }, maxBuffer: 64 << 20 }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    const [file] = await readdir(dir);
    return summarise(JSON.parse(await readFile(path.join(dir, file as string), 'utf8')) as CpuProfile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The summary as a Markdown table. */
export function profileMarkdown(hosts: number, s: ProfileSummary): string {
  const rows = s.kinds.map(
    ([kind, ms]) => `| ${kind} | ${ms.toFixed(0)} ms | ${((100 * ms) / s.totalMs).toFixed(0)} % |`,
  );
  return [
    `### Where waptops' time goes (${hosts} hosts, one first run, V8 CPU profile of the controller)`,
    '',
    `Profiled: ${s.totalMs.toFixed(0)} ms from the profiler's start (after Node's own start-up); the first SSH connection began at ${s.untilFirstConnectMs.toFixed(0)} ms.`,
    '',
    '| work | time | share |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
