#!/usr/bin/python3
# LAB STAND-IN for WAPT 1.8.2 waptserver/scripts/postconf.py (behaviour only, written for the lab). Quiet mode
# follows main() at :420-700 in its order: ini backup, secret_key, PostgreSQL max_connections, admin password
# only when none is set, server_uuid, allow_unauthenticated_registration forced on, clients CA, ini 640/wapt,
# Packages rebuilt as root, then with -n only: dhparam, nginx.conf clean-up, the site from its template and the
# HTTPS pair only when missing (make_nginx_config :148-235), nginx restarted; then known certificates moved,
# waptwua flattened, repositories chowned/chmodded, waptserver and wapttasks enabled and restarted.
import configparser
import grp
import optparse
import os
import pwd
import re
import secrets
import shutil
import socket
import string
import subprocess
import sys
import uuid
from datetime import datetime

sys.path.insert(0, "/opt/wapt")
import lab_waptpackage  # noqa: E402
from passlib.hash import pbkdf2_sha256  # noqa: E402

RHEL = os.path.exists("/etc/redhat-release")
NGINX_GID = grp.getgrnam("nginx" if RHEL else "www-data").gr_gid
WWW = "/var/www/html" if RHEL else "/var/www"
NGINX_SITE = "/etc/nginx/conf.d/wapt.conf" if RHEL else "/etc/nginx/sites-available/wapt.conf"
WAPTSERVER_ROOT = "/opt/wapt/waptserver"
# The lab has no PostgreSQL: this file stands for the one `SHOW config_file` names (configure_max_connections).
POSTGRESQL_CONF = "/opt/wapt/lab/postgresql.conf"


def run(command):
    """A shell command that must succeed (postconf's run(): check_output with shell=True)."""
    return subprocess.check_output(command, shell=True).decode()


def guess_fqdn():
    """The system FQDN, with `.lan` added when it has no dot (guess_fqdn :87-97)."""
    fqdn = socket.getfqdn() or "wapt"
    return fqdn if "." in fqdn else fqdn + ".lan"


def configure_max_connections():
    """max_connections = 1000 in PostgreSQL's configuration (:352-368)."""
    lines, found = [], False
    if os.path.exists(POSTGRESQL_CONF):
        with open(POSTGRESQL_CONF) as handle:
            for line in handle:
                found = found or "max_connections" in line
                lines.append("max_connections = 1000\n" if "max_connections" in line else line)
    if not found:
        lines.append("max_connections = 1000\n")
    with open(POSTGRESQL_CONF, "w") as handle:
        handle.writelines(lines)


def cert_cn(path):
    """The CN of a PEM certificate."""
    out = run("openssl x509 -noout -subject -nameopt multiline -in '%s'" % path)
    match = re.search(r"commonName\s*=\s*(.*)", out)
    return match.group(1).strip() if match else ""


def self_signed(key, cert, fqdn, ca=False):
    """A 10-year self-signed certificate for an existing key, CN (and SAN unless a CA) the FQDN (waptcrypto :1219)."""
    extensions = "-addext basicConstraints=critical,CA:TRUE" if ca else "-addext subjectAltName=DNS:%s" % fqdn
    run("openssl req -x509 -new -key '%s' -days 3650 -subj '/CN=%s' %s -out '%s' 2>/dev/null" % (key, fqdn, extensions, cert))


def new_key(path):
    """An RSA 2048 key (SSLPrivateKey.create)."""
    run("openssl genrsa -out '%s' 2048 2>/dev/null" % path)


def https_pair(fqdn):
    """The HTTPS pair, made only when key.pem or cert.pem is missing (make_nginx_config :204-233)."""
    ssl = os.path.join(WAPTSERVER_ROOT, "ssl")
    key, cert = os.path.join(ssl, "key.pem"), os.path.join(ssl, "cert.pem")
    if os.path.exists(key) and os.path.exists(cert):
        print("[*] Nginx - self-signed certs already exists, skipping...")
        return
    print("[*] Nginx - generate self-signed certs")
    old_key, old_cert = WAPTSERVER_ROOT + "/apache/ssl/key.pem", WAPTSERVER_ROOT + "/apache/ssl/cert.pem"
    if os.path.isfile(old_cert) and os.path.isfile(old_key):
        shutil.copyfile(old_cert, cert)
        shutil.copyfile(old_key, key)
        return
    if not os.path.isfile(key):
        print("Create SSL RSA Key %s" % key)
        new_key(key)
    if os.path.isfile(cert):
        if cert_cn(cert) == fqdn:
            return
        shutil.move(cert, "%s-%s.old" % (cert, datetime.now().strftime("%Y%m%d-%Hh%Mm%Ss")))
    self_signed(key, cert, fqdn)
    print("Create X509 cert %s" % cert)


