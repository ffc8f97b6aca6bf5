// A small unified-style line diff (LCS based) for showing what a step changes in a file.
import type { FileDiff } from '../actions/types.js';

type Edit = { op: ' ' | '-' | '+'; line: string };

/** Above this many before x after lines the diff falls back to "all removed, all added". */
const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function editScript(a: string[], b: string[]): Edit[] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((line) => ({ op: '-' as const, line })),
      ...b.map((line) => ({ op: '+' as const, line })),
    ];
  }
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i++] as string });
      j++;
    } else if (i < a.length && (j === b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      edits.push({ op: '-', line: a[i++] as string });
    } else {
      edits.push({ op: '+', line: b[j++] as string });
    }
  }
  return edits;
}

/** Unified diff lines (`--- path`, `+++ path`, `@@ -a,b +c,d @@`, then ` `/`-`/`+` lines); empty when equal. */
export function unifiedDiff(d: FileDiff, context = 3): string[] {
  const edits = editScript(splitLines(d.before), splitLines(d.after));
  const changed = edits.map((e, k) => (e.op !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return [];
  const out = [`--- ${d.path}`, `+++ ${d.path}`];
  // group changed edits whose context windows touch into hunks
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && (changed[end + 1] as number) - (changed[end] as number) <= 2 * context)
      end++;
    const from = Math.max(0, (changed[start] as number) - context);
    const to = Math.min(edits.length, (changed[end] as number) + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (const e of edits.slice(0, from)) {
      if (e.op !== '+') oldLine++;
      if (e.op !== '-') newLine++;
    }
    const hunk = edits.slice(from, to);
    const oldCount = hunk.filter((e) => e.op !== '+').length;
    const newCount = hunk.filter((e) => e.op !== '-').length;
    const oldStart = oldCount === 0 ? oldLine - 1 : oldLine;
    const newStart = newCount === 0 ? newLine - 1 : newLine;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const e of hunk) out.push(`${e.op}${e.line}`);
    start = end + 1;
  }
  return out;
}
