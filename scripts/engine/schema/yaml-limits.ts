// What a YAML file (playbook, inventory, os-vars) may be before waptops reads it: its size, its encoding, how
// deep it nests and how far its aliases expand. Each refusal is one ValidationError at file:line:col.
import { readFileSync } from 'node:fs';
import { type Document, isAlias, isMap, isPair, isSeq, type LineCounter, type Node, visit } from 'yaml';
import { formatBytes } from '../../core/bytes.js';
import { ValidationError } from '../../core/errors.js';

/** The largest YAML file waptops reads (a playbook or an inventory is a few KiB). */
export const MAX_YAML_BYTES = 1024 * 1024;
/** The deepest nesting of maps and lists a YAML file may have. */
export const MAX_YAML_DEPTH = 64;
/** How many alias expansions a YAML file may make (the yaml library's own guard against alias bombs). */
export const MAX_YAML_ALIAS_COUNT = 100;

function refuse(file: string, line: number, col: number, message: string): never {
  throw new ValidationError([{ pos: { file, line, col }, path: '', message }]);
}

/** Where byte `offset` of a buffer is, counted in lines and characters. */
function lineColOfByte(bytes: Buffer, offset: number): { line: number; col: number } {
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.filter((b) => b === 0x0a).length + 1;
  return { line, col: new TextDecoder().decode(before.subarray(lineStart)).length + 1 };
}

/** The offset of the first byte that is not valid UTF-8 (the buffer is known to hold one). */
function firstInvalidByte(bytes: Buffer): number {
  const decodes = (end: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (decodes(mid)) good = mid;
    else bad = mid;
  }
  // A lead byte just before `good` waits for continuation bytes that never came: it is the bad one.
  for (let back = 1; back <= 3 && good - back >= 0; back++) {
    const byte = bytes[good - back] as number;
    if (byte >= 0xc0) return good - back;
    if ((byte & 0xc0) !== 0x80) break;
  }
  return good;
}

/** The text of a YAML file, refused when too large, UTF-16, not UTF-8, or unreadable (`what` names it). */
export function readYamlFile(file: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ValidationError([
      { path: file, message: `cannot read the ${what} (${(e as NodeJS.ErrnoException).code})` },
    ]);
  }
  if (bytes.length > MAX_YAML_BYTES)
    refuse(
      file,
      1,
      1,
      `the ${what} is ${formatBytes(bytes.length)}, more than the ${formatBytes(MAX_YAML_BYTES)} limit`,
    );
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    refuse(file, 1, 1, `the ${what} is UTF-16: save it as UTF-8`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = lineColOfByte(bytes, firstInvalidByte(bytes));
    return refuse(file, at.line, at.col, `the ${what} is not UTF-8 (a byte here is not): save it as UTF-8`);
  }
}

/** Refuses YAML text that is too large, starts with a byte order mark or holds a NUL character. */
export function checkYamlText(file: string, text: string): void {
  if (text.length > MAX_YAML_BYTES)
    refuse(
      file,
      1,
      1,
      `the file is ${formatBytes(text.length)}, more than the ${formatBytes(MAX_YAML_BYTES)} limit`,
    );
  if (text.startsWith('\uFEFF'))
    refuse(file, 1, 1, 'the file starts with a byte order mark (BOM): save it as UTF-8 without BOM');
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const lineStart = text.lastIndexOf('\n', nul - 1) + 1;
    const line = text.slice(0, nul).split('\n').length;
    refuse(file, line, nul - lineStart + 1, 'the file holds a NUL character: is it binary, or UTF-16?');
  }
}

/** The document as plain data, refused when it nests deeper than the limit or its aliases expand too far. */
export function yamlData(file: string, doc: Document.Parsed, lines: LineCounter): unknown {
  const tooDeep = deepestNode(doc.contents, 1);
  if (tooDeep) {
    const at = lines.linePos(tooDeep.range?.[0] ?? 0);
    refuse(file, at.line, at.col, `nested more than ${MAX_YAML_DEPTH} levels deep`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (e) {
    const message = String((e as Error).message);
    const unresolved = /unresolved alias/i.test(message);
    if (!unresolved && !/alias count/i.test(message)) throw e;
    let culprit: Node | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (unresolved && node.resolve(doc) !== undefined) return undefined;
        culprit = node;
        return visit.BREAK;
      },
    });
    const at = lines.linePos(culprit?.range?.[0] ?? 0);
    const why = unresolved
      ? `alias *${(culprit as { source?: string } | undefined)?.source ?? ''} has no anchor before it`
      : `aliases expand to more than ${MAX_YAML_ALIAS_COUNT} copies (an alias bomb?): write the values out`;
    return refuse(file, at.line, at.col, why);
  }
}

/** The first node deeper than MAX_YAML_DEPTH, if any (aliases are not followed: their expansion is capped). */
function deepestNode(node: unknown, depth: number): Node | undefined {
  if (isAlias(node) || !(isMap(node) || isSeq(node))) return undefined;
  if (depth > MAX_YAML_DEPTH) return node;
  for (const item of node.items) {
    const children = isPair(item) ? [item.key, item.value] : [item];
    for (const child of children) {
      const found = deepestNode(child, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}
