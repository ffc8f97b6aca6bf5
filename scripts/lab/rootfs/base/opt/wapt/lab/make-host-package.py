#!/usr/bin/python3
# Lab host package (run by setup-host.sh): usage make-host-package.py FQDN OUT.wapt CERT KEY. A WAPT 1.8 host
# package (section host, package = the host's FQDN, file <fqdn>.wapt) signed like the repository's packages.
import sys
import zipfile

sys.path.insert(0, "/opt/wapt")
import lab_waptpackage as wp  # noqa: E402

fqdn, out, cert, key = sys.argv[1:5]
control = {"package": fqdn, "version": "1", "architecture": "all", "section": "host", "priority": "optional",
           "maintainer": "wapt lab", "description": "host package of %s" % fqdn, "depends": "lab-tools"}
with zipfile.ZipFile(out, "w") as package:
    package.writestr("WAPT/control", wp.control_text(control))
    package.writestr("setup.py", "from setuphelpers import *\n\ndef install():\n    pass\n")
with open(cert, "rb") as handle:
    wp.sign_package(out, handle.read(), key, "sha256")
