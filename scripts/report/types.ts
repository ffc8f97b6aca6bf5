// What every renderer is given and what it hands back.
import type { EventSink } from '../engine/events.js';

/** Options shared by the tree and plain renderers. */
export interface RendererOptions {
  /** Print unified diffs of the files a step changes (or would change). */
  diff: boolean;
  /** Show each command as it runs and a failure's whole message (command included); words only otherwise. */
  verbose?: boolean;
  /** Where to write; standard output when absent. */
  stream?: NodeJS.WritableStream;
  /** ANSI colours (plain: off unless asked). */
  color?: boolean;
  /** Number of (non-rescue) steps in the playbook, to show `[3/7]`; `[3]` when absent. */
  stepCount?: number;
  /** Clock for timestamps and progress rate (tests pass a fixed one). */
  now?: () => Date;
  /** Plain renderer: least time between two progress lines of one host (default 5000 ms). */
  progressIntervalMs?: number;
}

/** A renderer: feed it events through `sink`, then await `done()` after run:end to flush it. */
export interface Renderer {
  sink: EventSink;
  done(): Promise<void>;
}
