// cert_quarantine: the host listing (run here with the real openssl) against what the controller computes from files.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CertQuarantineState,
  certQuarantineAction,
  parseCertListing,
} from '../../../scripts/actions/cert-quarantine.js';
import { certSearch } from '../../../scripts/actions/lib/cert-search.js';
import type { ActionContext } from '../../../scripts/actions/types.js';
import { renderCommand } from '../../../scripts/transport/command.js';
import { opensslFingerprint, selfSigned } from '../../helpers/certs.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-certs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An action context whose commands run on this machine. */
const localCtx = {
  run: async (cmd) => {
    try {
      const stdout = execFileSync('sh', ['-c', renderCommand(cmd)], { encoding: 'utf8' });
      return { code: 0, stdout, stderr: '', durationMs: 0, timedOut: false };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return { code: err.status, stdout: err.stdout, stderr: err.stderr, durationMs: 0, timedOut: false };
    }
  },
} as ActionContext;

describe('cert_quarantine', () => {
  const stolen = selfSigned(dir, 'stolen', { days: 1 });
  const other = selfSigned(dir, 'other', { days: 1 });
  const ssl = join(dir, 'ssl');
  mkdirSync(ssl);
  copyFileSync(stolen.cert, join(ssl, 'stolen copy.crt'));
  copyFileSync(other.cert, join(ssl, 'other.crt'));
  writeFileSync(join(ssl, 'notes.crt'), 'not a certificate\n');
  // The same key in a second certificate (a re-issue): it must go too when the key is stolen.
  const reissued = join(ssl, 'reissued.crt');
  execFileSync('openssl', [
    'req',
    '-x509',
    '-key',
    stolen.key,
    '-days',
    '2',
    '-subj',
    '/CN=reissued',
    '-out',
    reissued,
  ]);

  async function planFor(source: { cert?: string; key?: string; fingerprint?: string }) {
    const params = { dir: ssl, quarantine_dir: join(dir, 'q'), ...source };
    const state = (await certQuarantineAction.read(localCtx, params)) as CertQuarantineState;
    return { state, plan: certQuarantineAction.plan(state, params) };
  }

  it('the host listing gives the same fingerprints as openssl and the controller', async () => {
    const { state } = await planFor({ cert: stolen.cert });
    const byFile = Object.fromEntries(state.listing.certs.map((c) => [c.file, c]));
    expect(Object.keys(byFile).sort()).toEqual(['other.crt', 'reissued.crt', 'stolen copy.crt']);
    expect(state.listing.unreadable).toEqual(['notes.crt']);
    expect(byFile['stolen copy.crt']?.fingerprint).toBe(opensslFingerprint(stolen.cert));
    expect(state.search).toMatchObject({ fingerprints: [opensslFingerprint(stolen.cert)] });
    expect(byFile['reissued.crt']?.spki).toBe(byFile['stolen copy.crt']?.spki);
  });

  it('a certificate or its private key matches both certificates with that public key; a fingerprint only its own', async () => {
    const removedBy = async (source: Record<string, string>) => {
      const data = (await planFor(source)).plan.data as { removed: { file: string }[] };
      return data.removed.map((r) => r.file).sort();
    };
    expect(await removedBy({ cert: stolen.cert })).toEqual(['reissued.crt', 'stolen copy.crt']);
    expect(await removedBy({ key: stolen.key })).toEqual(['reissued.crt', 'stolen copy.crt']);
    expect(await removedBy({ fingerprint: opensslFingerprint(reissued).toUpperCase() })).toEqual([
      'reissued.crt',
    ]);
  });

  it('a missing or unreadable file fails with its name; a missing folder is nothing to do', async () => {
    expect((await planFor({ cert: join(dir, 'nope.crt') })).plan.failed).toMatch(
      /cannot read the cert file .*nope\.crt on the controller \(ENOENT\)/,
    );
    expect((await planFor({ key: join(ssl, 'notes.crt') })).plan.failed).toMatch(
      /notes\.crt is not an unencrypted PEM key/,
    );
    expect(await certSearch({})).toEqual({ error: 'give exactly one of fingerprint, cert, key (got none)' });
    const params = { dir: join(dir, 'absent'), quarantine_dir: join(dir, 'q'), cert: stolen.cert };
    const state = await certQuarantineAction.read(localCtx, params);
    expect(certQuarantineAction.plan(state, params).reason).toBe(
      `${join(dir, 'absent')} does not exist: nothing to remove`,
    );
  });

  it('parses listing lines and ignores noise', () => {
    expect(parseCertListing('cert ab cd my file.crt\nunreadable - - x.crt\ngarbage\n')).toEqual({
      certs: [{ file: 'my file.crt', fingerprint: 'ab', spki: 'cd' }],
      unreadable: ['x.crt'],
    });
    expect(parseCertListing('no-openssl\n')).toEqual({ problem: 'no-openssl', certs: [], unreadable: [] });
  });
});
