#!/usr/bin/python3
# Lab sample repository generator (run once per cached root filesystem): a few tens of MB of .wapt
# packages signed by the lab's "old" key, one whose control starts with a UTF-8 BOM and one whose setup.py
# calls register() in audit(). Usage: make-samples.py TARGET CERT KEY. They keep legacy (non-canonical) names
# with "_all", which the real wapt-signpackages would rename: they are signed here with the stand-in's module.
import os
import sys
import zipfile

sys.path.insert(0, "/opt/wapt")
import lab_waptpackage as wp  # noqa: E402

SETUP = 'from setuphelpers import *\n\ndef install():\n    print("installing %s")\n'
AUDIT_WITH_REGISTER = SETUP + '\ndef audit():\n    register()  # the guide warns: reloads the server database at every audit\n    return "OK"\n'
PACKAGES = [
    # (name, version, payload MiB, control starts with BOM, setup.py)
    ("lab-tools", "1.0-1", 8, False, SETUP),
    ("lab-office", "16.0-3", 12, False, SETUP),
    ("lab-browser", "120.0-1", 6, False, SETUP),
    ("lab-bom-control", "1.0-1", 1, True, SETUP),
    ("lab-audit-register", "2.1-0", 1, False, AUDIT_WITH_REGISTER),
]


def control(name, version):
    return (
        "package           : %s\nversion           : %s\narchitecture      : all\nsection           : base\n"
        "priority          : optional\nmaintainer        : wapt lab\ndescription       : lab sample package %s\n"
        "depends           : \nmin_wapt_version  : 1.8\n" % (name, version, name)
    )


def add_bom(path):
    """Put a UTF-8 BOM before WAPT/control after signing (WAPT itself cannot sign such a control)."""
    with zipfile.ZipFile(path) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    members["WAPT/control"] = b"\xef\xbb\xbf" + members["WAPT/control"]
    with zipfile.ZipFile(path, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)


def main(target, cert, key):
    with open(cert, "rb") as handle:
        cert_pem = handle.read()
    folder = os.path.join(target, "wapt")
    os.makedirs(folder, exist_ok=True)
    for name, version, mib, bom, setup in PACKAGES:
        data = control(name, version).encode("utf-8")
        path = os.path.join(folder, "%s_%s_all.wapt" % (name, version))
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("WAPT/control", data)
            package.writestr("setup.py", setup % name)
            package.writestr("payload/%s.bin" % name, os.urandom(mib * 1024 * 1024))
        wp.sign_package(path, cert_pem, key, "sha256")
        if bom:
            add_bom(path)
    wua = os.path.join(target, "waptwua")
    os.makedirs(wua, exist_ok=True)
    with open(os.path.join(wua, "windows10.0-kb5034441-x64.cab"), "wb") as handle:
        handle.write(os.urandom(4 * 1024 * 1024))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
