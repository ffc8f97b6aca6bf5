// Property tests (fast-check) over what people and files feed waptops: mutated shipped playbooks and inventories
// (waptops' own and Ansible's), mutated ssh configs,
// generated YAML and hostile bytes, and -e values. Whatever the input, loading either succeeds or refuses it
// with a ValidationError whose every problem sits at file:line:col (or names the file), in well under a
// second, never with another error. From a fixed seed in CI; WAPTOPS_FUZZ_SEED=n picks another, and
// WAPTOPS_FUZZ_RUNS=n how many inputs each property tries.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the hostile inputs include `${{ }}` expressions
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../scripts/core/errors.js';
import { loadInventory } from '../../../../scripts/engine/load/load-inventory.js';
import { loadPlaybook } from '../../../../scripts/engine/load/load-playbook.js';
import { resolveParams } from '../../../../scripts/engine/load/params.js';
import { readSshConfig } from '../../../../scripts/transport/ssh-config-file.js';
import { sshHostSettings } from '../../../../scripts/transport/ssh-config-host.js';

const SEED = Number(process.env.WAPTOPS_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.WAPTOPS_FUZZ_RUNS ?? 700);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'waptops-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PLAYBOOKS = readdirSync('playbooks')
  .filter((f) => f.endsWith('.yml') && f !== 'os-vars.yml')
  .map((f) => readFileSync(path.join('playbooks', f)));
const INVENTORY = Buffer.from(
  'defaults: { user: root, port: 22 }\nhosts:\n  srv1: { address: 192.0.2.10, vars: { fqdn: srv1.example.lan } }\n  srv2: { address: 192.0.2.11 }\ngroups:\n  wapt_servers: { hosts: [srv1, srv2] }\n  web: { children: [wapt_servers], vars: { x: 1 } }\n',
);

// Without their group_vars/: the copies live in a scratch directory.
const ANSIBLE_INI = readFileSync('test/fixtures/inventory/ansible/ini/hosts.ini');
const ANSIBLE_YAML = readFileSync('test/fixtures/inventory/ansible/yaml/hosts.yml');
const SSH_CONFIG = Buffer.from(
  'User ops\nHost srv* !srvx\n  HostName %h.example.lan\n  Port 2222\n  IdentityFile ~/.ssh/%h_%r\n  ProxyJump gw,ops@gw2:22\nMatch host *.lan user ops\n  ConnectTimeout 5\nHost *\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile ~/.ssh/known_%n\n',
);

/** Text that is hostile to YAML, expressions or encodings, to splice into a file. */
const hostileText = fc.oneof(
  fc.constantFrom(
    '${{ __proto__ }}',
    '${{ constructor.constructor }}',
    '${{ 9 ** 9 ** 9 ** 9 }}',
    '${{ 1e308 * 1e308 }}',
    '${{ params. }}',
    '${{',
    '}}',
    '&a [*a]',
    '*undefined_alias',
    '<<: *nope',
    '!!python/object:os.system',
    '!!binary AAAA',
    '? [a, b]\n: c',
    '\uFEFF',
    '\0',
    '\r\n\r',
    '\t\t',
    '- - - - -',
    '{{{{',
    ']]]',
    '"unterminated',
    "'",
    '|',
    '>-',
    '%YAML 1.1\n---',
    '---\n---',
    '...',
    `x: ${'['.repeat(80)}`,
    `k: ${'a'.repeat(70_000)}`,
    'key: 1\nkey: 2',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Raw bytes that are not valid in a UTF-8 text file. */
const hostileBytes = fc.oneof(
  fc.constantFrom(
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0xfe, 0xff]),
    Buffer.from([0xc3]),
    Buffer.from([0xed, 0xa0, 0x80]),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((a) => Buffer.from(a)),
);

/** One way to damage a file: splice text or bytes somewhere, cut it, drop a line, repeat a line, re-encode it. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: hostileText }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), bytes: hostileBytes }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeatLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('utf16' as const) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Buffer, m: Mutation): Buffer {
  const at = 'at' in m ? m.at % (input.length + 1) : 0;
  const lines = input.toString('latin1').split('\n');
  const line = 'at' in m ? m.at % lines.length : 0;
  switch (m.kind) {
    case 'splice':
      return Buffer.concat([input.subarray(0, at), Buffer.from(m.text), input.subarray(at)]);
    case 'bytes':
      return Buffer.concat([input.subarray(0, at), m.bytes, input.subarray(at)]);
    case 'truncate':
      return input.subarray(0, at);
    case 'dropLine':
      return Buffer.from(lines.filter((_, i) => i !== line).join('\n'), 'latin1');
    case 'repeatLine':
      return Buffer.from([...lines.slice(0, line + 1), ...lines.slice(line)].join('\n'), 'latin1');
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(input.toString('utf8'), 'utf16le')]);
  }
}

let fileCount = 0;

/** Loads bytes as a file with `load`; fails the property unless it loads or is refused at file:line:col, fast. */
function expectLoadsOrRefuses(bytes: Buffer, load: (file: string) => unknown, ext = '.yml'): void {
  const file = path.join(tmp, `input-${++fileCount}${ext}`);
  writeFileSync(file, bytes);
  const started = performance.now();
  try {
    load(file);
  } catch (e) {
    if (!(e instanceof ValidationError))
      throw new Error(`not a ValidationError: ${String((e as Error)?.stack ?? e)}`);
    for (const p of e.problems) {
      if (p.pos) expect(p.pos.file).toBe(file);
      else expect(p.path).toBe(file);
    }
    for (const line of e.message.split('\n')) expect(line.startsWith(file), e.message).toBe(true);
  } finally {
    expect(performance.now() - started).toBeLessThan(1000);
    rmSync(file, { force: true });
  }
}

const options = (runs: number) => ({ seed: SEED, numRuns: runs, endOnFailure: true });

/** RUNS files made from a base with up to four mutations each: every one loads or is refused as it should. */
function assertMutated(bases: fc.Arbitrary<Buffer>, load: (file: string) => unknown, ext = '.yml'): void {
  fc.assert(
    fc.property(bases, fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, ms) =>
      expectLoadsOrRefuses(
        ms.reduce<Buffer>((b, m) => mutate(b, m), base),
        load,
        ext,
      ),
    ),
    options(RUNS),
  );
}

