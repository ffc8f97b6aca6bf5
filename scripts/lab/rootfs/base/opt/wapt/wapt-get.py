#!/usr/bin/python3
# LAB STAND-IN for WAPT 1.8.2 wapt-get.py: only the host id actions (generate-uuid [UUID], reset-uuid at
# :1299-1323, printing "New UUID: ...") and a read-only `lab-host-uuid` the lab tests use to ask the agent's id.
import sys

import lab_agent

ACTIONS = {
    "generate-uuid": lambda args: lab_agent.generate_uuid(args[0] if args else None),
    "reset-uuid": lambda args: lab_agent.reset_uuid(),
}


def main():
    if len(sys.argv) < 2:
        print("usage: wapt-get [options] action", file=sys.stderr)
        sys.exit(1)
    action, args = sys.argv[1], sys.argv[2:]
    if action == "lab-host-uuid":
        print(lab_agent.host_uuid())
    elif action in ACTIONS:
        print("New UUID: %s" % ACTIONS[action](args))
    else:
        print("wapt-get (lab stand-in): %s is not part of the stand-in" % action, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
