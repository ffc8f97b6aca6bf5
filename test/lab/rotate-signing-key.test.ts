// Lab: rotate-signing-key on deb1 and rhel1, against the stand-ins of WAPT 1.8.2's wapt-signpackages and
// wapt-scanpackages (wapt-signpackages.py:55-176, waptpackage.py:1430-1468 canonical names, :3201-3339 Packages;
// the /usr/bin wrappers run them as user wapt through sudo). The guide's order: the agents first
// (deploy-signing-cert), then the re-signing; the key readable by user wapt only while it is needed.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { resetLab } from '../../scripts/lab/reset.js';
import { expectNoKeyIn } from '../helpers/certs.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';
import { repoOf } from '../helpers/lab/repository.js';

const HOSTS = ['deb1', 'rhel1'];
const SSL = '/opt/wapt/ssl';
const KEY_DIR = '/dev/shm/waptops-signing';
const CERT_NAME = 'waptops-test-new.crt';
const PAIR = 'the new key matches the new certificate (read on the controller)';
const GATE = "the agents trust the new certificate first (the guide's order)";
const SIGN = 're-sign the packages with wapt-signpackages --if-needed (no -i, versions kept)';
const LEFTOVER = 'remove a signing key left by an interrupted run';
const RESCAN_AFTER_FAILURE = 'rebuild Packages (some packages may have been re-signed)';
const BOM_PACKAGE = 'lab-bom-control_1.0-1_all.wapt';
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The lab's signing pairs (made in the base image, the same on both hosts), copied to the controller. */
async function labKeys(): Promise<{ cert: string; key: string; oldKey: string }> {
  const local = {
    cert: path.join(tmp, CERT_NAME),
    key: path.join(tmp, 'new.pem'),
    oldKey: path.join(tmp, 'old.pem'),
  };
  writeFileSync(local.cert, await runInHost('deb1', 'cat /opt/wapt/lab/keys/new.crt'));
  writeFileSync(local.key, await runInHost('deb1', 'cat /opt/wapt/lab/keys/new.pem'), { mode: 0o600 });
  writeFileSync(local.oldKey, await runInHost('deb1', 'cat /opt/wapt/lab/keys/old.pem'), { mode: 0o600 });
  return local;
}

/** Per package of wapt/ and wapt-host/: file name, version, owner, group, mode, ACL, and its signer's SHA-256. */
async function packages(host: string): Promise<string[]> {
  const out = await runInHost(
    host,
    `for f in ${repoOf(host)}/*.wapt ${repoOf(host)}-host/*.wapt; do
       v=$(unzip -p "$f" WAPT/control | sed -n 's/^version *: *//p' | head -n 1)
       s=$(unzip -p "$f" WAPT/certificate.crt | openssl x509 -outform DER | sha256sum | cut -c1-64)
       printf '%s %s %s %s\\n' "$f" "$v" "$(stat -c '%U:%G:%a' "$f")" "$(getfacl -cp "$f" 2>/dev/null | grep -c '^user:[a-z]')" ; echo "$s"
     done | paste -d ' ' - -`,
  );
  return out.split('\n').filter(Boolean);
}

/** Everything but the signatures: what must never change (names, versions, owners, modes, ACLs). */
function identities(list: string[]): string[] {
  return list.map((line) => line.split(' ').slice(0, 4).join(' '));
}

/** What a refused or --check run must leave as it is: the packages, Packages, the trusted certificates, /dev/shm. */
async function hostState(host: string): Promise<string> {
  const rest = await runInHost(
    host,
    `sha256sum ${repoOf(host)}/Packages; cd ${SSL} && sha256sum -- *; ls -lA /dev/shm | tail -n +2`,
  );
  return (await packages(host)).join('\n') + rest;
}

function rotate(params: Record<string, string>, check = false): Promise<LabRun> {
  return runOnLab(tmp, 'rotate-signing-key', { limit: HOSTS.join(','), check, params });
}

/** SHA-256 of the DER form of a PEM certificate on the controller's lab host (WAPT's fingerprint). */
async function fingerprintOf(host: string, file: string): Promise<string> {
  return (await runInHost(host, `openssl x509 -in ${file} -outform DER | sha256sum | cut -c1-64`)).trim();
}