def nginx_cleanup():
    """nginx.conf edited in place: worker_rlimit_nofile, 4096 worker_connections, no server{} in http, gzip on (:238-289)."""
    with open("/etc/nginx/nginx.conf") as handle:
        text = handle.read()
    if not re.search(r"^\s*worker_rlimit_nofile\b", text, re.M):
        text = re.sub(r"^(\s*pid\s[^\n]*\n)", r"\1worker_rlimit_nofile 32768;\n", text, count=1, flags=re.M)
    text = re.sub(r"(\bworker_connections\s+)\d+;", r"\g<1>4096;", text)
    http = re.search(r"^http\s*\{", text, re.M)
    if http:
        body = text[http.end():]
        while re.search(r"^\s*server\s*\{", body, re.M):
            start = re.search(r"^\s*server\s*\{", body, re.M)
            depth, end = 0, start.start()
            for end in range(start.end() - 1, len(body)):
                depth += {"{": 1, "}": -1}.get(body[end], 0)
                if depth == 0:
                    break
            print("[*] Nginx - removing default vhost")
            body = body[: start.start()] + body[end + 1:]
        if not re.search(r"^\s*gzip\s+on;", body, re.M):
            body = re.sub(r"^\s*gzip\s+off;", "    gzip on;", body, flags=re.M) if re.search(r"^\s*gzip\s", body, re.M) else "\n    gzip on;" + body
        text = text[: http.end()] + body
    with open("/etc/nginx/nginx.conf", "w") as handle:
        handle.write(text)


def nginx_site(force_https):
    """The WAPT site written from the template over whatever was there, no backup (make_nginx_config :148-200)."""
    print("[*] Nginx - creating wapt.conf virtualhost")
    with open("/opt/wapt/lab/nginx/wapt.conf.template") as template:
        text = template.read().replace("@WWW@", WWW)
    body = "return 301 https://$host$request_uri;" if force_https else "include /etc/nginx/wapt-locations.conf;"
    with open(NGINX_SITE, "w") as site:
        site.write(text.replace("@HTTP_BODY@", body))
    if not RHEL:
        link = "/etc/nginx/sites-enabled/wapt.conf"
        if not os.path.exists(link):
            os.symlink(NGINX_SITE, link)
        if os.path.lexists("/etc/nginx/sites-enabled/default"):
            os.unlink("/etc/nginx/sites-enabled/default")


def configure_nginx(options, fqdn, final):
    """The -n part (:566-586): an nginx error is a message at the end, not a failure."""
    try:
        dhparam = "/etc/ssl/certs/dhparam.pem"
        if not os.path.exists(dhparam):
            # -dsaparam keeps generation fast on the lab's 2 cores; the real script uses plain dhparam.
            run("openssl dhparam -dsaparam -out %s %d 2>/dev/null" % (dhparam, options.dhparam_key_size))
        os.chown(dhparam, 0, NGINX_GID)
        os.chmod(dhparam, 0o640)
        nginx_cleanup()
        nginx_site(options.force_https)
        https_pair(fqdn)
        run("systemctl enable nginx")
        run("systemctl restart nginx")
    except (subprocess.CalledProcessError, OSError) as error:
        final += ["Error while trying to configure Nginx!", str(error)]


def clients_ca(config, fqdn):
    """A clients-signing CA in /opt/wapt/conf when none is configured (:500-528)."""
    cert, key = config.get("clients_signing_certificate"), config.get("clients_signing_key")
    if not cert or not key:
        cert, key = "/opt/wapt/conf/ca-%s.crt" % fqdn, "/opt/wapt/conf/ca-%s.pem" % fqdn
        config["clients_signing_certificate"], config["clients_signing_key"] = cert, key
    if not os.path.isfile(cert):
        print("Create a certificate and key for clients certificate signing")
        if not os.path.isfile(key):
            print("Create SSL RSA Key %s" % key)
            new_key(key)
        self_signed(key, cert, fqdn, ca=True)
        print("Create X509 cert %s" % cert)


def flatten(folder):
    """Every file of folder's subfolders moved up, the subfolders deleted (except .stfolder) (:610-626)."""
    for root, dirs, files in list(os.walk(folder, topdown=False)):
        if root == os.path.join(folder, ".stfolder"):
            continue
        for name in files:
            if not os.path.isfile(os.path.join(folder, name)):
                print("Move %s --> %s" % (os.path.join(root, name), os.path.join(folder, name)))
                shutil.move(os.path.join(root, name), os.path.join(folder, name))
        for name in dirs:
            if name != ".stfolder":
                print("Delete folder %s" % os.path.join(root, name))
                shutil.rmtree(os.path.join(root, name))


