// Hostile YAML files through the real CLI: each is refused with exit 1 and one line at file:line:col, within
// the documented limits (scripts/engine/schema/yaml-limits.ts), and never as an internal error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_YAML_BYTES, MAX_YAML_DEPTH } from '../../../scripts/engine/schema/yaml-limits.js';
import { runCli } from '../../helpers/cli-process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'waptops-hostile-yaml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GOOD =
  'name: hostile\ndescription: a playbook\nhosts: all\nsteps:\n  - name: noop\n    action: command\n    with: { argv: [true] }\n';

/** An alias bomb: each level refers nine times to the one above. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const cases: [string, () => string | Buffer, RegExp][] = [
  [
    'an alias bomb',
    () => `${aliasBomb()}${GOOD}`,
    /:2:\d+ aliases expand to more than 100 copies \(an alias bomb\?\)/,
  ],
  [
    'nesting deeper than the limit',
    () => `${GOOD}vars:\n  deep: ${'['.repeat(MAX_YAML_DEPTH + 2)}${']'.repeat(MAX_YAML_DEPTH + 2)}\n`,
    new RegExp(`:9:\\d+ nested more than ${MAX_YAML_DEPTH} levels deep`),
  ],
  [
    'a file over the size limit',
    () => `${GOOD}# ${'x'.repeat(MAX_YAML_BYTES)}\n`,
    /:1:1 the playbook is 1\.0 MiB|:1:1 the playbook is .* more than the 1(\.0)? MiB limit/,
  ],
  [
    'bytes that are not UTF-8',
    () => Buffer.concat([Buffer.from(`${GOOD}vars:\n  x: "caf`), Buffer.from([0xe9]), Buffer.from('"\n')]),
    /:9:10 the playbook is not UTF-8/,
  ],
  ['a UTF-8 byte order mark', () => `\uFEFF${GOOD}`, /:1:1 the file starts with a byte order mark/],
  [
    'UTF-16',
    () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]),
    /:1:1 the playbook is UTF-16/,
  ],
  ['a NUL character', () => `${GOOD}vars:\n  x: "a\0b"\n`, /:9:8 the file holds a NUL character/],
];

/** A TCP listener standing for the inventory's host: it counts every connection made to it. */
let host: Server;
let contacted = 0;
let inventory: string;

beforeAll(async () => {
  host = createServer((socket) => {
    contacted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const { port } = host.address() as AddressInfo;
  inventory = file('inv.yml', `hosts:\n  h1: { address: 127.0.0.1, port: ${port}, connect_timeout: 2 }\n`);
});

afterAll(() => host.close());

describe('hostile YAML files', () => {
  it.each(cases)(
    '%s: validate and run --check exit 1 with one line at file:line:col, no host contacted',
    async (name, content, line) => {
      const playbook = file(`${name.replace(/\W+/g, '-')}.yml`, content());
      for (const args of [
        ['validate', playbook],
        ['run', playbook, '--check', '-i', inventory],
      ]) {
        const r = await runCli(args, {}, { privateRunLock: true });
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(playbook);
        expect(r.stderr).toMatch(line);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      }
      expect(contacted).toBe(0);
    },
  );

  it('an inventory with an alias bomb is refused the same way', async () => {
    const inventory = file('bomb-inventory.yml', `${aliasBomb()}hosts:\n  h1: { connection: local }\n`);
    const r = await runCli(
      ['run', file('good.yml', GOOD), '--check', '-i', inventory],
      {},
      { privateRunLock: true },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${inventory}:2:\\d+ aliases expand`));
  });
});
