#!/usr/bin/python3
# LAB STAND-IN for WAPT 1.8.2 /opt/wapt/wapt-scanpackages.py (options at :56-67, :86-110): rebuilds Packages,
# logs at warning level on stderr only, exits 0 even when packages were dropped, 1 when the folder is missing.
import optparse
import os
import sys

import lab_waptpackage as wp


def main():
    parser = optparse.OptionParser(usage="%prog <wapt_directory>")
    parser.add_option("-f", "--force", dest="force", default=False, action="store_true")
    parser.add_option("-r", "--canonical-filenames", dest="canonical_filenames", default=False, action="store_true")
    parser.add_option("-l", "--loglevel", dest="loglevel", default=None)
    parser.add_option("-p", "--proxy", dest="proxy", default=None)
    parser.add_option("-b", "--update-db", dest="update_db", default=False, action="store_true")
    parser.add_option("-c", "--config", dest="configfile", default="/opt/wapt/conf/waptserver.ini")
    options, args = parser.parse_args()
    folder = args[0] if args else "/var/www/wapt"
    if not os.path.exists(folder):
        wp.log("ERROR", "Directory does not exist: %s" % folder)
        sys.exit(1)
    if not os.path.isdir(folder):
        wp.log("ERROR", "%s is not a directory" % folder)
        sys.exit(1)
    wp.update_packages(folder, force=options.force, canonical=options.canonical_filenames)


if __name__ == "__main__":
    main()
