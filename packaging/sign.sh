#!/bin/sh
# Authenticode-signs Windows executables in place with osslsigncode.
#   SIGN_CERT   PEM/DER certificate (chain) file     } both must be files,
#   SIGN_KEY    PEM/DER private key file             } else signing is skipped
#   SIGN_PASS   key password (optional)
#   SIGN_URL    "more info" URL shown in the signature details (optional)
#   SIGN_TS_URL RFC 3161 timestamp server, e.g. http://timestamp.digicert.com (optional,
#               needs internet; recommended for releases so signatures outlive the cert)
#   SIGN_REQUIRED=1  fail instead of skipping (use it in release pipelines)
# usage: packaging/sign.sh file.exe...
set -eu
if [ -z "${SIGN_CERT:-}" ] || [ -z "${SIGN_KEY:-}" ] || [ ! -f "$SIGN_CERT" ] || [ ! -f "$SIGN_KEY" ]; then
  if [ "${SIGN_REQUIRED:-0}" = 1 ]; then
    echo "sign.sh: SIGN_REQUIRED=1 but SIGN_CERT/SIGN_KEY do not point at files" >&2
    exit 1
  fi
  echo "signing skipped: set SIGN_CERT and SIGN_KEY"
  exit 0
fi
sign() {
  rm -f "$1.signed"
  osslsigncode sign -certs "$SIGN_CERT" -key "$SIGN_KEY" -n "Handover" -h sha256 \
    ${SIGN_PASS:+-pass "$SIGN_PASS"} ${SIGN_URL:+-i "$SIGN_URL"} ${SIGN_TS_URL:+-ts "$SIGN_TS_URL"} \
    -in "$1" -out "$1.signed" >/dev/null
  mv -f "$1.signed" "$1"
  echo "signed $(basename "$1")"
}
for f in "$@"; do
  sign "$f"
done
