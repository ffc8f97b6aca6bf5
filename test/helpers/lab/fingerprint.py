# Prints one line per entry below a directory (and the directory itself, "."), sorted by path: what a
# faithful copy must keep. Run inside a lab host by fingerprint.ts: python3 - ROOT [EXCLUDED_RELATIVE_PATH...]
import grp
import hashlib
import json
import os
import pwd
import stat
import subprocess
import sys


def owner(st):
    try:
        user = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        user = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return f"{user}:{group}"


def kind(st):
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISLNK(st.st_mode):
        return "symlink"
    return "other"


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tool_lines(args):
    """The tool's output lines (its '# file:' header dropped), sorted: listing order differs between filesystems."""
    result = subprocess.run(args, capture_output=True)
    text = result.stdout.decode("utf-8", "surrogateescape")
    if result.returncode != 0:
        return "error:" + result.stderr.decode("utf-8", "surrogateescape").strip()
    lines = sorted(line for line in text.splitlines() if line and not line.startswith("# file:"))
    return ",".join(lines) or "-"


def entries(root, excluded):
    yield "."
    for directory, subdirectories, files in os.walk(root):
        relative_directory = os.path.relpath(directory, root)
        names = subdirectories + files
        subdirectories[:] = [
            name for name in subdirectories if os.path.normpath(os.path.join(relative_directory, name)) not in excluded
        ]
        for name in names:
            relative = os.path.normpath(os.path.join(relative_directory, name))
            if relative not in excluded:
                yield relative


def main(root, excluded):
    stats = {}
    for relative in entries(root, excluded):
        stats[relative] = os.lstat(os.path.join(root, relative))
    by_inode = {}
    for relative, st in sorted(stats.items()):
        if kind(st) != "dir" and st.st_nlink > 1:
            by_inode.setdefault((st.st_dev, st.st_ino), []).append(relative)
    for relative, st in sorted(stats.items()):
        path = os.path.join(root, relative)
        what = kind(st)
        fields = [json.dumps(relative), what, owner(st), "%04o" % stat.S_IMODE(st.st_mode)]
        if what == "dir":
            fields += ["size=-", "nlink=-", "linked=-", "mtime=-", "sha256=-", "target=-"]
        else:
            group = by_inode.get((st.st_dev, st.st_ino), [])
            fields += [
                f"size={st.st_size}",
                f"nlink={st.st_nlink}",
                "linked=" + (json.dumps(group[0]) if len(group) > 1 else "-"),
                f"mtime={int(st.st_mtime)}",
                "sha256=" + (sha256(path) if what == "file" else "-"),
                "target=" + (json.dumps(os.readlink(path)) if what == "symlink" else "-"),
            ]
        fields.append("acl=" + ("-" if what == "symlink" else tool_lines(["getfacl", "-cp", "--", path])))
        fields.append("xattr=" + tool_lines(["getfattr", "-h", "-d", "-m", "-", "--absolute-names", "--", path]))
        print("\t".join(fields))


main(sys.argv[1], {os.path.normpath(path) for path in sys.argv[2:]})
