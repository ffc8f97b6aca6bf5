// The text a command printed, kept within a bound: the first and the last MAX_KEPT_CHARS / 2 characters, with a
// note of how much was left out between them, so a host printing gigabytes cannot exhaust the controller.

/** How many characters of one stream of one command are kept at most. */
export const MAX_KEPT_CHARS = 4 * 1024 * 1024;

/** Collects text chunks, keeping a head and a rolling tail once the bound is passed. */
export class CappedText {
  private head = '';
  private tail: string[] = [];
  private tailLength = 0;
  private dropped = 0;

  constructor(private readonly limit: number = MAX_KEPT_CHARS) {}

  /** Adds a chunk. */
  add(text: string): void {
    const half = Math.floor(this.limit / 2);
    if (this.head.length < half) {
      const room = half - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.tail.push(text);
    this.tailLength += text.length;
    while (this.tailLength > half) {
      const first = this.tail[0] as string;
      const excess = this.tailLength - half;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailLength -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.slice(excess);
        this.tailLength -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Everything kept, with a note where characters were left out. */
  toString(): string {
    const tail = this.tail.join('');
    if (this.dropped === 0) return this.head + tail;
    return `${this.head}\n[waptops: ${this.dropped} characters of output left out; the first and last ${Math.floor(this.limit / 2)} are kept]\n${tail}`;
  }
}
