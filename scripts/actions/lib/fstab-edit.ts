// Pure fstab editing by mount point: other lines (comments, blanks, other entries) stay byte for byte.

/** The six fields of one fstab entry, with `\040`-style escapes decoded. */
export interface FstabEntry {
  spec: string;
  file: string;
  vfstype: string;
  mntops: string;
  freq: number;
  passno: number;
}

/** What setting or removing an entry did to the file. */
export interface FstabEdit {
  text: string;
  /** Entries for the mount point found before the edit. */
  found: number;
  /** True when the text changed. */
  changed: boolean;
}

interface Line {
  text: string;
  eol: string;
  entry?: FstabEntry;
}

function splitLines(text: string): Line[] {
  if (text === '') return [];
  return text.split(/(?<=\n)/).map((raw) => {
    const eol = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    const body = raw.slice(0, raw.length - eol.length);
    const entry = parseFstabLine(body);
    return entry ? { text: body, eol, entry } : { text: body, eol };
  });
}

function joinLines(lines: Line[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

/** Decodes fstab's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function unescapeFstabField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Encodes the characters fstab cannot hold literally in a field. */
export function escapeFstabField(value: string): string {
  return value.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** A mount point compared by its path: `/srv/wapt/` and `/srv/wapt` are the same. */
export function normalizeMountPoint(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** The entry on one line, or undefined for comments, blank lines and lines too short to be entries. */
export function parseFstabLine(text: string): FstabEntry | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const fields = trimmed.split(/\s+/);
  if (fields.length < 4) return undefined;
  const [spec, file, vfstype, mntops, freq = '0', passno = '0'] = fields as [string, string, string, string];
  return {
    spec: unescapeFstabField(spec),
    file: unescapeFstabField(file),
    vfstype,
    mntops,
    freq: Number.parseInt(freq, 10) || 0,
    passno: Number.parseInt(passno, 10) || 0,
  };
}

/** Every entry of an fstab text with its line as written (trimmed); comments and blank lines are left out. */
export function fstabEntries(text: string): { line: string; entry: FstabEntry }[] {
  return text.split('\n').flatMap((line) => {
    const entry = parseFstabLine(line);
    return entry ? [{ line: line.trim(), entry }] : [];
  });
}

/** One fstab line for an entry, fields separated by single spaces. */
export function formatFstabEntry(e: FstabEntry): string {
  return [escapeFstabField(e.spec), escapeFstabField(e.file), e.vfstype, e.mntops, e.freq, e.passno].join(
    ' ',
  );
}

function sameEntry(a: FstabEntry, b: FstabEntry): boolean {
  return (
    a.spec === b.spec &&
    normalizeMountPoint(a.file) === normalizeMountPoint(b.file) &&
    a.vfstype === b.vfstype &&
    a.mntops === b.mntops &&
    a.freq === b.freq &&
    a.passno === b.passno
  );
}

function indexesFor(lines: Line[], mountPoint: string): number[] {
  const wanted = normalizeMountPoint(mountPoint);
  return lines.flatMap((l, i) => (l.entry && normalizeMountPoint(l.entry.file) === wanted ? [i] : []));
}

/**
 * Makes `entry` the only line for its mount point: unchanged when exactly one identical line exists;
 * otherwise the first line for the mount point is replaced and the others removed, or the entry is appended.
 */
export function setFstabEntry(text: string, entry: FstabEntry): FstabEdit {
  const lines = splitLines(text);
  const found = indexesFor(lines, entry.file);
  const [first, ...duplicates] = found;
  if (found.length === 1 && sameEntry((lines[first as number] as Line).entry as FstabEntry, entry)) {
    return { text, found: 1, changed: false };
  }
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n';
  const newLine: Line = { text: formatFstabEntry(entry), eol, entry };
  if (first === undefined) {
    const last = lines[lines.length - 1];
    if (last && last.eol === '') last.eol = eol;
    lines.push(newLine);
  } else {
    for (const i of duplicates.reverse()) lines.splice(i, 1);
    lines.splice(first, 1, { ...newLine, eol: (lines[first] as Line).eol || eol });
  }
  return { text: joinLines(lines), found: found.length, changed: true };
}

/** Removes every line for the mount point; other lines stay as written. */
export function removeFstabEntries(text: string, mountPoint: string): FstabEdit {
  const lines = splitLines(text);
  const found = indexesFor(lines, mountPoint);
  if (found.length === 0) return { text, found: 0, changed: false };
  const hadFinalBreak = text.endsWith('\n');
  for (const i of [...found].reverse()) lines.splice(i, 1);
  const last = lines[lines.length - 1];
  if (last && !hadFinalBreak) last.eol = '';
  return { text: joinLines(lines), found: found.length, changed: true };
}
