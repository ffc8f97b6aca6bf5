# LAB STAND-IN for the parts of WAPT 1.8.2 waptpackage.py that wapt-signpackages.py and wapt-scanpackages.py
# use (behaviour only, written for the lab): control parsing, canonical file names, signing, the Packages index.
import base64
import calendar
import datetime
import glob
import hashlib
import json
import os
import pwd
import re
import subprocess
import sys
import tempfile
import time
import zipfile

SIGNED_ATTRIBUTES = ["package", "version", "architecture", "section", "priority", "depends", "conflicts", "maturity"]
SIGNING_ATTRIBUTES = ["signer", "signer_fingerprint", "signature", "signature_date", "signed_attributes"]


class EWaptBadControl(Exception):
    """A control block WAPT cannot parse (waptpackage.py:187, raised at :776)."""


def control_to_dict(text):
    """Fields of a control block: stops at the first blank line, continuation lines start with a space."""
    fields, key = {}, None
    for line in text.splitlines():
        if not line.strip():
            break
        if line.startswith(" ") and key is not None:
            fields[key] += "\n" + line.strip()
            continue
        colon = line.find(":")
        if colon < 0:
            raise EWaptBadControl("Invalid line (no \":\" found) : %s" % line)
        key = line[:colon].strip().lower()
        fields[key] = line[colon + 1:].strip()
    return fields


def control_text(fields):
    """A control block in WAPT's layout (one `key : value` line per field)."""
    return "".join("%-18s: %s\n" % (key, value.replace("\n", "\n ")) for key, value in fields.items())


def read_control(path):
    """Control fields of a .wapt file; UTF-8 only (a BOM or another encoding is an error, as in 1.8.2)."""
    with zipfile.ZipFile(path) as package:
        data = package.read("WAPT/control")
    if data.startswith(b"\xef\xbb\xbf"):
        raise UnicodeEncodeError("ascii", data[:3].decode("utf-8"), 0, 1, "control data starts with a UTF-8 BOM")
    return control_to_dict(data.decode("utf-8"))


def canonical_filename(fields):
    """The file name WAPT 1.8.2 gives a package (make_package_filename, waptpackage.py:1430-1468)."""
    if fields.get("section") == "host":
        return fields["package"] + ".wapt"
    parts = [fields["package"], fields["version"]]
    parts += [f for f in (fields.get("architecture"), fields.get("maturity"), fields.get("locale")) if f and f != "all"]
    return "_".join(parts) + ".wapt"


def openssl(args, data):
    """stdout of an openssl command fed with data."""
    return subprocess.run(["openssl"] + args, input=data, capture_output=True, check=True).stdout


def fingerprint(cert_pem):
    """SHA-256 of the DER form of the first certificate of a PEM text."""
    return hashlib.sha256(openssl(["x509", "-outform", "DER"], cert_pem)).hexdigest()


def common_name(cert_pem):
    """The CN of a certificate."""
    subject = openssl(["x509", "-noout", "-subject", "-nameopt", "multiline"], cert_pem).decode()
    match = re.search(r"commonName\s*=\s*(.*)", subject)
    return match.group(1).strip() if match else ""


def is_code_signing(cert_pem):
    """True when the certificate's extended key usage allows code signing (waptcrypto.py:1677)."""
    text = openssl(["x509", "-noout", "-ext", "extendedKeyUsage"], cert_pem).decode()
    return "Code Signing" in text


def signed_content(fields):
    """What the control signature covers: the signed attributes, in order."""
    names = fields.get("signed_attributes", ",".join(SIGNED_ATTRIBUTES)).split(",")
    return json.dumps([[name, fields.get(name, "")] for name in names]).encode()


