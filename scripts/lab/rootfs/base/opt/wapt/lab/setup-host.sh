#!/bin/sh
# Lab per-host step (run in a chroot on the host's fresh overlay at each lab-up): usage
# setup-host.sh debian|rhel FQDN ADDRESS, admin password on stdin. Lays out a WAPT server + agent.
set -eu
ROLE=$1 FQDN=$2 ADDRESS=$3
SHORT=${FQDN%%.*}
read -r ADMIN_PASSWORD
echo "$SHORT" > /etc/hostname
printf '127.0.0.1 localhost\n%s %s %s\n' "$ADDRESS" "$FQDN" "$SHORT" > /etc/hosts

if [ "$ROLE" = rhel ]; then
  WEB_GROUP=nginx WWW=/var/www/html
  groupadd --system nginx && useradd --system -g nginx -d /var/lib/nginx -s /sbin/nologin nginx
  rm -f /etc/os-release && cp /opt/wapt/lab/rhel/os-release /etc/os-release && cp /opt/wapt/lab/rhel/os-release /usr/lib/os-release
  cp /opt/wapt/lab/rhel/redhat-release /etc/redhat-release
  ln -sf redhat-release /etc/rocky-release && ln -sf redhat-release /etc/system-release
  cp /opt/wapt/lab/selinux/getenforce /usr/sbin/getenforce
  for tool in restorecon chcon semanage; do ln -sf /opt/wapt/lab/selinux/selinux-standin /usr/sbin/$tool; done
  mkdir -p /etc/selinux && printf 'SELINUX=permissive\nSELINUXTYPE=targeted\n' > /etc/selinux/config
  cp /opt/wapt/lab/nginx/rhel-nginx.conf /etc/nginx/nginx.conf
  rm -f /etc/nginx/sites-enabled/default /var/www/html/index.nginx-debian.html
  SITE=/etc/nginx/conf.d/wapt.conf
else
  WEB_GROUP=www-data WWW=/var/www
  rm -f /etc/nginx/sites-enabled/default
  SITE=/etc/nginx/sites-available/wapt.conf
  ln -sf "$SITE" /etc/nginx/sites-enabled/wapt.conf
fi
sed "s#@WWW@#$WWW#g" /opt/wapt/lab/nginx/wapt-locations.conf.template > /etc/nginx/wapt-locations.conf
sed -e "s#@WWW@#$WWW#g" -e 's#@HTTP_BODY@#include /etc/nginx/wapt-locations.conf;#' /opt/wapt/lab/nginx/wapt.conf.template > "$SITE"

# Users: wapt owns the server files, ops logs in with passwordless sudo; both accept the lab client key.
groupadd --system wapt && useradd --system -g wapt -G "$WEB_GROUP" -d /opt/wapt -s /usr/sbin/nologin wapt
useradd -m -s /bin/bash ops
echo 'ops ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/ops && chmod 440 /etc/sudoers.d/ops
for home in /root /home/ops; do
  mkdir -p "$home/.ssh" && cp /opt/wapt/lab/lab-client.pub "$home/.ssh/authorized_keys" && chmod 700 "$home/.ssh"
done
chown -R ops:ops /home/ops/.ssh
ssh-keygen -q -t ed25519 -N '' -C "$SHORT" -f /etc/ssh/ssh_host_ed25519_key