def own_tree(path, is_file, uid):
    """wapt:<web group>, directories 750 and files 640, created when missing (:630-660)."""
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            os.chown(root, uid, NGINX_GID)
            os.chmod(root, 0o750)
            for name in files:
                os.chown(os.path.join(root, name), uid, NGINX_GID)
                os.chmod(os.path.join(root, name), 0o640)
    elif not is_file:
        os.mkdir(path)
        os.chmod(path, 0o750)
    else:
        if not os.path.isfile(path):
            open(path, "w").close()
            os.chmod(path, 0o640)
        os.chown(path, uid, NGINX_GID)


def main():
    parser = optparse.OptionParser(usage="%prog [--config filename] [--force-https] [--quiet] [--dhparam-key-size=SIZE]")
    parser.add_option("-c", "--config", dest="configfile", default="/opt/wapt/conf/waptserver.ini")
    parser.add_option("-s", "--force-https", dest="force_https", default=False, action="store_true")
    parser.add_option("-q", "--quiet", dest="quiet", default=False, action="store_true")
    parser.add_option("-n", "--nginx", dest="nginx", default=False, action="store_true")
    parser.add_option("--dhparam-key-size", dest="dhparam_key_size", default=2048, type="int")
    parser.add_option("-p", "--admin-password", dest="password", default=None)
    options, _ = parser.parse_args()
    if not options.quiet:
        # The dialog UI (ncurses) needs a terminal; the stand-in asks its first question only (:410-413).
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            sys.exit("postconf: the dialog UI needs a terminal (lab stand-in); -q runs without one")
        if input("Do you want to launch post configuration tool ? [yes/no] ").strip().lower() not in ("y", "yes"):
            print("Canceling wapt postconfiguration")
            sys.exit(1)
        sys.exit("postconf (lab stand-in): the dialog UI goes no further; use -q")
    print("WAPT silent post-configuration")
    ini = configparser.RawConfigParser()
    ini.read(options.configfile)
    if not ini.has_section("options"):
        ini.add_section("options")
    config = ini["options"]
    if os.path.isfile(options.configfile):
        print("[*] Making a backup copy of the configuration file")
        shutil.copyfile(options.configfile, "%s.bck_%s" % (options.configfile, datetime.now().isoformat()))
    wapt_folder = config.get("wapt_folder", WWW + "/wapt")
    if not config.get("secret_key"):
        config["secret_key"] = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(64))
    configure_max_connections()
    password = ""
    if not config.get("wapt_password"):
        print("[*] Generating random password for WAPT server")
        password = options.password or secrets.token_urlsafe(10)
        print("[*] WAPT admin password : %s" % password)
        config["wapt_password"] = pbkdf2_sha256.hash(password)
    if not config.get("server_uuid"):
        config["server_uuid"] = str(uuid.uuid1())
    print("[*] Set default registration method to : Allow anyone to register + Kerberos disabled")
    config["allow_unauthenticated_registration"] = "True"
    config["use_kerberos"] = "False"
    fqdn = guess_fqdn()
    clients_ca(config, fqdn)
    with open(options.configfile, "w") as handle:
        ini.write(handle)
    print("[*] Protecting WAPT config file")
    os.chmod(options.configfile, 0o640)
    os.chown(options.configfile, pwd.getpwnam("wapt").pw_uid, -1)
    print("[*] Update WAPT repository")
    lab_waptpackage.update_packages(wapt_folder, force=True, owner=None)
    final = ["[*] Postconfiguration completed."]
    if options.nginx:
        configure_nginx(options, fqdn, final)
    known = config.get("known_certificates_folder", os.path.join(os.path.dirname(wapt_folder), "ssl"))
    if not os.path.isdir(known):
        if os.path.isdir(os.path.join(wapt_folder, "ssl")):
            shutil.move(os.path.join(wapt_folder, "ssl"), known)
        else:
            os.makedirs(known)
    wua = config.get("waptwua_folder", WWW + "/waptwua")
    flatten(wua)
    final.append("Please connect to https://" + fqdn + "/ to access the server.")
    uid = pwd.getpwnam("wapt").pw_uid
    parent = os.path.dirname(os.path.abspath(wapt_folder))
    for path, is_file in ((parent + "/sync.json", True), (parent + "/rules.json", True), (wapt_folder, False),
                          (wua, False), (wapt_folder + "-diff-repos", False), (known, False)):
        own_tree(path, is_file, uid)
    run("systemctl enable waptserver")
    run("systemctl enable wapttasks")
    run("systemctl restart waptserver")
    run("systemctl restart wapttasks")
    if password:
        final.append("[*] WAPT admin password : %s\n" % password)
    for line in final:
        print(line)


if __name__ == "__main__":
    main()
