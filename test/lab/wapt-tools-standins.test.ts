// Conformance of the lab's stand-ins for WAPT 1.8.2's repository tools with that source (tranquilit/WAPT,
// branch-1.8.2): the /usr/bin wrappers (repository root files `wapt-signpackages`, `wapt-scanpackages`),
// wapt-signpackages.py and wapt-scanpackages.py, and the waptpackage.py code they call. The runbooks are
// proven against these, so each behaviour a runbook relies on is checked here, on deb1.
import { describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';

const REPO = '$S';
const TOOLS = 'lab-tools_1.0-1_all.wapt';
const KEYS = '/opt/wapt/lab/keys';

let scratch = 0;

/**
 * A shell run on deb1 in a repository of its own ($S: a copy of the lab's, owned as WAPT owns it, indexed), so
 * no test sees another's changes; its output (that folder shown as $S) and exit code (runInHost throws on a non-zero exit).
 */
async function sh(script: string): Promise<{ out: string; rc: number }> {
  const dir = `/var/www/standin-${++scratch}`;
  const fresh = `S=${dir}; rm -rf $S && mkdir $S && cp -a /var/www/wapt/*.wapt $S/ && chown wapt:www-data $S && chmod 750 $S && wapt-scanpackages $S 2>/dev/null`;
  const out = await runInHost('deb1', `${fresh} || exit 99\n{ ${script}\n} 2>&1; echo "rc=$?"`);
  const match = /rc=(\d+)\n$/.exec(out);
  return { out: out.replace(/rc=\d+\n$/, '').replaceAll(dir, '$S'), rc: Number(match?.[1]) };
}

/** The new key in a directory user wapt can read (the tools run as wapt), as a runbook must stage it. */
const STAGE = `d=$(mktemp -d /dev/shm/k.XXXXXX) && cp ${KEYS}/new.pem $d/key.pem && chown wapt $d/key.pem && chmod 400 $d/key.pem && chgrp wapt $d && chmod 750 $d`;

describe('the /usr/bin wrappers (wapt-signpackages, wapt-scanpackages at the repository root)', () => {
  it('run the tools as user wapt through sudo: as user wapt they are refused by sudo', async () => {
    const r = await sh(`runuser -u wapt -- wapt-scanpackages ${REPO}`);
    expect(r.rc).not.toBe(0);
    expect(r.out).toMatch(/wapt is not in the sudoers file/);
    expect(await runInHost('deb1', 'cat /usr/bin/wapt-scanpackages')).toMatch(/^sudo -u wapt .* \$@$/m);
  });

  it('pass $@ unquoted: a path with a space is split (wapt-scanpackages.py:87-94 exit 1)', async () => {
    const r = await sh(
      `mkdir -p '/var/www/my repo' && cp $S/${TOOLS} '/var/www/my repo/' && wapt-scanpackages '/var/www/my repo'`,
    );
    expect(r.rc).toBe(1);
    expect(r.out).toMatch(/ERROR Directory does not exist: \/var\/www\/my\n/);
  });

  it('read the key as user wapt: a root-only key fails the package (wapt-signpackages.py:169-171, :183-188)', async () => {
    const r = await sh(`wapt-signpackages -c ${KEYS}/new.crt -k ${KEYS}/new.pem ${REPO}/${TOOLS}`);
    expect(r.rc).toBe(1);
    expect(r.out).toMatch(/^Processing \$S\/lab-tools_1\.0-1_all\.wapt\nError: .*Permission denied/m);
    expect(r.out).toMatch(/^Package not processed properly: $/m);
  });
});

describe('wapt-signpackages.py', () => {
  it('without -i keeps the version but renames a file to its canonical name (:153-166, waptpackage.py:1430-1468)', async () => {
    const r = await sh(
      `${STAGE} && cp -p ${REPO}/${TOOLS} /root/t && wapt-signpackages -c ${KEYS}/new.crt -k $d/key.pem ${REPO}/${TOOLS}; rc=$?; rm -rf $d; ls ${REPO} | grep lab-tools; unzip -p ${REPO}/lab-tools_1.0-1.wapt WAPT/control | grep '^version'; mv ${REPO}/lab-tools_1.0-1.wapt ${REPO}/${TOOLS}; (exit $rc)`,
    );
    expect(r.rc).toBe(0);
    expect(r.out).toBe(
      [
        `Processing ${REPO}/${TOOLS}`,
        `Renaming file from ${TOOLS} to lab-tools_1.0-1.wapt to match new package's properties`,
        'Done',
        `Don't forget to rescan your repository with wapt-scanpackages -r -f ${REPO}`,
        'lab-tools_1.0-1.wapt',
        'version           : 1.0-1',
        '',
      ].join('\n'),
    );
  });

  it('-i is --inc-release: it bumps the version and renames the file (:61, :142-144, waptpackage.py:1514-1523)', async () => {
    const r = await sh(
      `${STAGE} && wapt-signpackages -i -c ${KEYS}/new.crt -k $d/key.pem ${REPO}/${TOOLS}; rm -rf $d; ls ${REPO} | grep lab-tools; unzip -p ${REPO}/lab-tools_1.0-2.wapt WAPT/control | grep '^version'`,
    );
    expect(r.out).toMatch(/Renaming file from lab-tools_1\.0-1_all\.wapt to lab-tools_1\.0-2\.wapt/);
    expect(r.out).toMatch(/^lab-tools_1\.0-2\.wapt\nversion +: 1\.0-2\n/m);
  });

  it('--if-needed leaves a package already signed by the certificate as it is (:65, :127-137)', async () => {
    const r = await sh(
      `${STAGE} && f=${REPO}/lab-office_16.0-3_all.wapt && wapt-signpackages -c ${KEYS}/new.crt -k $d/key.pem $f >/dev/null; mv ${REPO}/lab-office_16.0-3.wapt $f; a=$(stat -c '%Y %s' $f; sha256sum < $f); wapt-signpackages --if-needed -c ${KEYS}/new.crt -k $d/key.pem $f; b=$(stat -c '%Y %s' $f; sha256sum < $f); rm -rf $d; [ "$a" = "$b" ] && echo unchanged`,
    );
    expect(r.out).toBe(
      `Processing ${REPO}/lab-office_16.0-3_all.wapt\nDone\nDon't forget to rescan your repository with wapt-scanpackages -r -f ${REPO}\nunchanged\n`,
    );
  });

  it('keeps the file (inode, owner, group, ACL) and sets its mtime to the signature date (waptpackage.py:1957, :1999-2000)', async () => {
    const f = `${REPO}/lab-office_16.0-3_all.wapt`;
    const r = await sh(
      `${STAGE} && a=$(stat -c '%i %U %G %a' ${f}; getfacl -cp ${f}) && wapt-signpackages -c ${KEYS}/new.crt -k $d/key.pem ${f} >/dev/null; rm -rf $d; g=${REPO}/lab-office_16.0-3.wapt; b=$(stat -c '%i %U %G %a' $g; getfacl -cp $g); [ "$a" = "$b" ] && echo same-file; d=$(unzip -p $g WAPT/control | sed -n 's/^signature_date *: *//p'); [ "$(date -u -d @"$(stat -c %Y $g)" +%Y%m%d-%H%M%S)" = "$d" ] && echo mtime-is-signature-date`,
    );
    expect(r.out).toBe('same-file\nmtime-is-signature-date\n');
  });

  it('refuses to sign a package with setup.py using a certificate without Code Signing (waptpackage.py:1940-1941, :1970-1971)', async () => {
    const r = await sh(
      `d=$(mktemp -d /dev/shm/k.XXXXXX) && chgrp wapt $d && chmod 750 $d && openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=no-eku -keyout $d/k.pem -out $d/c.crt 2>/dev/null && chown wapt $d/k.pem && wapt-signpackages -c $d/c.crt -k $d/k.pem ${REPO}/${TOOLS}; rc=$?; rm -rf $d; (exit $rc)`,
    );
    expect(r.rc).toBe(1);
    expect(r.out).toMatch(
      /^Error: Certificate no-eku doesn't allow to sign packages with setup\.py file\.$/m,
    );
  });
});

describe('wapt-scanpackages.py and the Packages index (waptpackage.py:3201-3339)', () => {
  it('prints nothing, leaves out a package it cannot read and still exits 0 (:3300-3302); Packages belongs to wapt (wapt-scanpackages.py:100-106)', async () => {
    const r = await sh(
      `wapt-scanpackages ${REPO} 2>/dev/null; echo "rc=$?"; stat -c '%U:%G' ${REPO}/Packages; unzip -p ${REPO}/Packages Packages | grep -c '^package '`,
    );
    expect(r.out).toBe('rc=0\nwapt:wapt\n4\n');
    const logged = await sh(`wapt-scanpackages ${REPO} 2>&1 >/dev/null`);
    expect(logged.out).toMatch(/CRITICAL package \$S\/lab-bom-control_1\.0-1_all\.wapt: /);
  });

  it('without -f keeps the entry of a file older than the index, with its old md5sum (:3224-3233); -f recomputes it', async () => {
    const f = `${REPO}/lab-browser_120.0-1_all.wapt`;
    const r = await sh(
      `old=$(md5sum < ${f} | cut -c1-32); t=$(stat -c %Y ${f}); cd /tmp && unzip -q -o ${f} setup.py && echo '# changed' >> setup.py && zip -q ${f} setup.py && chown wapt:www-data ${f} && chmod 640 ${f} && touch -d @$t ${f}; new=$(md5sum < ${f} | cut -c1-32); wapt-scanpackages ${REPO} 2>/dev/null; unzip -p ${REPO}/Packages Packages | grep -q "md5sum *: $old" && echo stale-kept; wapt-scanpackages -f ${REPO} 2>/dev/null; unzip -p ${REPO}/Packages Packages | grep -q "md5sum *: $new" && echo recomputed`,
    );
    expect(r.out).toBe('stale-kept\nrecomputed\n');
  });

  it('never lists a host package (section host) (:3289-3292) and strips an entry whose file is gone (:3233)', async () => {
    const r = await sh(
      `cp -p /var/www/wapt-host/deb1.wapt.lab.wapt ${REPO}/ && wapt-scanpackages -f ${REPO} 2>/dev/null; unzip -p ${REPO}/Packages Packages | grep -c 'deb1.wapt.lab'; rm ${REPO}/deb1.wapt.lab.wapt ${REPO}/${TOOLS}; wapt-scanpackages ${REPO} 2>/dev/null; unzip -p ${REPO}/Packages Packages | grep -c '${TOOLS}'`,
    );
    expect(r.out).toBe('0\n0\n');
  });
});
