#!/bin/bash
# LAB STAND-IN for WAPT 1.8.2's /opt/wapt/wapt-get.sh (repository root file of the same name): runs
# wapt-get.py with WAPT's python, $@ unquoted as the original does.
WAPT_HOME=/opt/wapt/
# shellcheck disable=SC2068
NCURSES_NO_UTF8_ACS=1 PYTHONHOME="${WAPT_HOME}" PYTHONPATH="${WAPT_HOME}" "${WAPT_HOME}/bin/python" "${WAPT_HOME}"/wapt-get.py $@
