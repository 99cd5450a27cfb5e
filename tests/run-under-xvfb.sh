#!/bin/sh
# run-under-xvfb.sh COMMAND [ARG...]
#
# Copyright 2026 The Audiences authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs COMMAND on a private Xvfb display (and, without a session bus, in a
# D-Bus session of its own, so nothing autolaunches one through the X
# server) and exits with its status. Xvfb
# picks a free display number itself (-displayfd) and reports it once it
# accepts connections, so parallel runs never race for a number. A server
# that is shutting down as ours starts can still remove our socket; then
# we start again on another number.
set -u

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aud-xvfb.XXXXXX") || exit 1
xvfb_pid=
stop_xvfb () {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
    xvfb_pid=
  fi
}
trap 'stop_xvfb; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Starts Xvfb; sets display or fails.
start_xvfb () {
  : >"$tmp/display"
  Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/log" &
  xvfb_pid=$!

  tries=0
  while ! grep -q '^[0-9][0-9]*$' "$tmp/display" 2>/dev/null; do
    if ! kill -0 "$xvfb_pid" 2>/dev/null || [ "$tries" -ge 300 ]; then
      return 1
    fi
    tries=$((tries + 1))
    sleep 0.1
  done
  display=$(cat "$tmp/display")

  sleep 0.3
  [ -S "/tmp/.X11-unix/X$display" ]
}

attempt=0
until start_xvfb; do
  stop_xvfb
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 5 ]; then
    echo "run-under-xvfb: Xvfb did not start:" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
done

DISPLAY=":$display"
export DISPLAY
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-run-session >/dev/null; then
  dbus-run-session -- "$@" 2>&1
else
  "$@"
fi
