// repo_lint's real scan script on this machine (unzip, openssl, awk, iconv) over a repository of crafted packages.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoLintAction } from '../../../scripts/actions/repo-lint.js';
import { issuedBy, selfSigned } from '../../helpers/certs.js';
import { recordingContext } from '../../helpers/local-context.js';
import { makeZips, type ZipSpec } from '../../helpers/make-zip.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-lint-'));
const repo = join(dir, 'wapt');
const trustedDir = join(dir, 'trusted');
// The agent's public_certs_dir, named by its wapt-get.ini (WAPT 1.8.2 common.py:2943-2946).
const agentDir = join(dir, 'agent ssl');
const agentIni = join(dir, 'wapt-get.ini');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate's PEM text. */
function makeCert(name: string): string {
  return readFileSync(selfSigned(dir, name, { days: 2 }).cert, 'utf8');
}

const control = (name: string) =>
  `package           : ${name}\nversion           : 1.0-1\narchitecture      : all\n`;
const SETUP = 'def install():\n    pass\n';

beforeAll(() => {
  mkdirSync(repo);
  mkdirSync(trustedDir);
  mkdirSync(agentDir);
  writeFileSync(agentIni, `[global]\nwapt_server = https://srv\npublic_certs_dir = ${agentDir}\n`);
  const trusted = makeCert('trusted');
  const stranger = makeCert('stranger');
  writeFileSync(join(trustedDir, 'trusted.crt'), trusted);
  // A bundle (.pem) in the agent's folder whose second certificate is a CA (waptcrypto.py:268).
  const ca = selfSigned(dir, 'ca', { days: 2 });
  const inPem = makeCert('in-pem');
  writeFileSync(join(agentDir, 'bundle.pem'), `${inPem}${readFileSync(ca.cert, 'utf8')}`);
  const byCa = readFileSync(issuedBy(dir, 'by-ca', ca, { codeSigning: true }).cert, 'utf8');
  const expired = readFileSync(issuedBy(dir, 'expired', ca, { days: -1 }).cert, 'utf8');
  const zips: ZipSpec[] = [];
  const pkg = (file: string, members: ZipSpec['members']) => zips.push({ path: join(repo, file), members });
  const signed = (name: string, setup = SETUP, ctl: string | Buffer = control(name), cert = trusted) =>
    pkg(`${name}_1.0-1_all.wapt`, [
      { name: 'WAPT/control', data: ctl },
      { name: 'WAPT/certificate.crt', data: cert },
      { name: 'setup.py', data: setup },
    ]);
  signed(
    'clean',
    `${SETUP}\ndef audit():\n    # register() would reload the server\n    return "OK"\n\nregister()\n`,
  );
  signed('bom', SETUP, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(control('bom'))]));
  signed('latin1', SETUP, Buffer.from(`${control('latin1')}description : caf\xe9\n`, 'latin1'));
  signed('audit', `${SETUP}\ndef audit():\n    if True:\n        register()\n    return "OK"\n`);
  signed('stranger', SETUP, control('stranger'), stranger);
  signed('by-ca', SETUP, control('by-ca'), byCa);
  signed('in-pem', SETUP, control('in-pem'), inPem);
  signed('expired', SETUP, control('expired'), expired);
  signed('computer', `${SETUP}\ndef audit():\n    WAPT.register_computer()\n    return "OK"\n`);
  signed('lost', SETUP, `${control('lost')}\nmaintainer : me\n`);
  signed('nocolon', SETUP, `${control('nocolon')}just words\n`);
  pkg('unsigned_1.0-1_all.wapt', [
    { name: 'WAPT/control', data: control('unsigned') },
    { name: 'setup.py', data: SETUP },
  ]);
  makeZips(zips);
  writeFileSync(join(repo, 'broken_1.0-1_all.wapt'), 'not a zip\n');
});

async function lint(params: { repo: string; trusted_certs?: string[] }) {
  const all = { agent_ini: agentIni, default_certs_dir: join(dir, 'absent'), ...params };
  return repoLintAction.plan(await repoLintAction.read(recordingContext(), all), all);
}

describe('repo_lint on a real repository', () => {
  it('finds one problem per bad package and none in the clean one', async () => {
    const plan = await lint({ repo, trusted_certs: [trustedDir, join(dir, 'absent')] });
    const findings = (plan.data?.findings ?? []) as { package: string; problem: string; fix: string }[];
    expect(findings.map((f) => [f.package, f.problem.split(' (')[0]])).toEqual([
      ['audit_1.0-1_all.wapt', 'setup.py calls register() inside audit()'],
      ['bom_1.0-1_all.wapt', 'WAPT/control starts with a UTF-8 BOM'],
      ['broken_1.0-1_all.wapt', 'the file is not a readable zip'],
      ['computer_1.0-1_all.wapt', 'setup.py calls WAPT.register_computer() inside audit()'],
      [
        'expired_1.0-1_all.wapt',
        expect.stringMatching(/^signed by a certificate that expired on \w+ +\d+ [\d:]+ \d{4} GMT$/),
      ],
      ['latin1_1.0-1_all.wapt', 'WAPT/control is not UTF-8'],
      [
        'lost_1.0-1_all.wapt',
        'WAPT/control has a blank line at line 4: WAPT stops reading there and loses maintainer',
      ],
      ['nocolon_1.0-1_all.wapt', 'WAPT/control line 4 has no ":"'],
      ['stranger_1.0-1_all.wapt', 'signed by a certificate the server does not trust'],
      ['unsigned_1.0-1_all.wapt', 'the package is not signed'],
    ]);
    expect(plan.data).toMatchObject({ packages: 13, trusted: 3, certs_dir: agentDir });
    expect(plan.failed).toMatch(/^10 finding\(s\):\naudit_1\.0-1_all\.wapt: .* -> remove the register call/);
    expect(plan.failed).toContain(
      `trusted: 3 certificate(s) from ${trustedDir}, ${join(dir, 'absent')} and ${agentDir} (public_certs_dir of ${agentIni})`,
    );
  });

  it('fails clearly when the repository folder does not exist', async () => {
    const plan = await lint({ repo: join(dir, 'nowhere') });
    expect(plan.failed).toBe(`${join(dir, 'nowhere')} does not exist or is not a directory`);
  });
});
