#!/usr/bin/python3
# LAB STAND-IN for WAPT 1.8 postconf.py: same options and quiet-mode behaviour as the facts describe
# (password only when none is set, ini backup, cert regenerated only on a CN mismatch, restarts).
import argparse
import configparser
import getpass
import grp
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import uuid
from datetime import datetime

from passlib.hash import pbkdf2_sha256

SSL_DIR = "/opt/wapt/waptserver/ssl"
RHEL = os.path.exists("/etc/redhat-release")
WEB_GROUP = "nginx" if RHEL else "www-data"
WWW = "/var/www/html" if RHEL else "/var/www"
NGINX_SITE = "/etc/nginx/conf.d/wapt.conf" if RHEL else "/etc/nginx/sites-available/wapt.conf"
DHPARAM = "/etc/ssl/certs/dhparam.pem"


def parse_args():
    parser = argparse.ArgumentParser(prog="postconf.sh", description="WAPT server post-configuration (lab stand-in)")
    parser.add_argument("-c", "--config", default="/opt/wapt/conf/waptserver.ini")
    parser.add_argument("-s", "--force-https", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true", help="non-interactive")
    parser.add_argument("-n", "--nginx", action="store_true", help="configure nginx in quiet mode")
    parser.add_argument("--dhparam-key-size", type=int, default=2048)
    parser.add_argument("-p", "--admin-password")
    return parser.parse_args()


def run(*command):
    subprocess.run(command, check=True)


def certificate_cn(path):
    if not os.path.exists(path):
        return None
    subject = subprocess.run(
        ["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", path],
        capture_output=True, text=True,
    ).stdout.strip()
    for part in subject.removeprefix("subject=").split(","):
        if part.strip().startswith("CN="):
            return part.strip()[3:]
    return None


def ensure_certificate(fqdn):
    cert, key = os.path.join(SSL_DIR, "cert.pem"), os.path.join(SSL_DIR, "key.pem")
    if certificate_cn(cert) == fqdn:
        print("certificate CN matches %s, kept" % fqdn)
        return
    if os.path.exists(cert):
        os.rename(cert, "%s-%s.old" % (cert, datetime.now().strftime("%Y%m%d-%H%M%S")))
    os.makedirs(SSL_DIR, exist_ok=True)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=" + fqdn,
        "-keyout", key, "-out", cert)
    gid = grp.getgrnam(WEB_GROUP).gr_gid
    for path in (cert, key):
        os.chown(path, 0, gid)
        os.chmod(path, 0o440)
    print("self-signed certificate generated for CN=%s" % fqdn)


def configure_nginx(force_https, dhparam_size):
    if not os.path.exists(DHPARAM):
        # -dsaparam keeps generation fast on the lab's 2 cores; the real script uses plain dhparam.
        run("openssl", "dhparam", "-dsaparam", "-out", DHPARAM, str(dhparam_size))
    with open("/opt/wapt/lab/nginx/wapt.conf.template") as template:
        text = template.read().replace("@WWW@", WWW)
    text = text.replace("@HTTP_BODY@", "return 301 https://$host$request_uri;" if force_https else "include /etc/nginx/wapt-locations.conf;")
    with open(NGINX_SITE, "w") as site:
        site.write(text)
    if not RHEL:
        link = "/etc/nginx/sites-enabled/wapt.conf"
        if not os.path.islink(link):
            os.symlink(NGINX_SITE, link)
        if os.path.lexists("/etc/nginx/sites-enabled/default"):
            os.unlink("/etc/nginx/sites-enabled/default")
    run("nginx", "-t", "-q")
    run("systemctl", "restart", "nginx")
    print("nginx configured (%s)" % NGINX_SITE)


def main():
    args = parse_args()
    interactive = not args.quiet
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.exit("postconf: the interactive (dialog) mode needs a terminal; use -q for non-interactive mode")
    ini = configparser.RawConfigParser()
    ini.read(args.config)
    if not ini.has_section("options"):
        ini.add_section("options")
    options = ini["options"]
    backup = "%s.bck_%s" % (args.config, datetime.now().isoformat())
    shutil.copy2(args.config, backup)
    print("configuration backed up to %s" % backup)

    if interactive:
        entered = getpass.getpass("WAPT admin password (empty keeps the current one): ")
        if entered:
            options["wapt_password"] = pbkdf2_sha256.hash(entered)
    elif not options.get("wapt_password"):
        password = args.admin_password or secrets.token_urlsafe(12)
        if not args.admin_password:
            print("generated admin password: %s" % password)
        options["wapt_password"] = pbkdf2_sha256.hash(password)
    options["allow_unauthenticated_registration"] = "True"
    options.setdefault("server_uuid", str(uuid.uuid4()))
    options.setdefault("wapt_folder", WWW + "/wapt")
    with open(args.config, "w") as handle:
        ini.write(handle)
    os.chown(args.config, pwd.getpwnam("wapt").pw_uid, grp.getgrnam("wapt").gr_gid)
    os.chmod(args.config, 0o640)

    ensure_certificate(socket.getfqdn())
    if args.nginx or interactive:
        configure_nginx(args.force_https, args.dhparam_key_size)
    run("runuser", "-u", "wapt", "--", "/usr/bin/wapt-scanpackages", options["wapt_folder"])
    run("systemctl", "enable", "--quiet", "waptserver", "wapttasks")
    run("systemctl", "restart", "waptserver", "wapttasks")
    print("postconfiguration done")


if __name__ == "__main__":
    main()
