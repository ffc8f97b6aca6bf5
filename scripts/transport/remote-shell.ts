// Framing for a persistent remote sh: the script sent per command and the reader that finds its end marker.
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { CappedText } from './capped-text.js';
import { shQuote } from './command.js';

/** Seconds coreutils `timeout` waits after TERM before it sends KILL. */
export const KILL_AFTER_SECONDS = 5;

const MARKER_BYTES = 12;
// Random bytes are drawn for 256 markers at a time: one system call instead of one per command.
let pool = Buffer.alloc(0);

/** A fresh end marker for one command; random so command output cannot fake it. */
export function newMarker(): string {
  if (pool.length < MARKER_BYTES) pool = randomBytes(MARKER_BYTES * 256);
  const bytes = pool.subarray(0, MARKER_BYTES);
  pool = pool.subarray(MARKER_BYTES);
  return `__WAPTOPS_END_${bytes.toString('hex')}__`;
}

/** A file descriptor the persistent shell keeps open for itself (the run lock); no command inherits it. */
export const SHELL_HELD_FD = 9;

/** What one framed command needs: its shell text, optional stdin bytes and timeout. */
export interface FramedCommand {
  text: string;
  stdin?: Buffer;
  timeoutMs?: number;
}

/**
 * The script line sent on the shell's stdin for one command. The command text is quoted and run by
 * `eval` (or `sh -c` under `timeout`) in a subshell, so a syntax error or `exit` cannot end the shell;
 * stdin bytes travel as base64 through the `printf` builtin; the marker and status follow on both streams.
 */
export function frameScript(cmd: FramedCommand, marker: string): string {
  const source =
    cmd.stdin && cmd.stdin.length > 0
      ? `printf '%s' ${shQuote(cmd.stdin.toString('base64'))} | base64 -d | `
      : '';
  const redirect = source ? '' : ' </dev/null';
  const closeHeld = ` ${SHELL_HELD_FD}<&-`;
  const body =
    cmd.timeoutMs !== undefined
      ? `timeout -k ${KILL_AFTER_SECONDS} ${Math.max(cmd.timeoutMs / 1000, 0.001).toFixed(3)} sh -c ${shQuote(cmd.text)}${redirect}${closeHeld}`
      : `( eval ${shQuote(cmd.text)} )${redirect}${closeHeld}`;
  const m = shQuote(marker);
  return `${source}${body}; __waptops_status=$?; printf '%s %s\\n' ${m} "$__waptops_status"; printf '%s %s\\n' ${m} "$__waptops_status" >&2\n`;
}

/**
 * The script line for a command the shell runs itself, not in a subshell: what it opens or sets lasts
 * as long as the shell. Only for waptops' own fixed scripts (an `exit` in it would end the shell).
 */
export function frameInShellScript(text: string, marker: string): string {
  const m = shQuote(marker);
  return `{ ${text}
} </dev/null; __waptops_status=$?; printf '%s %s\n' ${m} "$__waptops_status"; printf '%s %s\n' ${m} "$__waptops_status" >&2
`;
}

function markerPrefixLength(data: Buffer, marker: Buffer): number {
  const max = Math.min(marker.length - 1, data.length);
  for (let n = max; n > 0; n--) {
    if (data.subarray(data.length - n).equals(marker.subarray(0, n))) return n;
  }
  return 0;
}

/** Collects one stream of one command up to its end marker, passing live text on without the marker. */
export class FrameReader {
  private pending = Buffer.alloc(0);
  private readonly decoder = new StringDecoder('utf8');
  private readonly parts = new CappedText();
  private readonly marker: Buffer;
  private markerSeen = false;
  /** The status printed after the marker, once the whole marker line has arrived. */
  status: number | undefined;

  constructor(
    marker: string,
    private readonly onText?: (text: string) => void,
  ) {
    this.marker = Buffer.from(marker);
  }

  /** True once the marker line arrived. */
  get done(): boolean {
    return this.status !== undefined;
  }

  /** What the command printed on this stream, without the marker (capped: see CappedText). */
  get text(): string {
    return this.parts.toString();
  }

  /** Feeds bytes; returns bytes that arrived after the marker line (belonging to no command). */
  push(data: Buffer): Buffer {
    if (this.done) return data;
    this.pending = Buffer.concat([this.pending, data]);
    if (!this.markerSeen) {
      const at = this.pending.indexOf(this.marker);
      if (at < 0) {
        const keep = markerPrefixLength(this.pending, this.marker);
        this.emit(this.pending.subarray(0, this.pending.length - keep));
        this.pending = this.pending.subarray(this.pending.length - keep);
        return Buffer.alloc(0);
      }
      this.emit(this.pending.subarray(0, at));
      this.flush();
      this.markerSeen = true;
      this.pending = this.pending.subarray(at + this.marker.length);
    }
    const eol = this.pending.indexOf(0x0a);
    if (eol < 0) return Buffer.alloc(0);
    this.status = Number.parseInt(this.pending.subarray(0, eol).toString('latin1').trim(), 10);
    const rest = this.pending.subarray(eol + 1);
    this.pending = Buffer.alloc(0);
    return rest;
  }

  /** Ends the stream early (shell died or timed out): the held-back bytes count as output. */
  finish(): void {
    if (this.markerSeen) return;
    this.emit(this.pending);
    this.pending = Buffer.alloc(0);
    this.flush();
  }

  private emit(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.add(this.decoder.write(bytes));
  }

  private flush(): void {
    this.add(this.decoder.end());
  }

  private add(text: string): void {
    if (!text) return;
    this.parts.add(text);
    this.onText?.(text);
  }
}
