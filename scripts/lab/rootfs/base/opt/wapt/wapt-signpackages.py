#!/usr/bin/python3
# LAB STAND-IN for WAPT 1.8.2 /opt/wapt/wapt-signpackages.py (its options at :53-65, its loop at :117-190):
# re-signs packages, renames a file whose name is not canonical, prints Processing/Renaming/Done, exits 1 on
# any package error. Run through the /usr/bin/wapt-signpackages wrapper, so as user wapt.
import glob
import optparse
import os
import sys

import lab_waptpackage as wp


def main():
    parser = optparse.OptionParser(usage="wapt-signpackages -c crtfile package1 package2", prog="wapt-signpackage")
    parser.add_option("-c", "--certificate", dest="public_key", default="")
    parser.add_option("-t", "--trusted", dest="trusted_certs", default="")
    parser.add_option("-k", "--private-key", dest="private_key", default="")
    parser.add_option("-l", "--loglevel", dest="loglevel", default=None)
    parser.add_option("-m", "--message-digest", dest="md", default="sha256")
    parser.add_option("-s", "--scan-packages", dest="doscan", default=False, action="store_true")
    parser.add_option("-r", "--remove-setup", dest="removesetup", default=False, action="store_true")
    parser.add_option("-i", "--inc-release", dest="increlease", default=False, action="store_true")
    parser.add_option("--maturity", dest="set_maturity", default=None)
    parser.add_option("--target-os", dest="set_target_os", default=None)
    parser.add_option("--keep-signature-date", dest="keep_signature_date", default=False, action="store_true")
    parser.add_option("--if-needed", dest="if_needed", default=False, action="store_true")
    options, args = parser.parse_args()
    if not args:
        print(parser.usage)
        sys.exit(1)
    if not options.public_key and not options.private_key:
        print("ERROR: No certificate found or specified")
        sys.exit(1)
    key = options.private_key if options.private_key and os.path.isfile(options.private_key) else None
    if not key:
        print("ERROR: No private key found or specified")
        sys.exit(1)
    with open(options.public_key, "rb") as handle:
        cert_pem = handle.read()
    packages = [path for arg in args for path in glob.glob(arg)]
    errors, folders = [], []
    for package in packages:
        folder = os.path.abspath(os.path.dirname(package))
        if folder not in folders:
            folders.append(folder)
        print("Processing %s" % package)
        try:
            needed = not options.if_needed or options.increlease or not wp.control_signature_valid(package, cert_pem)
            if needed:
                newname = wp.sign_package(
                    package, cert_pem, key, options.md, options.keep_signature_date, options.increlease
                )
                oldname = os.path.basename(package)
                if newname != oldname:
                    target = os.path.join(folder, newname)
                    if not os.path.isfile(target):
                        print("Renaming file from %s to %s to match new package's properties" % (oldname, newname))
                        os.rename(os.path.join(folder, oldname), target)
                    else:
                        print("WARNING: unable to rename file from %s to %s because target already exists" % (oldname, newname))
            print("Done")
        except Exception as error:  # noqa: BLE001 - as 1.8.2: one package's error does not stop the others
            print("Error: %s" % error)
            errors.append([package, repr(error)])
    if options.doscan:
        for folder in folders:
            if os.path.isfile(os.path.join(folder, "Packages")):
                print("Launching the update of Packages index in %s ..." % folder)
                wp.update_packages(folder, canonical=True)
                print("Done")
    else:
        print("Don't forget to rescan your repository with wapt-scanpackages -r -f %s" % os.path.dirname(packages[0]))
    if errors:
        print("Package not processed properly: ")
        for name, error in errors:
            print("%s : %s" % (name, error))
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
