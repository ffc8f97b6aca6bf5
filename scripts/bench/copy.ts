// Benchmark: tree_copy's copy-and-verify job against a plain `cp -a` between the same two loop devices.
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { treeCopyCommand } from '../actions/lib/tree-copy-script.js';
import { renderCommand, shQuote } from '../transport/command.js';
import { summarise, verdict } from './stats.js';

/** The target from issue 4: copy-and-verify at no less than 0.8x the rate of `cp -a`. */
export const COPY_RATIO_TARGET = 0.8;

const MiB = 1 << 20;
const ROUNDS = 3;

/** Sizes of the .wapt files: many small, some medium, a few of 100 MiB (about 1.5 GiB in all). */
function packageSizes(): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < 220; i++) sizes.push(100 * 1024 + ((i * 7919) % 20) * 100 * 1024);
  for (let i = 0; i < 40; i++) sizes.push((5 + ((i * 13) % 16)) * MiB);
  for (let i = 0; i < 7; i++) sizes.push(100 * MiB);
  return sizes;
}

function writeRandomFile(file: string, size: number, chunk: Buffer): void {
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(chunk.length, size - done);
      writeSync(fd, randomFillSync(chunk, 0, n), 0, n);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes a tree shaped like a WAPT repository (random, incompressible .wapt files, some hard links); returns its bytes. */
function makeRepository(root: string): number {
  const chunk = Buffer.alloc(4 * MiB);
  let bytes = 0;
  for (const dir of ['wapt', 'wapt-host', 'waptwua']) mkdirSync(path.join(root, dir), { recursive: true });
  packageSizes().forEach((size, i) => {
    const dir = i % 10 === 0 ? 'wapt-host' : 'wapt';
    writeRandomFile(path.join(root, dir, `pkg${i}_1.0.${i}-1_all.wapt`), size, chunk);
    bytes += size;
  });
  for (let i = 0; i < 10; i++) {
    linkSync(
      path.join(root, 'wapt', `pkg${2 * i + 1}_1.0.${2 * i + 1}-1_all.wapt`),
      path.join(root, 'waptwua', `link${i}.wapt`),
    );
  }
  return bytes;
}

function median(times: number[]): number {
  return summarise(times).median;
}

function sh(command: string): string {
  return execFileSync('sh', ['-c', command], { encoding: 'utf8', maxBuffer: 16 << 20 });
}

/** Drops the page cache, runs `command` then `sync`; returns the wall time in seconds and the last output line. */
function timed(command: string): { seconds: number; last: string } {
  sh('sync; echo 3 > /proc/sys/vm/drop_caches');
  const start = process.hrtime.bigint();
  const out = sh(`${command}\nsync`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, last: out.trim().split('\n').pop() ?? '' };
}

/** Loop devices and mounts made by the benchmark, undone in reverse whatever happens. */
class Scratch {
  private readonly undo: string[] = [];
  loop(image: string, sizeBytes: number): string {
    sh(`truncate -s ${sizeBytes} ${shQuote(image)}`);
    const device = sh(`losetup -f --show ${shQuote(image)}`).trim();
    this.undo.push(`losetup -d ${device}`);
    // no lazy inode-table init: its background writes would slow whichever copy runs first
    sh(`mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 ${device}`);
    return device;
  }
  mount(device: string, dir: string): void {
    mkdirSync(dir, { recursive: true });
    sh(`mount ${device} ${shQuote(dir)}`);
    this.undo.push(`umount ${shQuote(dir)}`);
  }
  cleanup(): void {
    for (const command of this.undo.reverse()) {
      try {
        sh(command);
      } catch (e) {
        console.error(`  cleanup: ${command} failed: ${(e as Error).message}`);
      }
    }
  }
}

/** Copies ~1.5 GiB both ways on two ext4 loop devices, prints MB/s of each and the ratio; returns the ratio. */
export async function measureCopy(): Promise<number | null> {
  if (process.getuid?.() !== 0) {
    console.log('  skipped: needs root (loop devices, mount, drop_caches)');
    return null;
  }
  const work = mkdtempSync('/var/tmp/waptops-bench-copy-');
  const scratch = new Scratch();
  try {
    const srcDevice = scratch.loop(path.join(work, 'src.img'), 2.5 * 1024 * MiB);
    const destDevice = scratch.loop(path.join(work, 'dest.img'), 4 * 1024 * MiB);
    scratch.mount(srcDevice, path.join(work, 'src'));
    scratch.mount(destDevice, path.join(work, 'dest'));
    const src = path.join(work, 'src', 'www');
    const bytes = makeRepository(src);
    const a = path.join(work, 'dest', 'a');
    const b = path.join(work, 'dest', 'b');
    const cp = `cp -a -- ${shQuote(`${src}/.`)} ${shQuote(`${a}/`)}`;
    const job = `sh -c ${shQuote(renderCommand(treeCopyCommand({ src, dest: b, clear: false, strict: true })))}`;
    const cpTimes: number[] = [];
    const jobTimes: number[] = [];
    let last = '';
    // Alternating order (cp first, then the job first, ...) so a burst of other disk traffic hits both.
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of round % 2 === 0 ? ['cp', 'job'] : ['job', 'cp']) {
        const dir = which === 'cp' ? a : b;
        sh(`rm -rf ${shQuote(dir)} && mkdir ${shQuote(dir)}`);
        const run = timed(which === 'cp' ? cp : job);
        if (which === 'cp') cpTimes.push(run.seconds);
        else {
          jobTimes.push(run.seconds);
          last = run.last;
        }
      }
    }
    const cpSeconds = median(cpTimes);
    const jobSeconds = median(jobTimes);
    const cpRate = bytes / 1e6 / cpSeconds;
    const jobRate = bytes / 1e6 / jobSeconds;
    const ratio = jobRate / cpRate;
    const list = (t: number[]) => t.map((x) => x.toFixed(2)).join(', ');
    console.log(
      `  ${(bytes / 1024 / MiB).toFixed(2)} GiB in ${packageSizes().length} .wapt files (+10 hard links), ext4 loop -> ext4 loop, ${ROUNDS} alternating rounds, caches dropped before each run`,
    );
    console.log(
      `  cp -a + sync             median ${cpSeconds.toFixed(2)} s  ${cpRate.toFixed(0)} MB/s  (${list(cpTimes)} s)`,
    );
    console.log(
      `  tree_copy job + sync     median ${jobSeconds.toFixed(2)} s  ${jobRate.toFixed(0)} MB/s  (${list(jobTimes)} s; ${last})`,
    );
    console.log(
      verdict(
        'copy-and-verify rate / cp -a rate',
        ratio.toFixed(2),
        `>= ${COPY_RATIO_TARGET}`,
        ratio >= COPY_RATIO_TARGET,
      ),
    );
    return ratio;
  } finally {
    scratch.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}
