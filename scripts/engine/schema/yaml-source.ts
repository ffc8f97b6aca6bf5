// A parsed YAML file that keeps node ranges, so any key path maps back to file:line:col.
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import { type SourcePosition, ValidationError } from '../../core/errors.js';
import { checkYamlText, yamlData } from './yaml-limits.js';

/** A key path into a document, e.g. ['steps', 2, 'with', 'port']. */
export type KeyPath = (string | number)[];

/** One YAML file: its text, its parsed document and the line index for positions. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses YAML text; malformed YAML throws one ValidationError at the parser's position. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  checkYamlText(file, text);
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, merge: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    const reason = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
    throw new ValidationError([{ pos: { file, line: at.line, col: at.col }, path: '', message: reason }]);
  }
  return { file, text, doc, lines };
}

/** The source's document as plain data, within the limits of yaml-limits.ts. */
export function sourceData(src: YamlSource): unknown {
  return yamlData(src.file, src.doc, src.lines);
}

/** The position of a character offset in the file. */
export function positionOfOffset(src: YamlSource, offset: number): SourcePosition {
  const { line, col } = src.lines.linePos(offset);
  return { file: src.file, line, col };
}

function resolveAlias(src: YamlSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(src.doc) : node;
}

function pairAt(node: unknown, key: string | number) {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(key));
}

/** Walks `path` as far as the document goes: the deepest node reached, its key node, and how far it got. */
function walk(src: YamlSource, path: KeyPath): { node: Node | undefined; keyNode?: Node; depth: number } {
  let node = resolveAlias(src, src.doc.contents) as Node | undefined;
  let keyNode: Node | undefined;
  for (const [i, segment] of path.entries()) {
    let next: unknown;
    let nextKey: Node | undefined;
    if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    } else {
      const pair = pairAt(node, segment);
      if (!pair) return { node, keyNode, depth: i };
      next = pair.value ?? pair.key;
      nextKey = pair.key as Node;
    }
    if (next === undefined || next === null) return { node, keyNode, depth: i };
    node = resolveAlias(src, next) as Node;
    keyNode = nextKey;
  }
  return { node, keyNode, depth: path.length };
}

function startOf(src: YamlSource, node: Node | undefined): SourcePosition {
  return positionOfOffset(src, node?.range?.[0] ?? 0);
}

/** Position of the value at `path`, or of the deepest existing node on the way there. */
export function positionOf(src: YamlSource, path: KeyPath): SourcePosition {
  return startOf(src, walk(src, path).node);
}

/** Position of the key that holds the value at `path` (falls back like `positionOf`). */
export function keyPositionOf(src: YamlSource, path: KeyPath): SourcePosition {
  const found = walk(src, path);
  return startOf(src, found.depth === path.length && found.keyNode ? found.keyNode : found.node);
}

/**
 * Position of `needle` inside the string scalar at `path` when it appears verbatim in the
 * source (plain and simply quoted scalars), else the scalar's own position.
 */
export function positionInString(src: YamlSource, path: KeyPath, needle: string): SourcePosition {
  const { node, depth } = walk(src, path);
  if (depth === path.length && node?.range) {
    const index = src.text.slice(node.range[0], node.range[1]).indexOf(needle);
    if (index >= 0) return positionOfOffset(src, node.range[0] + index);
  }
  return startOf(src, node);
}

/** Formats a key path for messages: `steps[2].with.port`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Turns an ajv `instancePath` (JSON pointer) into a key path; digits become indices. */
export function pointerToPath(pointer: string): KeyPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}
