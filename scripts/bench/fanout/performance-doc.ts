// Writes the fan-out figures into docs/PERFORMANCE.md, between its two marker lines, with the machine they come from.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The file the figures go to (run from the repository root). */
export const PERFORMANCE_DOC = 'docs/PERFORMANCE.md';
const BEGIN = '<!-- figures: written by `make bench`, do not edit by hand -->';
const END = '<!-- end of figures -->';

async function firstLine(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await exec(cmd, args);
    return (stdout || stderr).split('\n')[0]?.trim() ?? '';
  } catch (e) {
    return `(${cmd} not available: ${(e as Error).message.split('\n')[0]})`;
  }
}

/** What the figures were measured on: CPU, memory, kernel, OS and the tools' versions. */
export async function machineDescription(): Promise<string> {
  const cpus = os.cpus();
  const debian = await readFile('/etc/debian_version', 'utf8').catch(() => 'unknown');
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  return [
    `- ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${os.release()}, Debian ${debian.trim()}`,
    `- Node ${process.version}; ${await firstLine('ansible-playbook', ['--version'])}; ${await firstLine('ssh', ['-V'])}`,
    `- load average when the run ended: ${load}`,
    `- measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  ].join('\n');
}

/** Replaces the figures block of docs/PERFORMANCE.md with `body`. */
export async function writePerformanceDoc(body: string): Promise<void> {
  const text = await readFile(PERFORMANCE_DOC, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`${PERFORMANCE_DOC} has no figures block (${BEGIN} ... ${END})`);
  await writeFile(PERFORMANCE_DOC, `${text.slice(0, start + BEGIN.length)}\n\n${body}\n${text.slice(end)}`);
}