describe('rotate-signing-key on real servers', () => {
  it('refuses a wrong key, and re-signing before the agents trust the new certificate; --check changes nothing', async () => {
    const keys = await labKeys();
    const before = await Promise.all(HOSTS.map(hostState));

    const wrong = await rotate({ cert: keys.cert, key: keys.oldKey, agents_ready: 'true' });
    expect(wrong.code).toBe(2);
    for (const host of HOSTS)
      expect(stepNamed(wrong, host, PAIR).message).toMatch(/does not match the certificate/);

    const early = await rotate({ cert: keys.cert, key: keys.key });
    expect(early.code).toBe(2);
    for (const host of HOSTS)
      expect(stepNamed(early, host, GATE).message).toMatch(/make deploy-signing-cert/);

    const check = await rotate({ cert: keys.cert, key: keys.key, agents_ready: 'true' }, true);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const host of HOSTS) expect(stepNamed(check, host, SIGN).status).toBe('changed');
    expect(await Promise.all(HOSTS.map(hostState))).toEqual(before);
  });

  it('the agents first, then every package of wapt/ and wapt-host/ re-signed with its version and file name kept, the key readable by wapt alone and gone after; a re-run changes nothing', async () => {
    const keys = await labKeys();
    const deploy = await runOnLab(tmp, 'deploy-signing-cert', {
      limit: HOSTS.join(','),
      params: { cert: keys.cert },
    });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    for (const host of HOSTS)
      expect(await runInHost(host, `ls ${SSL}`)).toBe(`wapt-lab-old.crt\n${CERT_NAME}\n`);
    const deployAgain = await runOnLab(tmp, 'deploy-signing-cert', {
      limit: HOSTS.join(','),
      params: { cert: keys.cert },
    });
    for (const host of HOSTS) expect(deployAgain.report.hosts[host]?.recap?.changed).toBe(0);

    const original = await Promise.all(HOSTS.map(packages));
    for (const host of HOSTS) {
      // A leftover of a cut run, and a wrapper that records how the key looks to the tool while it runs.
      await runInHost(
        host,
        `mkdir -p ${KEY_DIR} && echo leftover > ${KEY_DIR}/key.pem && cp /usr/bin/wapt-signpackages /root/real-signpackages && cat > /usr/bin/wapt-signpackages <<'EOF'
#!/bin/bash
stat -c '%U:%G:%a %n' ${KEY_DIR} ${KEY_DIR}/key.pem >> /root/key-seen
sudo -u nobody cat ${KEY_DIR}/key.pem >> /root/key-seen 2>&1 && echo 'nobody read the key' >> /root/key-seen
exec /root/real-signpackages "$@"
EOF`,
      );
    }
    const run = await rotate({ cert: keys.cert, key: keys.key, agents_ready: 'true' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const newFp = await fingerprintOf('deb1', '/opt/wapt/lab/keys/new.crt');
    for (const [i, host] of HOSTS.entries()) {
      expect(stepNamed(run, host, LEFTOVER).status).toBe('ok');
      expect(stepNamed(run, host, SIGN).status).toBe('changed');
      const now = await packages(host);
      // The harmful case of -i: every package keeps its version and file name (and owner, mode, ACL).
      expect(identities(now)).toEqual(identities(original[i] as string[]));
      for (const line of now) {
        if (line.includes(BOM_PACKAGE)) expect(line.endsWith(newFp)).toBe(false);
        else expect(line.endsWith(newFp), line).toBe(true);
      }
      expect(run.stdout).toContain(`left alone: ${repoOf(host)}/${BOM_PACKAGE}`);
      // The key was readable by user wapt only: a private directory root:wapt 750, the file owned by wapt, 400.
      const seen = await runInHost(
        host,
        'cat /root/key-seen; mv /root/real-signpackages /usr/bin/wapt-signpackages',
      );
      expect(seen).toMatch(new RegExp(`^root:wapt:750 ${KEY_DIR}\nwapt:root:400 ${KEY_DIR}/key.pem\n`));
      expect(seen).toContain('Permission denied');
      expect(seen).not.toContain('nobody read the key');
      expect(await runInHost(host, 'ls -A /dev/shm')).toBe('');
      // Packages lists every package with its new md5sum (host packages are never listed: waptpackage.py:3290).
      const listed = await runInHost(
        host,
        `cd ${repoOf(host)} && for f in *.wapt; do m=$(md5sum < "$f" | cut -c1-32); unzip -p Packages Packages | grep -q "^md5sum *: $m" && echo "$f"; done`,
      );
      expect(listed.split('\n').filter(Boolean)).toEqual([
        'lab-audit-register_2.1-0_all.wapt',
        'lab-browser_120.0-1_all.wapt',
        'lab-office_16.0-3_all.wapt',
        'lab-tools_1.0-1_all.wapt',
      ]);
    }
    expectNoKeyIn(run.stdout + run.stderr + JSON.stringify(run.report), keys.key);

    const settled = await Promise.all(HOSTS.map(hostState));
    const again = await rotate({ cert: keys.cert, key: keys.key, agents_ready: 'true' });
    expect(again.code).toBe(0);
    for (const host of HOSTS) {
      expect(again.report.hosts[host]?.recap?.changed).toBe(0);
      expect(stepNamed(again, host, SIGN).status).toBe('skipped');
    }
    expect(await Promise.all(HOSTS.map(hostState))).toEqual(settled);
  });

  it('a package the tool cannot write fails the run: the key is removed and Packages lists what was re-signed', async () => {
    await resetLab();
    const keys = await labKeys();
    for (const host of HOSTS)
      await runInHost(
        host,
        `chown root ${repoOf(host)}/lab-office_16.0-3_all.wapt; chmod 644 ${repoOf(host)}/lab-office_16.0-3_all.wapt`,
      );
    const failed = await rotate({ cert: keys.cert, key: keys.key, agents_ready: 'true' });
    expect(failed.code).toBe(2);
    for (const host of HOSTS) {
      expect(stepNamed(failed, host, SIGN).status).toBe('failed');
      expect(stepNamed(failed, host, SIGN).message).toMatch(
        /lab-office_16\.0-3_all\.wapt.*Permission denied/s,
      );
      expect(stepNamed(failed, host, RESCAN_AFTER_FAILURE, true).status).toBe('changed');
      expect(await runInHost(host, 'ls -A /dev/shm')).toBe('');
      const tools = `${repoOf(host)}/lab-tools_1.0-1_all.wapt`;
      const sum = (await runInHost(host, `md5sum < ${tools} | cut -c1-32`)).trim();
      expect(await runInHost(host, `unzip -p ${repoOf(host)}/Packages Packages`)).toMatch(
        new RegExp(`md5sum *: ${sum}`),
      );
    }
  });
});
