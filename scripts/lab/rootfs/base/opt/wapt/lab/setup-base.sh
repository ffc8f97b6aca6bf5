#!/bin/sh
# Lab base image step (run in a chroot once per cached root filesystem): drops the shared SSH host keys,
# links the WAPT stand-ins (and /opt/wapt/bin/python, the stand-in of WAPT's python), makes the lab "old"/"new" signing keys, a dhparam, and the signed sample packages.
set -eu
rm -f /etc/ssh/ssh_host_*
systemctl disable --quiet nginx ssh >/dev/null 2>&1 || true
systemctl enable --quiet ssh nginx
# The container root is mounted by nspawn; remounting it is useless and failed (219/CGROUP) under load.
systemctl mask --quiet systemd-remount-fs.service
# The fstab generator skips device entries in a container (read-only /sys): this unit mounts them at boot.
systemctl enable --quiet waptops-lab-fstab.service
mkdir -p /opt/wapt/bin /opt/wapt/lab/keys /opt/wapt/lab/agent-www /opt/wapt/ssl
ln -sf /opt/wapt/waptserver/scripts/postconf.sh /usr/bin/wapt-serverpostconf
ln -sf /opt/wapt/wapt-get.sh /usr/bin/wapt-get
echo '{"lab_stand_in": true, "service": "waptservice"}' > /opt/wapt/lab/agent-www/index.json
for name in old new; do
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=wapt-lab-$name" \
    -addext "extendedKeyUsage=critical,codeSigning" -keyout /opt/wapt/lab/keys/$name.pem -out /opt/wapt/lab/keys/$name.crt 2>/dev/null
done
openssl dhparam -dsaparam -out /etc/ssl/certs/dhparam.pem 2048 2>/dev/null
python3 /opt/wapt/lab/make-samples.py /opt/wapt/lab/samples /opt/wapt/lab/keys/old.crt /opt/wapt/lab/keys/old.pem
