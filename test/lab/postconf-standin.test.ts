// Conformance of the lab's postconf stand-in with WAPT 1.8.2's waptserver/scripts/postconf.py, on deb1: what the
// quiet mode does (main() :420-700) and when it makes an HTTPS pair (make_nginx_config :148-233). The runbooks
// rerun-postconf and regenerate-cert are proven against it, so each behaviour they rely on is checked here.
import { describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';

const SSL = '/opt/wapt/waptserver/ssl';
const INI = '/opt/wapt/conf/waptserver.ini';
const SITE = '/etc/nginx/sites-available/wapt.conf';

/** A shell run on deb1; its output (runInHost throws on a non-zero exit). */
function sh(script: string): Promise<string> {
  return runInHost('deb1', script);
}

/** A certificate for another name put in place of cert.pem (its key kept), as an operator's mistake would. */
const WRONG_CN = `openssl req -x509 -new -key ${SSL}/key.pem -days 30 -subj /CN=wrong.wapt.lab -out ${SSL}/cert.pem`;

describe('postconf.sh -q (WAPT 1.8.2 postconf.py)', () => {
  it('without -n: nginx is left alone and no pair is made, even for a certificate whose CN is not the FQDN (:558-566, :204)', async () => {
    await sh(WRONG_CN);
    const before = await sh(`sha256sum ${SSL}/* ${SITE} /etc/nginx/nginx.conf`);
    const out = await sh('/opt/wapt/waptserver/scripts/postconf.sh -q');
    expect(out).toMatch(/^WAPT silent post-configuration\n/);
    expect(out).not.toMatch(/Nginx/);
    expect(await sh(`sha256sum ${SSL}/* ${SITE} /etc/nginx/nginx.conf`)).toBe(before);
  });

  it('forces allow_unauthenticated_registration, makes a clients CA, sets max_connections, backs the ini up, 640 owner wapt (:425-530)', async () => {
    await sh(
      `sed -i '/allow_unauthenticated_registration/d' ${INI}; echo 'allow_unauthenticated_registration = False' >> ${INI}`,
    );
    const backups = () => sh(`ls /opt/wapt/conf | grep -c 'waptserver.ini.bck_' || true`);
    const before = Number(await backups());
    await sh('/opt/wapt/waptserver/scripts/postconf.sh -q');
    const ini = await sh(`cat ${INI}`);
    expect(ini).toMatch(/^allow_unauthenticated_registration = True$/m);
    expect(ini).toMatch(/^clients_signing_certificate = \/opt\/wapt\/conf\/ca-deb1\.wapt\.lab\.crt$/m);
    expect(
      await sh('openssl x509 -in /opt/wapt/conf/ca-deb1.wapt.lab.crt -noout -ext basicConstraints'),
    ).toMatch(/CA:TRUE/);
    expect(await sh('grep max_connections /opt/wapt/lab/postgresql.conf')).toBe('max_connections = 1000\n');
    expect(Number(await backups())).toBe(before + 1);
    expect(await sh(`stat -c '%a %U' ${INI}`)).toBe('640 wapt\n');
  });

  it('prints the admin password it makes when none is set (:466-473, :695-696)', async () => {
    await sh(`sed -i 's/^wapt_password = .*/wapt_password = /' ${INI}`);
    const out = await sh('/opt/wapt/waptserver/scripts/postconf.sh -q -p lab-password-1234');
    expect(out).toMatch(/^\[\*\] WAPT admin password : lab-password-1234$/m);
    expect(await sh(`grep -c '^wapt_password = \\$pbkdf2-sha256\\$' ${INI}`)).toBe('1\n');
  });

  it('flattens waptwua/ and chowns/chmods the repositories (:610-660)', async () => {
    await sh(
      'mkdir -p /var/www/waptwua/sub/deeper && echo x > /var/www/waptwua/sub/deeper/kb.cab && chmod 600 /var/www/wapt/lab-tools_1.0-1_all.wapt',
    );
    const out = await sh('/opt/wapt/waptserver/scripts/postconf.sh -q');
    expect(out).toMatch(/^Move \/var\/www\/waptwua\/sub\/deeper\/kb\.cab --> \/var\/www\/waptwua\/kb\.cab$/m);
    expect(await sh('ls -d /var/www/waptwua/sub 2>&1 || true')).toMatch(/No such file/);
    expect(
      await sh('stat -c "%a %U %G" /var/www/wapt/lab-tools_1.0-1_all.wapt /var/www/waptwua/kb.cab'),
    ).toBe('640 wapt www-data\n640 wapt www-data\n');
  });

  it('-n with both files present keeps the pair (a wrong CN too), rewrites the site and edits nginx.conf (:238-289)', async () => {
    await sh(WRONG_CN);
    const pair = await sh(`cat ${SSL}/cert.pem ${SSL}/key.pem | sha256sum`);
    await sh(`echo '# an operator edit' >> ${SITE}`);
    const out = await sh('/opt/wapt/waptserver/scripts/postconf.sh -q -n');
    expect(out).toMatch(/^\[\*\] Nginx - self-signed certs already exists, skipping\.\.\.$/m);
    expect(await sh(`cat ${SSL}/cert.pem ${SSL}/key.pem | sha256sum`)).toBe(pair);
    expect(await sh(`grep -c 'an operator edit' ${SITE} || true`)).toBe('0\n');
    expect(await sh('grep -E "worker_rlimit_nofile|worker_connections" /etc/nginx/nginx.conf')).toMatch(
      /worker_rlimit_nofile 32768;\n[\s\S]*worker_connections 4096;/,
    );
  });

  it('-n with a file missing copies an apache/ssl pair back when there is one, else makes a pair for the FQDN (:204-233)', async () => {
    await sh(
      `mkdir -p /opt/wapt/waptserver/apache/ssl && openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=old-apache -keyout /opt/wapt/waptserver/apache/ssl/key.pem -out /opt/wapt/waptserver/apache/ssl/cert.pem 2>/dev/null && rm ${SSL}/cert.pem`,
    );
    await sh('/opt/wapt/waptserver/scripts/postconf.sh -q -n');
    expect(await sh(`openssl x509 -in ${SSL}/cert.pem -noout -subject`)).toBe('subject=CN = old-apache\n');
    await sh(`rm -r /opt/wapt/waptserver/apache ${SSL}/cert.pem ${SSL}/key.pem`);
    const out = await sh('/opt/wapt/waptserver/scripts/postconf.sh -q -n');
    expect(out).toMatch(/^Create X509 cert \/opt\/wapt\/waptserver\/ssl\/cert\.pem$/m);
    expect(await sh(`openssl x509 -in ${SSL}/cert.pem -noout -subject -ext subjectAltName`)).toMatch(
      /subject=CN = deb1\.wapt\.lab\n[\s\S]*DNS:deb1\.wapt\.lab/,
    );
  });
});
