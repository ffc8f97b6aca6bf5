// WAPT/control as WAPT 1.8.2 reads it: load_control_from_wapt decodes UTF-8 (waptpackage.py:1290), then
// control_to_dict (waptpackage.py:740-790) reads `key: value` lines up to the first blank one.

/** What WAPT would do wrong with a package's control data (none: it reads every field). */
export type ControlProblem =
  /** Bytes that are not UTF-8: UnicodeDecodeError (the guide's `'utf8' codec can't decode byte`). */
  | { kind: 'notutf8'; offset: number }
  /** A UTF-8 BOM: the first key becomes `\ufeffpackage`, which ends in a UnicodeEncodeError. */
  | { kind: 'bom' }
  /** A line with no `:` that is not a continuation (it does not begin with a space): EWaptBadControl. */
  | { kind: 'nocolon'; line: number; text: string }
  /** A blank line before the end: parsing stops there and these fields are lost. */
  | { kind: 'lost'; line: number; fields: string[] };

// Python 2's unicode.splitlines() separators and unicode.strip() whitespace (control characters among them).
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python splits lines on \x1c-\x1e too
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python strips \x1c-\x1f too
const BLANK = /^[\s\x1c-\x1f\x85]*$/u;

function isBlank(line: string): boolean {
  return BLANK.test(line.replace(/\ufeff/g, 'x'));
}

/** How many bytes a UTF-8 sequence starting with this byte has (1 for ASCII and for invalid lead bytes). */
function sequenceLength(byte: number): number {
  if (byte >= 0xf0) return 4;
  if (byte >= 0xe0) return 3;
  return byte >= 0xc0 ? 2 : 1;
}

/** Where a buffer stops being UTF-8 (the byte Python names: the start of the bad sequence), or -1. */
function firstBadUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const pending = i > start && i - start < sequenceLength(bytes[start] as number);
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return pending ? start : i;
    }
    if (!pending) start = i;
  }
  try {
    decoder.decode();
    return -1;
  } catch {
    return start;
  }
}

/** The problems WAPT 1.8.2 would have with these control bytes, in the order it meets them ([] = read fine). */
export function controlProblems(bytes: Buffer): ControlProblem[] {
  const bad = firstBadUtf8(bytes);
  if (bad >= 0) return [{ kind: 'notutf8', offset: bad }];
  const text = bytes.toString('utf8');
  const problems: ControlProblem[] = text.startsWith('\ufeff') ? [{ kind: 'bom' }] : [];
  const lines = text.split(LINE_BREAK);
  const blank = lines.findIndex(isBlank);
  const read = blank < 0 ? lines : lines.slice(0, blank);
  const noColon = read.findIndex((l) => !l.startsWith(' ') && !l.includes(':'));
  if (noColon >= 0)
    return [...problems, { kind: 'nocolon', line: noColon + 1, text: read[noColon] as string }];
  if (blank < 0) return problems;
  const fields = lines
    .slice(blank + 1)
    .filter((l) => !isBlank(l) && !l.startsWith(' ') && l.includes(':'))
    .map((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase());
  return fields.length ? [...problems, { kind: 'lost', line: blank + 1, fields }] : problems;
}
