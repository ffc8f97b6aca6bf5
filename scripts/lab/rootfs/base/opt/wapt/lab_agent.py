# LAB STAND-IN for the Linux agent's host id in WAPT 1.8.2 common.py (behaviour only, written for the lab):
# [global] uuid wins (:2921-2925), then use_fqdn_as_uuid, then the DMI UUID; when DMI gives none, a random
# uuid is written into wapt-get.ini (host_uuid :3227-3266); generate-uuid writes rnd-<uuid4> (:3268-3292),
# reset-uuid removes [global] uuid (:3300-3310). The agent's own parameter store is a JSON file here.
import configparser
import json
import os
import socket
import uuid

CONFIG = "/opt/wapt/wapt-get.ini"
PARAMS = "/opt/wapt/db/lab-params.json"


def read_ini():
    """wapt-get.ini as the agent reads it."""
    ini = configparser.RawConfigParser()
    ini.read(CONFIG)
    return ini


def write_ini(ini):
    """wapt-get.ini rewritten by RawConfigParser (comments and layout are not kept, as in 1.8.2)."""
    with open(CONFIG, "w") as handle:
        ini.write(handle)


def params():
    """The agent's stored parameters (uuid, hostname)."""
    try:
        with open(PARAMS) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def hostname():
    """setuphelpers.get_hostname(): the FQDN, lower case."""
    return socket.getfqdn().lower()


def dmi_uuid():
    """The BIOS UUID, or None when DMI gives none (a container, a VM without it)."""
    try:
        with open("/sys/class/dmi/id/product_uuid") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def host_uuid():
    """The id the agent registers with, resolved and stored as 1.8.2 does."""
    ini, stored = read_ini(), params()
    previous, registered = stored.get("uuid"), stored.get("hostname")
    use_fqdn = ini.has_option("global", "use_fqdn_as_uuid") and ini.get("global", "use_fqdn_as_uuid").lower() in (
        "1", "true", "yes", "on")
    if ini.has_option("global", "uuid"):
        new = ini.get("global", "uuid")
    elif use_fqdn:
        new = hostname()
    elif dmi_uuid():
        new = dmi_uuid()
    elif previous is None or registered != hostname():
        new = str(uuid.uuid4())
        ini.set("global", "uuid", new)
        write_ini(ini)
    else:
        new = previous
    if previous != new or registered != hostname():
        os.makedirs(os.path.dirname(PARAMS), exist_ok=True)
        with open(PARAMS, "w") as handle:
            json.dump({"uuid": new, "hostname": hostname()}, handle)
    return new


def generate_uuid(forced=None):
    """[global] uuid = the given one or rnd-<uuid4>."""
    ini = read_ini()
    ini.set("global", "uuid", forced or "rnd-%s" % uuid.uuid4())
    write_ini(ini)
    return host_uuid()


def reset_uuid():
    """[global] uuid removed: back to the FQDN or the BIOS id."""
    ini = read_ini()
    if ini.has_option("global", "uuid"):
        ini.remove_option("global", "uuid")
        write_ini(ini)
    return host_uuid()
