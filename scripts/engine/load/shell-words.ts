// Splits a line into words as a POSIX shell would (quotes, backslashes), as Ansible reads INI host lines and ssh args.

/** The words of `line`; with `comments`, a word starting with `#` ends the line. Undefined when a quote is left open. */
export function shellWords(line: string, comments = false): string[] | undefined {
  return shellWordsAt(line, comments)?.map((w) => w.word);
}

/** The words of `line` with the index where each starts. */
export function shellWordsAt(line: string, comments = false): { word: string; at: number }[] | undefined {
  const out: { word: string; at: number }[] = [];
  let word: string | undefined;
  let at = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) word += line[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) out.push({ word, at });
      word = undefined;
    } else {
      if (word === undefined) {
        if (comments && c === '#') break;
        word = '';
        at = i;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\') word += line[++i] ?? '';
      else word += c;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) out.push({ word, at });
  return out;
}