def control_signature_valid(path, cert_pem):
    """True when the package's control is signed by this certificate and the signature verifies."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        embedded = package.read("WAPT/certificate.crt") if "WAPT/certificate.crt" in names else b""
    fields = read_control(path)
    if not embedded or fingerprint(embedded) != fingerprint(cert_pem) or "signature" not in fields:
        return False
    if fields.get("signer_fingerprint") != fingerprint(cert_pem):
        return False
    with tempfile.NamedTemporaryFile() as pub, tempfile.NamedTemporaryFile() as sig:
        pub.write(openssl(["x509", "-noout", "-pubkey"], cert_pem))
        sig.write(base64.b64decode(fields["signature"]))
        pub.flush()
        sig.flush()
        check = subprocess.run(
            ["openssl", "dgst", "-sha256", "-verify", pub.name, "-signature", sig.name],
            input=signed_content(fields), capture_output=True,
        )
    return check.returncode == 0


def inc_build(version):
    """The version with its last number part incremented (inc_build, waptpackage.py:1514-1523)."""
    match = re.match(r"^(.*?)(\d+)$", version)
    if not match:
        raise EWaptBadControl("no build/packaging part in version number %s" % version)
    return match.group(1) + str(int(match.group(2)) + 1)


def sign_package(path, cert_pem, key_path, md, keep_date=False, inc_release=False):
    """Re-sign a package in place; returns its canonical file name (sign_package, waptpackage.py:1880-2000)."""
    with open(key_path, "rb"):
        pass  # an unreadable key fails here, as SSLPrivateKey does, before the package is touched
    with zipfile.ZipFile(path) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    fields = read_control(path)
    if inc_release:
        fields["version"] = inc_build(fields["version"])
    if "setup.py" in members and not is_code_signing(cert_pem):
        raise Exception("Certificate %s doesn't allow to sign packages with setup.py file." % common_name(cert_pem))
    for name in list(members):
        if name.startswith("WAPT/signature") or name.startswith("WAPT/manifest") or name == "WAPT/certificate.crt":
            del members[name]
    if not keep_date or not fields.get("signature_date"):
        fields["signature_date"] = datetime.datetime.utcnow().strftime("%Y%m%d-%H%M%S")
    fields["signed_attributes"] = ",".join(SIGNED_ATTRIBUTES)
    fields["signer"] = common_name(cert_pem)
    fields["signer_fingerprint"] = fingerprint(cert_pem)
    fields["signature"] = base64.b64encode(openssl(["dgst", "-sha256", "-sign", key_path], signed_content(fields))).decode()
    members["WAPT/control"] = control_text(fields).encode("utf-8")
    members["WAPT/certificate.crt"] = cert_pem
    manifest = json.dumps(sorted([name, hashlib.sha256(data).hexdigest()] for name, data in members.items())).encode()
    members["WAPT/manifest.%s" % md] = manifest
    members["WAPT/signature.%s" % md] = base64.b64encode(openssl(["dgst", "-" + md, "-sign", key_path], manifest))
    # Rewritten in place, as 1.8.2 edits the zip in append mode: the file keeps its inode, owner, mode and ACL.
    with open(path, "r+b") as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in members.items():
                package.writestr(name, data)
        handle.truncate()
    signed_at = calendar.timegm(time.strptime(fields["signature_date"], "%Y%m%d-%H%M%S"))
    os.utime(path, (signed_at, signed_at))
    return canonical_filename(fields)


def log(level, message):
    """A log line on stderr in WAPT's format (date, level, message), at the tools' default level (warning)."""
    if level == "INFO":
        return
    print("%s %s %s" % (time.strftime("%Y-%m-%d %H:%M:%S"), level, message), file=sys.stderr)


def index_entries(packages_path):
    """Entries of an existing Packages zip by file name, and its signer certificates (empty when unreadable)."""
    try:
        with zipfile.ZipFile(packages_path) as index:
            text = index.read("Packages").decode("utf-8")
            certs = {n[4:-4]: index.read(n) for n in index.namelist() if n.startswith("ssl/") and n.endswith(".crt")}
    except (OSError, KeyError, zipfile.BadZipFile):
        return {}, {}
    entries = {}
    for block in text.split("\n\n"):
        if block.strip():
            fields = control_to_dict(block)
            entries[fields.get("filename", "")] = block.strip("\n")
    return entries, certs


def update_packages(folder, force=False, canonical=False, owner="wapt"):
    """Rebuild <folder>/Packages (update_packages_index, waptpackage.py:3201-3339); exits 0 even on errors."""
    packages_path = os.path.join(folder, "Packages")
    index_date = os.stat(packages_path).st_mtime if os.path.isfile(packages_path) else 0
    old, signers = ({}, {}) if force else index_entries(packages_path)
    kept = {}
    for name, block in old.items():
        path = os.path.join(folder, os.path.basename(name))
        if not os.path.isfile(path):
            log("INFO", "Stripping entry without matching file : %s" % path)
        elif os.stat(path).st_mtime <= index_date:
            kept[os.path.basename(name)] = block
    lines = []
    for path in sorted(glob.glob(os.path.join(os.path.abspath(folder), "*.wapt"))):
        name = os.path.basename(path)
        try:
            if name in kept and not canonical:
                block = kept[name]
                section = control_to_dict(block).get("section")
            else:
                fields = read_control(path)
                if canonical and canonical_filename(fields) != name:
                    target = os.path.join(folder, canonical_filename(fields))
                    os.rename(path, target)
                    path, name = target, os.path.basename(target)
                with zipfile.ZipFile(path) as package:
                    if "WAPT/certificate.crt" in package.namelist():
                        cert = package.read("WAPT/certificate.crt")
                        signers[fingerprint(cert)] = cert
                with open(path, "rb") as handle:
                    md5 = hashlib.md5(handle.read()).hexdigest()
                fields.update({"filename": name, "size": str(os.stat(path).st_size), "md5sum": md5})
                block = control_text(fields).rstrip("\n")
                section = fields.get("section")
            if section != "host":
                lines += [block, ""]
        except Exception as error:  # noqa: BLE001 - every package error is logged and the scan goes on
            log("CRITICAL", "package %s: %s" % (path, error))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix="Packages.")
    os.close(handle)
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as index:
        index.writestr("Packages", "\n".join(lines))
        for signer, cert in signers.items():
            index.writestr("ssl/%s.crt" % signer, cert)
    os.chmod(temporary, 0o644)
    os.replace(temporary, packages_path)
    if owner:  # wapt-scanpackages.py:103-108 gives it to user wapt; postconf's own rebuild does not
        entry = pwd.getpwnam(owner)
        os.chown(packages_path, entry.pw_uid, entry.pw_gid)
