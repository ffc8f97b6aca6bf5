// What repo_lint says about one package: its control data and its signer, each problem with the guide's fix.
import { createHash, type X509Certificate } from 'node:crypto';
import { parseBlock, pemBlocks } from './pem-bundle.js';
import { type ControlProblem, controlProblems } from './wapt-control.js';
import { trustOf, validAt } from './wapt-trust.js';

/** One problem of one package, with the guide's fix. */
export interface Finding {
  package: string;
  problem: string;
  fix: string;
}

/** One package as the repository scan saw it: zip state, register call in audit(), WAPT/control and chain key (hex). */
export interface PackageScan {
  file: string;
  zip: 'ok' | 'nocontrol' | 'notzip';
  audit: 'ok' | 'register' | 'register_computer';
  control: string | null;
  chain: string | null;
}

const REBUILD = 'rebuild and re-sign the package, then wapt-scanpackages';

/** The problem and fix of each kind of control problem. */
function controlFinding(c: ControlProblem): Omit<Finding, 'package'> {
  switch (c.kind) {
    case 'notutf8':
      return {
        problem: `WAPT/control is not UTF-8 (EWaptBadControl: 'utf8' codec can't decode byte at offset ${c.offset})`,
        fix: `convert WAPT/control to UTF-8 without BOM, ${REBUILD}`,
      };
    case 'bom':
      return {
        problem: 'WAPT/control starts with a UTF-8 BOM (EWaptBadControl)',
        fix: `save WAPT/control as UTF-8 without BOM, ${REBUILD}`,
      };
    case 'nocolon':
      return {
        problem: `WAPT/control line ${c.line} has no ":" (EWaptBadControl: Invalid line): ${JSON.stringify(c.text.slice(0, 60))}`,
        fix: `write it as "key: value" (a value continued on the next line begins with a space), ${REBUILD}`,
      };
    case 'lost':
      return {
        problem: `WAPT/control has a blank line at line ${c.line}: WAPT stops reading there and loses ${c.fields.join(', ')}`,
        fix: `remove the blank line from WAPT/control (a blank line ends the control data), ${REBUILD}`,
      };
  }
}

const AUDIT_FINDINGS = {
  register: 'setup.py calls register() inside audit() (reloads the server database at every audit)',
  register_computer:
    'setup.py calls WAPT.register_computer() inside audit() (reloads the server database at every audit)',
};

/** Findings about a package's zip, WAPT/control and setup.py. */
export function controlFindings(p: PackageScan): Finding[] {
  const found: Omit<Finding, 'package'>[] = [];
  if (p.zip === 'notzip')
    found.push({
      problem: 'the file is not a readable zip',
      fix: 'upload the package again (make upload-package) or remove it from the repository',
    });
  if (p.zip === 'nocontrol')
    found.push({
      problem: 'the package has no WAPT/control',
      fix: 'rebuild the package (wapt-get build-package) or remove it from the repository',
    });
  if (p.control !== null) found.push(...controlProblems(Buffer.from(p.control, 'hex')).map(controlFinding));
  if (p.audit !== 'ok')
    found.push({
      problem: AUDIT_FINDINGS[p.audit],
      fix: 'remove the register call from audit() in setup.py, rebuild and re-sign the package',
    });
  return found.map((f) => ({ package: p.file, ...f }));
}

function named(c: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.subject)?.[1] ?? c.subject.replace(/\n/g, ', ');
  const sha = createHash('sha256').update(c.raw).digest('hex');
  return `${cn}, sha256 ${sha.slice(0, 16)}…`;
}

function dates(c: X509Certificate, now: Date): string {
  return now < new Date(c.validFrom) ? `is not valid before ${c.validFrom}` : `expired on ${c.validTo}`;
}

const RESIGN =
  're-sign it with a valid trusted certificate (make rotate-signing-key), then wapt-scanpackages';

/** Findings about a package's signer, judged as WAPT 1.8.2 judges it against the trusted certificates. */
export function signerFindings(
  p: PackageScan,
  chains: Record<string, string>,
  trusted: X509Certificate[],
  now: Date,
  places: string,
): Finding[] {
  const at = (problem: string, fix: string): Finding[] => [{ package: p.file, problem, fix }];
  const hex = p.chain === null ? undefined : chains[p.chain];
  if (hex === undefined)
    return at(
      'the package is not signed (no WAPT/certificate.crt)',
      'sign it with wapt-signpackages -c CERT -k KEY, then wapt-scanpackages',
    );
  const chain = pemBlocks(Buffer.from(hex, 'hex')).map(parseBlock);
  if (chain.length === 0 || chain.some((c) => !c))
    return at('WAPT/certificate.crt holds a certificate WAPT cannot read', RESIGN);
  const certs = chain as X509Certificate[];
  const signer = certs[0] as X509Certificate;
  const verdict = trustOf(certs, trusted, now);
  if (verdict.trusted) {
    if (verdict.by === signer || validAt(verdict.by, now)) return [];
    return at(
      `signed by a certificate issued by the trusted CA ${named(verdict.by)}, which ${dates(verdict.by, now)} (WAPT 1.8.2 still installs it: it dates only the signer and the intermediates a package carries, waptcrypto.py:547, :605)`,
      `renew that CA in ${places} and re-sign with a certificate it issues (make rotate-signing-key)`,
    );
  }
  if (verdict.why === 'expired')
    return at(
      verdict.cert === signer
        ? `signed by a certificate that ${dates(signer, now)} (${named(signer)}): WAPT refuses it (EWaptCertificateExpired)`
        : `its certificate chain carries the CA ${named(verdict.cert)}, which ${dates(verdict.cert, now)}: WAPT refuses it (EWaptCertificateExpired)`,
      RESIGN,
    );
  if (verdict.why === 'bad-signature')
    return at(
      `the signature of ${named(verdict.cert)} in its certificate chain does not verify: WAPT refuses it`,
      RESIGN,
    );
  return at(
    `signed by a certificate the server does not trust (${named(signer)})`,
    `re-sign it with a trusted key (make rotate-signing-key) or put its certificate, or the CA that issued it, in ${places}`,
  );
}
