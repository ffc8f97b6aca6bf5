// The floor plan (docs/ARCHITECTURE.md), checked on the source: every import points down the layers
// core < transport < facts < actions < engine < report < cli, the engine's rooms keep to their own rules,
// nothing imports the lab or the bench, there is no import cycle, and each action lives in the file named after it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actions } from '../../scripts/actions/index.js';

const SCRIPTS = path.resolve('scripts');
const LAYERS = ['core', 'transport', 'facts', 'actions', 'engine', 'report', 'cli'];
/** The engine's rooms and the rooms each may import (files at the engine's root are shared by all). */
const ROOMS: Record<string, string[]> = {
  '': [],
  expressions: [''],
  schema: ['', 'expressions'],
  load: ['', 'expressions', 'schema'],
  'host-state': [''],
  run: ['', 'expressions', 'schema', 'host-state'],
};
const TOOLS = ['lab', 'bench', 'build'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Project files a file imports (relative specifiers, static or dynamic, types included), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '');
  return specifiers.map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'));
}

/** Where a scripts/ file sits: its layer (or tool) and, in the engine, its room. */
function placeOf(file: string): { top: string; room: string } {
  const parts = path.relative(SCRIPTS, file).split(path.sep);
  const top = parts[0] ?? '';
  const room = top === 'engine' && parts.length > 2 ? (parts[1] ?? '') : '';
  return { top, room };
}

const files = sourceFiles(SCRIPTS);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const rel = (file: string) => path.relative(process.cwd(), file);

describe('the floor plan', () => {
  it('every scripts/ folder is a layer or a tool', () => {
    const tops = new Set(files.map((file) => placeOf(file).top));
    expect([...tops].filter((top) => !LAYERS.includes(top) && !TOOLS.includes(top))).toEqual([]);
  });

  it('no import points up a layer, and no product file imports the lab, the bench or the tests', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const from = placeOf(file).top;
      if (TOOLS.includes(from)) continue;
      for (const target of imports) {
        if (!target.startsWith(`${SCRIPTS}${path.sep}`)) {
          wrong.push(`${rel(file)} -> ${rel(target)} (outside scripts/)`);
          continue;
        }
        const to = placeOf(target).top;
        if (TOOLS.includes(to) || LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
          wrong.push(`${rel(file)} -> ${rel(target)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('core imports nothing of the project but core', () => {
    const wrong = [...graph]
      .filter(([file]) => placeOf(file).top === 'core')
      .flatMap(([file, imports]) =>
        imports.filter((t) => placeOf(t).top !== 'core').map((t) => `${rel(file)} -> ${rel(t)}`),
      );
    expect(wrong).toEqual([]);
  });

  it("the engine's rooms import only the rooms they may (the run loop never the loader)", () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const from = placeOf(file);
      if (from.top !== 'engine') continue;
      expect(Object.keys(ROOMS), rel(file)).toContain(from.room);
      for (const target of imports) {
        const to = placeOf(target);
        if (to.top !== 'engine' || to.room === from.room) continue;
        if (!(ROOMS[from.room] ?? []).includes(to.room)) wrong.push(`${rel(file)} -> ${rel(target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('there is no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('each action is defined in scripts/actions/<its name, in kebab case>.ts', () => {
    const misplaced = Object.keys(actions).filter((name) => {
      const file = path.join(SCRIPTS, 'actions', `${name.replaceAll('_', '-')}.ts`);
      return !graph.has(file) || !readFileSync(file, 'utf8').includes(`name: '${name}'`);
    });
    expect(misplaced).toEqual([]);
  });
});