# Repository: wapt:<web group>, directories 750, files 640, with a hard link, an ACL and an xattr.
mkdir -p "$WWW/wapt" "$WWW/wapt-host" "$WWW/waptwua"
cp -a /opt/wapt/lab/samples/wapt/. "$WWW/wapt/"
cp -a /opt/wapt/lab/samples/waptwua/. "$WWW/waptwua/"
ln "$WWW/waptwua/windows10.0-kb5034441-x64.cab" "$WWW/waptwua/windows10.0-kb5034441-x64-hardlink.cab"
python3 /opt/wapt/lab/make-host-package.py "$FQDN" "$WWW/wapt-host/$FQDN.wapt" /opt/wapt/lab/keys/old.crt /opt/wapt/lab/keys/old.pem
chown -R wapt:"$WEB_GROUP" "$WWW/wapt" "$WWW/wapt-host" "$WWW/waptwua"
find "$WWW/wapt" "$WWW/wapt-host" "$WWW/waptwua" -type d -exec chmod 750 {} + -o -type f -exec chmod 640 {} +
setfacl -m u:ops:r "$WWW/wapt/lab-office_16.0-3_all.wapt"
setfattr -n user.wapt.origin -v lab-sample "$WWW/wapt/lab-browser_120.0-1_all.wapt"
/usr/bin/wapt-scanpackages "$WWW/wapt" >/dev/null 2>&1
# What else a faithful copy of $WWW must keep (issue 4), beside wapt/ so package scans do not see it: an ACL
# for the web server user, a default ACL, a setgid directory, a symlink owned by wapt, an empty directory,
# names with spaces, an xattr, and files owned by wapt with modes 600, 644 and 750.
DIFF="$WWW/wapt-diff-repos"
mkdir -p "$DIFF/site paris" "$DIFF/empty"
printf 'Lab: per-site package differences.\n' > "$DIFF/README lab.txt"
printf '#!/bin/sh\necho "lab sync"\n' > "$DIFF/sync.sh"
printf 'pc-0001.paris.wapt.lab\npc-0002.paris.wapt.lab\n' > "$DIFF/site paris/host list.txt"
ln -s ../../wapt/lab-tools_1.0-1_all.wapt "$DIFF/site paris/lab-tools latest.wapt"
chown -R wapt:"$WEB_GROUP" "$DIFF"
chmod 2750 "$DIFF" && chmod 750 "$DIFF/site paris" "$DIFF/empty" "$DIFF/sync.sh"
chmod 644 "$DIFF/README lab.txt" && chmod 600 "$DIFF/site paris/host list.txt"
setfacl -m u:"$WEB_GROUP":r "$DIFF/site paris/host list.txt"
setfacl -d -m u:"$WEB_GROUP":rx "$DIFF/site paris"
setfattr -n user.wapt.site -v 'paris office' "$DIFF/site paris/host list.txt"

# Server: ini with a pbkdf2_sha256 admin password, self-signed cert whose CN is the FQDN.
mkdir -p /opt/wapt/conf /opt/wapt/waptserver/ssl
HASH=$(printf '%s' "$ADMIN_PASSWORD" | python3 -c 'import sys; from passlib.hash import pbkdf2_sha256; print(pbkdf2_sha256.hash(sys.stdin.read()))')
cat > /opt/wapt/conf/waptserver.ini <<INI
[options]
server_uuid = $(python3 -c 'import uuid; print(uuid.uuid4())')
secret_key = $(openssl rand -hex 32)
wapt_user = admin
wapt_password = $HASH
wapt_folder = $WWW/wapt
waptwua_folder = $WWW/waptwua
waptserver_port = 8080
nginx_http = 80
nginx_https = 443
INI
chown wapt:wapt /opt/wapt/conf/waptserver.ini && chmod 640 /opt/wapt/conf/waptserver.ini
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$FQDN" \
  -keyout /opt/wapt/waptserver/ssl/key.pem -out /opt/wapt/waptserver/ssl/cert.pem 2>/dev/null
chown root:"$WEB_GROUP" /opt/wapt/waptserver/ssl/*.pem && chmod 440 /opt/wapt/waptserver/ssl/*.pem
printf '# lab stand-in for the PostgreSQL configuration file postconf edits\nmax_connections = 100\n' > /opt/wapt/lab/postgresql.conf
touch /var/log/waptserver.log && chown wapt:wapt /var/log/waptserver.log

# Agent: wapt-get.ini [global], trusted signing certificate, waptservice.
printf '[global]\nwapt_server = https://%s\nrepo_url = https://%s/wapt\nverify_cert = 0\nuse_fqdn_as_uuid = True\n' "$FQDN" "$FQDN" > /opt/wapt/wapt-get.ini
cp /opt/wapt/lab/keys/old.crt /opt/wapt/ssl/wapt-lab-old.crt
# PostgreSQL: a stand-in unit under the name WAPT 1.8 uses on each family (postconf.py:64, :68).
systemctl enable --quiet waptserver wapttasks waptservice "$(if [ "$ROLE" = rhel ]; then echo postgresql-9.6; else echo postgresql; fi)"
