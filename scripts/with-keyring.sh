#!/bin/sh
# usage: dbus-run-session -- ./with-keyring.sh <command...>
set -e
printf '%s' "${KEYRING_PASS:-ci-pass}" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
i=0   # wait until the daemon owns the bus name, else D-Bus activation starts a 2nd daemon
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  i=$((i+1)); [ $i -gt 50 ] && { echo "secret service did not come up" >&2; exit 1; }
  sleep 0.1
done
exec "$@"
