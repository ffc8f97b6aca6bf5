#!/usr/bin/python3
# Lab sample repository generator (run once per cached root filesystem): a few tens of MB of .wapt
# packages, one whose control starts with a UTF-8 BOM and one whose setup.py calls register() in audit().
import os
import sys
import zipfile

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


def main(target):
    folder = os.path.join(target, "wapt")
    os.makedirs(folder, exist_ok=True)
    for name, version, mib, bom, setup in PACKAGES:
        data = control(name, version).encode("utf-8")
        with zipfile.ZipFile(os.path.join(folder, "%s_%s_all.wapt" % (name, version)), "w") as package:
            package.writestr("WAPT/control", (b"\xef\xbb\xbf" if bom else b"") + data)
            package.writestr("setup.py", setup % name)
            package.writestr("payload/%s.bin" % name, os.urandom(mib * 1024 * 1024))
    wua = os.path.join(target, "waptwua")
    os.makedirs(wua, exist_ok=True)
    with open(os.path.join(wua, "windows10.0-kb5034441-x64.cab"), "wb") as handle:
        handle.write(os.urandom(4 * 1024 * 1024))


if __name__ == "__main__":
    main(sys.argv[1])
