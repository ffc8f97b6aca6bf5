// Golden fact fixtures: each test/fixtures/facts/<fact>/<case>.txt is parsed and compared with <case>.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factsByName } from '../../../scripts/facts/index.js';
import { fileSha256Fact, pathFact } from '../../../scripts/facts/path.js';
import { serviceFact } from '../../../scripts/facts/systemd.js';
import type { Fact } from '../../../scripts/facts/types.js';
import type { RunResult } from '../../../scripts/transport/types.js';

const root = join(import.meta.dirname, '../../fixtures/facts');

// Fixture directory -> fact; parameterised facts get a fixed argument that the expected values repeat.
const factsByDirectory: Record<string, Fact<unknown>> = {
  ...factsByName,
  service: serviceFact('nginx'),
  path: pathFact('/x'),
  sha256: fileSha256Fact('/x'),
};

// A case is <case>.txt (stdout) plus <case>.json (expected value) or <case>.error (expected message part);
// an optional <case>.result.json sets the exit code and stderr (default 0 and empty).
function cases(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -'.txt'.length));
}

function resultOf(dir: string, name: string): RunResult {
  const base = join(root, dir, name);
  const extra = existsSync(`${base}.result.json`)
    ? JSON.parse(readFileSync(`${base}.result.json`, 'utf8'))
    : {};
  return {
    code: 0,
    stderr: '',
    durationMs: 1,
    timedOut: false,
    ...extra,
    stdout: readFileSync(`${base}.txt`, 'utf8'),
  };
}

describe('fact fixtures', () => {
  it('every fixture directory names a known fact', () => {
    expect(readdirSync(root).filter((d) => !(d in factsByDirectory))).toEqual([]);
  });

  for (const dir of readdirSync(root)) {
    describe(dir, () => {
      for (const name of cases(dir)) {
        it(name, () => {
          const fact = factsByDirectory[dir] as Fact<unknown>;
          const base = join(root, dir, name);
          if (existsSync(`${base}.error`)) {
            const message = readFileSync(`${base}.error`, 'utf8').trim();
            expect(() => fact.parse(resultOf(dir, name))).toThrow(message);
          } else {
            const expected = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
            expect(fact.parse(resultOf(dir, name))).toEqual(expected);
          }
        });
      }
    });
  }
});
