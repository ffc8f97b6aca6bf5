// LocalTransport on this machine: the same core behaviour as the SSH transport.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '../../../scripts/core/errors.js';
import { Secret } from '../../../scripts/core/secret.js';
import { becomeShell } from '../../../scripts/transport/become.js';
import { argv, raw, withStdin } from '../../../scripts/transport/command.js';
import { LocalTransport } from '../../../scripts/transport/local.js';

const t = new LocalTransport();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'waptops-local-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalTransport.run', () => {
  it('separates stdout, stderr and the exit code', async () => {
    expect(await t.run(raw('echo out; echo err >&2; exit 3'))).toMatchObject({
      code: 3,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
    });
  });

  it('passes arguments with quotes, newlines and $() through literally', async () => {
    const tricky = `it's "quoted" $(id) \`id\` $HOME; exit 7\nsecond line\\n`;
    expect(await t.run(argv('printf', '%s', tricky))).toMatchObject({ code: 0, stdout: tricky });
  });

  it('feeds stdin bytes (binary, secrets) and gives an empty stdin otherwise', async () => {
    const bytes = randomBytes(100_000);
    const r = await t.run(withStdin(argv('sha256sum'), bytes));
    expect(r.stdout.split(' ')[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await t.run(withStdin(argv('cat'), new Secret('hidden')))).stdout).toBe('hidden');
    expect((await t.run(raw('cat; echo end'))).stdout).toBe('end\n');
  });

  it('times a command out, ending what it started', async () => {
    const r = await t.run(raw('echo started; sleep 30 & wait'), { timeoutMs: 500 });
    expect(r).toMatchObject({ timedOut: true, code: 124, stdout: 'started\n' });
  });

  it('streams output live', async () => {
    const chunks: string[] = [];
    const r = await t.run(raw('echo a; sleep 0.2; echo b'), { onOutput: (_s, c) => chunks.push(c) });
    expect(chunks.join('')).toBe(r.stdout);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('becomes root and another user through sudo', async () => {
    expect((await t.run(raw('id -u'), { shell: becomeShell(true) })).stdout).toBe('0\n');
    expect((await t.run(raw('id -un'), { shell: becomeShell('nobody') })).stdout).toBe('nobody\n');
  });

  it('reports a missing shell program as ConnectError', async () => {
    await expect(t.run(raw('true'), { shell: ['/nonexistent/sudo'] })).rejects.toBeInstanceOf(ConnectError);
  });
});

describe('LocalTransport files', () => {
  it('puts bytes and files with a mode and progress, resumes, and gets them back', async () => {
    const bytes = randomBytes(600_000);
    const target = path.join(dir, 'blob');
    const progress: number[] = [];
    await t.put(bytes, target, { mode: 0o600, onProgress: (d) => progress.push(d) });
    expect((await t.get(target)).equals(bytes)).toBe(true);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(progress.at(-1)).toBe(600_000);
    await writeFile(target, bytes.subarray(0, 250_000));
    const resumed: number[] = [];
    const source = path.join(dir, 'source');
    await writeFile(source, bytes);
    await t.put(source, target, { resume: true, onProgress: (d) => resumed.push(d) });
    expect(resumed[0]).toBe(250_000);
    expect((await readFile(target)).equals(bytes)).toBe(true);
  });

  it('fails a read of a missing file with the path', async () => {
    await expect(t.get(path.join(dir, 'missing'))).rejects.toThrow(/missing/);
  });
});

describe('LocalTransport.hold', () => {
  it('gives the first line and ends the process on release', async () => {
    const held = await t.hold(raw('echo "ready $$"; cat >/dev/null'));
    const [word, pid] = (await held.firstLine).split(' ');
    expect(word).toBe('ready');
    expect((await t.run(argv('kill', '-0', pid))).code).toBe(0);
    await held.release();
    expect(await held.exited).toBe(0);
    expect((await t.run(argv('kill', '-0', pid))).code).not.toBe(0);
  });
});