describe(`fuzzing inputs (seed ${SEED}; WAPTOPS_FUZZ_SEED to change)`, () => {
  it('a shipped playbook with up to four mutations loads or is refused at file:line:col', () => {
    assertMutated(fc.constantFrom(...PLAYBOOKS), (f) => loadPlaybook(f));
  }, 120_000);

  it('an inventory with up to four mutations loads or is refused at file:line:col', () => {
    assertMutated(fc.constant(INVENTORY), (f) => loadInventory(f));
  }, 120_000);

  it('an Ansible INI or YAML inventory with up to four mutations loads or is refused at file:line:col', () => {
    assertMutated(fc.constant(ANSIBLE_INI), (f) => loadInventory(f), '.ini');
    assertMutated(fc.constant(ANSIBLE_YAML), (f) => loadInventory(f));
  }, 120_000);

  it('an ssh config with up to four mutations is applied or refused at file:line', () => {
    assertMutated(
      fc.constant(SSH_CONFIG),
      (f) => sshHostSettings(readSshConfig(f), { name: 'srvwapt', hostName: 'srvwapt.example.lan' }),
      '.conf',
    );
  }, 120_000);

  it('generated YAML data of any shape (wrong types, deep nesting, unknown keys) as a playbook or an inventory', () => {
    const yamlValue = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 20 }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    const topKeys = fc.constantFrom(
      'name',
      'description',
      'hosts',
      'steps',
      'params',
      'vars',
      'become',
      'rescue',
      'groups',
      'defaults',
      'x-extra',
    );
    const doc = fc.dictionary(topKeys, yamlValue, { maxKeys: 6 });
    fc.assert(
      fc.property(doc, fc.boolean(), (data, asInventory) =>
        expectLoadsOrRefuses(Buffer.from(JSON.stringify(data)), (f) =>
          asInventory ? loadInventory(f) : loadPlaybook(f),
        ),
      ),
      options(Math.ceil(RUNS / 2)),
    );
  }, 120_000);

  it('-e values of any text are accepted or refused as a problem of their param, never thrown otherwise', async () => {
    const playbook = loadPlaybook('playbooks/rotate-signing-key.yml');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(playbook.params), 'unknown_param', '__proto__', 'constructor'),
        fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 200 })),
        async (name, value) => {
          try {
            await resolveParams(playbook, { extra: { [name]: value }, secretFiles: {}, env: {} });
          } catch (e) {
            if (!(e instanceof ValidationError)) throw e;
            expect(e.problems.length).toBeGreaterThan(0);
          }
        },
      ),
      options(Math.ceil(RUNS / 2)),
    );
  }, 120_000);
});
