#!/bin/sh
# LAB STAND-IN for WAPT 1.8 postconf.sh: like the real one, it hands over to postconf.py.
exec /opt/wapt/bin/python /opt/wapt/waptserver/scripts/postconf.py "$@"
