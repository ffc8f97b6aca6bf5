// cert_quarantine: the host listing (run here with the real openssl) against what the controller computes from files.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CertQuarantineState, certQuarantineAction } from '../../../scripts/actions/cert-quarantine.js';
import { fileVerdict } from '../../../scripts/actions/lib/cert-matches.js';
import { certSearch } from '../../../scripts/actions/lib/cert-search.js';
import type { ActionContext } from '../../../scripts/actions/types.js';
import { renderCommand } from '../../../scripts/transport/command.js';
import { opensslFingerprint, selfSigned } from '../../helpers/certs.js';
import { recordingContext } from '../../helpers/local-context.js';

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
    const params = {
      agent_ini: join(dir, 'no-ini'),
      default_certs_dir: ssl,
      quarantine_dir: join(dir, 'q'),
      ...source,
    };
    const state = (await certQuarantineAction.read(localCtx, params)) as CertQuarantineState;
    return { state, plan: certQuarantineAction.plan(state, params) };
  }

  it('reads every *.crt of the folder with the same fingerprints as openssl and the controller', async () => {
    const { state } = await planFor({ cert: stolen.cert });
    const files = state.listing.files.map((f) => f.path.slice(ssl.length + 1)).sort();
    expect(files).toEqual(['notes.crt', 'other.crt', 'reissued.crt', 'stolen copy.crt']);
    const stolenFile = state.listing.files.find((f) => f.path.endsWith('stolen copy.crt'));
    const verdict = fileVerdict('x', Buffer.from(stolenFile?.hex ?? '', 'hex'), state.search as never);
    expect(verdict).toMatchObject({
      action: 'quarantine',
      certs: [{ fingerprint: opensslFingerprint(stolen.cert) }],
    });
    expect(state.search).toMatchObject({ fingerprints: [opensslFingerprint(stolen.cert)] });
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
    const params = {
      agent_ini: join(dir, 'no-ini'),
      default_certs_dir: join(dir, 'absent'),
      quarantine_dir: join(dir, 'q'),
      cert: stolen.cert,
    };
    const state = await certQuarantineAction.read(localCtx, params);
    expect(certQuarantineAction.plan(state, params).reason).toBe(
      `${join(dir, 'absent')} does not exist: nothing to remove`,
    );
  });

  it('a bundle (.pem) holding the stolen certificate second is rewritten without it, same mode, original kept; a re-run changes nothing (waptcrypto.py:268)', async () => {
    const bundleDir = join(dir, 'bundle-ssl');
    mkdirSync(bundleDir);
    const bundle = join(bundleDir, 'bundle.pem');
    const otherPem = readFileSync(other.cert, 'utf8');
    writeFileSync(bundle, `# agents bundle\n${otherPem}${readFileSync(stolen.cert, 'utf8')}`, {
      mode: 0o640,
    });
    const ini = join(dir, 'wapt-get.ini');
    writeFileSync(ini, `[global]\npublic_certs_dir = ${bundleDir}\n`);
    const params = {
      agent_ini: ini,
      default_certs_dir: ssl,
      quarantine_dir: join(dir, 'qb'),
      cert: stolen.cert,
    };
    const state = await certQuarantineAction.read(localCtx, params);
    const plan = certQuarantineAction.plan(state, params);
    expect(plan.changes.map((c) => c.summary)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^rewrite ${bundle} without certificate #2 \\(CN=stolen, sha256 [0-9a-f]{16}…, same fingerprint\\), keeping its 1 other\\(s\\); the original goes to ${dir}/qb/\\d+T\\d+Z/bundle.pem$`,
        ),
      ),
    ]);
    // Through the product's local transport: the new content goes on the command's stdin.
    const apply = recordingContext();
    for (const c of plan.changes[0]?.commands ?? []) expect((await apply.run(c)).code).toBe(0);
    expect(readFileSync(bundle, 'utf8')).toBe(`# agents bundle\n${otherPem}`);
    expect(statSync(bundle).mode & 0o777).toBe(0o640);
    const quarantined = (plan.data as { quarantine: string }).quarantine;
    expect(readFileSync(join(quarantined, 'bundle.pem'), 'utf8')).toContain(
      readFileSync(stolen.cert, 'utf8'),
    );
    const again = certQuarantineAction.plan(await certQuarantineAction.read(localCtx, params), params);
    expect(again.changes).toEqual([]);
    expect(again.reason).toBe(`no certificate in ${bundleDir} matches (1 checked)`);
  });
});
