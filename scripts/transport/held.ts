// A held process (SSH channel or child process): first stdout line, exit code, release by closing stdin.
import type { Readable, Writable } from 'node:stream';
import type { HeldProcess } from './types.js';

/** The pipes of a long-lived process and how to learn of and force its end. */
export interface HeldChannel {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Registers the callback for the process's end with its exit code (255 when it had none). */
  onExit(cb: (code: number) => void): void;
  /** Ends the process (or its channel) at once. */
  kill(): void;
}

// How long release() waits for the process to exit on EOF before it closes the channel outright.
const RELEASE_WAIT_MS = 5000;

/**
 * Wraps a started process as a HeldProcess. `firstLine` resolves with the first stdout line, or with
 * whatever was printed (possibly '') if the process ended before a newline.
 */
export function holdChannel(proc: HeldChannel, stdin?: Buffer): HeldProcess {
  let out = '';
  let lineFound: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => {
    lineFound = resolve;
  });
  const exited = new Promise<number>((resolve) => {
    proc.onExit((code) => {
      lineFound(out);
      resolve(code);
    });
  });
  proc.stdout.on('data', (d: Buffer) => {
    if (out.includes('\n')) return;
    out += d.toString('utf8');
    const eol = out.indexOf('\n');
    if (eol >= 0) lineFound(out.slice(0, eol));
  });
  proc.stderr.resume();
  proc.stdin.on('error', () => {});
  if (stdin) proc.stdin.write(stdin);
  return {
    firstLine,
    exited,
    release: async () => {
      proc.stdin.end();
      const timer = setTimeout(() => proc.kill(), RELEASE_WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
