// A fact is a read-only command plus a parser with a typed result, cached per host per run.
import type { Command } from '../transport/command.js';
import type { RunResult } from '../transport/types.js';

/** How to learn one thing about a host. `key` is the cache key (name plus arguments). */
export interface Fact<T> {
  key: string;
  command: Command;
  /** Facts that need root (e.g. reading /etc/shadow) say so; most do not. */
  become?: boolean;
  /** Turns the command's result into a value; throws a WaptopsError when the output is unusable. */
  parse(result: RunResult): T;
}
