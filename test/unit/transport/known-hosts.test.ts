// known_hosts parsing and judging, checked against what ssh-keygen itself writes and prints.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  hostKeyAlgorithmsFor,
  judgeHostKey,
  keysForHost,
  keyTypeOf,
  knownHostName,
  recordHostKey,
} from '../../../scripts/transport/known-hosts.js';
import { generateKey } from '../../helpers/test-sshd.js';

const run = promisify(execFile);
let dir: string;
let keyLine: string;
let otherLine: string;
const blob = (line: string) => Buffer.from(line.split(' ')[1], 'base64');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'waptops-kh-'));
  keyLine = await generateKey(path.join(dir, 'a'));
  otherLine = await generateKey(path.join(dir, 'b'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('known_hosts', () => {
  it('prints fingerprints exactly as ssh-keygen -l does', async () => {
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'a.pub')]);
    expect(stdout.split(' ')[1]).toBe(fingerprint(blob(keyLine)));
    expect(keyTypeOf(blob(keyLine))).toBe('ssh-ed25519');
  });

  it('names hosts on other ports in brackets', () => {
    expect(knownHostName('srv', 22)).toBe('srv');
    expect(knownHostName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, listed, wildcard and negated patterns', () => {
    const text = `# comment\nsrv,10.0.0.1 ${keyLine}\n*.lab,!bad.lab ${otherLine}\n[srv]:2222 ${otherLine}\n`;
    expect(keysForHost(text, 'srv').map((k) => k.line)).toEqual([2]);
    expect(keysForHost(text, '10.0.0.1').map((k) => k.line)).toEqual([2]);
    expect(keysForHost(text, 'bad.lab')).toEqual([]);
    expect(keysForHost(text, 'x.lab').map((k) => k.line)).toEqual([3]);
    expect(keysForHost(text, '[srv]:2222').map((k) => k.line)).toEqual([4]);
    expect(keysForHost(text, 'srv2')).toEqual([]);
  });

  it('matches entries hashed by ssh-keygen -H, with and without a port', async () => {
    const file = path.join(dir, 'hashed');
    await writeFile(file, `srv.example ${keyLine}\n[srv.example]:2222 ${otherLine}\n`);
    await run('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('srv.example');
    expect(keysForHost(text, 'srv.example').map((k) => k.key.equals(blob(keyLine)))).toEqual([true]);
    expect(keysForHost(text, '[srv.example]:2222').map((k) => k.key.equals(blob(otherLine)))).toEqual([true]);
    expect(keysForHost(text, 'other')).toEqual([]);
  });

  it('judges known, changed, unknown and revoked keys', () => {
    const known = keysForHost(`srv ${keyLine}\n`, 'srv');
    expect(judgeHostKey(known, blob(keyLine)).kind).toBe('known');
    expect(judgeHostKey(known, blob(otherLine))).toMatchObject({ kind: 'changed', entry: { line: 1 } });
    expect(judgeHostKey([], blob(keyLine))).toEqual({ kind: 'unknown', otherTypes: [] });
    const revoked = keysForHost(`@revoked * ${keyLine}\n`, 'srv');
    expect(judgeHostKey(revoked, blob(keyLine)).kind).toBe('revoked');
    const certAuthority = keysForHost(`@cert-authority * ${keyLine}\n`, 'srv');
    expect(certAuthority).toEqual([]);
  });

  it('offers the algorithms of known key types first', () => {
    expect(hostKeyAlgorithmsFor(['ssh-rsa']).slice(0, 3)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithmsFor([])[0]).toBe('ssh-ed25519');
    expect(hostKeyAlgorithmsFor(['sk-ssh-ed25519@openssh.com'])).not.toContain('sk-ssh-ed25519@openssh.com');
  });

  it('records a key in a form ssh-keygen -F finds', async () => {
    const file = path.join(dir, 'new', 'known_hosts');
    await recordHostKey(file, '[127.0.0.1]:2200', blob(keyLine));
    const { stdout } = await run('ssh-keygen', ['-F', '[127.0.0.1]:2200', '-f', file]);
    expect(stdout).toContain(keyLine);
  });
});
