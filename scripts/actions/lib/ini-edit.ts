// Pure INI editing that keeps everything else in the file as written: comments, blanks, order, spacing, case.

/** One physical line: its text without the line break, and the break it ended with. */
interface Line {
  text: string;
  eol: '' | '\n' | '\r\n';
}

/** A `key = value` line split so it can be rebuilt with the same spacing. */
interface KeyLine {
  indent: string;
  key: string;
  /** Everything between the key and the value, e.g. ` = ` or `=` or `: `. */
  separator: string;
  value: string;
}

const SECTION = /^\s*\[([^\]]*)\]\s*$/;
const KEY_VALUE = /^(\s*)([^=:\s;#[][^=:]*?)(\s*[=:]\s*)(.*?)\s*$/;

function splitLines(text: string): Line[] {
  if (text === '') return [];
  return text.split(/(?<=\n)/).map((raw) => {
    if (raw.endsWith('\r\n')) return { text: raw.slice(0, -2), eol: '\r\n' };
    if (raw.endsWith('\n')) return { text: raw.slice(0, -1), eol: '\n' };
    return { text: raw, eol: '' };
  });
}

function joinLines(lines: Line[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

function lineBreakOf(lines: Line[]): '\n' | '\r\n' {
  return lines.find((l) => l.eol !== '')?.eol === '\r\n' ? '\r\n' : '\n';
}

function isComment(text: string): boolean {
  return /^\s*[;#]/.test(text);
}

function parseKeyLine(text: string): KeyLine | undefined {
  if (isComment(text) || SECTION.test(text)) return undefined;
  const m = KEY_VALUE.exec(text);
  if (!m) return undefined;
  return { indent: m[1] as string, key: m[2] as string, separator: m[3] as string, value: m[4] as string };
}

function sectionName(text: string): string | undefined {
  return SECTION.exec(text)?.[1]?.trim();
}

function indentWidth(text: string): number {
  return (/^\s*/.exec(text)?.[0] ?? '').length;
}

/** Where one key of one section sits: its first line and how many lines (continuations included) it spans. */
interface KeySpan {
  start: number;
  length: number;
  line: KeyLine;
}

/** The lines of one section: header index (-1 when absent) and every span of the wanted key in it. */
interface SectionScan {
  header: number;
  /** Index after the last key (or continuation) line of the section; header + 1 when it has no keys. */
  appendAt: number;
  spans: KeySpan[];
  /** A key line of the section (or of the file) whose spacing new keys copy. */
  styleSample?: KeyLine;
}

function scanSection(lines: Line[], section: string, key: string): SectionScan {
  const scan: SectionScan = { header: -1, appendAt: -1, spans: [] };
  let inSection = false;
  let fileSample: KeyLine | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as Line).text;
    const name = sectionName(text);
    if (name !== undefined) {
      inSection = scan.header < 0 && name === section;
      if (inSection) {
        scan.header = i;
        scan.appendAt = i + 1;
      }
      continue;
    }
    const kv = parseKeyLine(text);
    if (!kv) continue;
    fileSample ??= kv;
    if (!inSection) continue;
    let length = 1;
    while (i + length < lines.length && isContinuation((lines[i + length] as Line).text, text)) length++;
    scan.styleSample ??= kv;
    if (kv.key.toLowerCase() === key.toLowerCase()) scan.spans.push({ start: i, length, line: kv });
    scan.appendAt = i + length;
    i += length - 1;
  }
  scan.styleSample ??= fileSample;
  return scan;
}

function isContinuation(text: string, keyText: string): boolean {
  return text.trim() !== '' && indentWidth(text) > indentWidth(keyText);
}

/** `key =` (empty value) keeps its style when a value is added: `key = value`, not `key =value`. */
function spaced(separator: string): string {
  return /^\s/.test(separator) && !/\s$/.test(separator) ? `${separator} ` : separator;
}

function newKeyText(key: string, value: string, sample: KeyLine | undefined): string {
  return `${sample?.indent ?? ''}${key}${sample ? spaced(sample.separator) : ' = '}${value}`;
}

/** The value of `key` in `[section]` (key matched case-insensitively, like Python's configparser), or undefined. */
export function getIniValue(text: string, section: string, key: string): string | undefined {
  const lines = splitLines(text);
  const span = scanSection(lines, section, key).spans[0];
  if (!span) return undefined;
  const continuation = lines.slice(span.start + 1, span.start + span.length).map((l) => l.text.trim());
  return [span.line.value, ...continuation].join('\n');
}

/**
 * Sets `key` in `[section]` to a one-line `value`: replaced in place (first occurrence, later duplicates
 * removed), else appended after the section's last key, else a new section at the end of the file.
 */
export function setIniValue(text: string, section: string, key: string, value: string): string {
  const lines = splitLines(text);
  const eol = lineBreakOf(lines);
  const scan = scanSection(lines, section, key);
  const [first, ...duplicates] = scan.spans;
  if (first) {
    for (const d of duplicates.reverse()) lines.splice(d.start, d.length);
    const { indent, key: writtenKey, separator } = first.line;
    const eolOfSpan = (lines[first.start + first.length - 1] as Line).eol;
    lines.splice(first.start, first.length, {
      text: `${indent}${writtenKey}${spaced(separator)}${value}`,
      eol: eolOfSpan,
    });
    return joinLines(lines);
  }
  const keyLine: Line = { text: newKeyText(key, value, scan.styleSample), eol };
  if (scan.header >= 0) {
    const before = lines[scan.appendAt - 1] as Line;
    if (before.eol === '') before.eol = eol;
    lines.splice(scan.appendAt, 0, keyLine);
    return joinLines(lines);
  }
  const last = lines[lines.length - 1];
  if (last && last.eol === '') last.eol = eol;
  if (last && last.text.trim() !== '') lines.push({ text: '', eol });
  lines.push({ text: `[${section}]`, eol }, keyLine);
  return joinLines(lines);
}

/** Removes every occurrence of `key` (with its continuation lines) from `[section]`; other lines stay. */
export function removeIniKey(text: string, section: string, key: string): string {
  const lines = splitLines(text);
  const { spans } = scanSection(lines, section, key);
  if (spans.length === 0) return text;
  const lastLine = lines[lines.length - 1] as Line;
  for (const s of [...spans].reverse()) lines.splice(s.start, s.length);
  const newLast = lines[lines.length - 1];
  if (newLast && lastLine.eol === '' && !lines.includes(lastLine)) newLast.eol = '';
  return joinLines(lines);
}
