#!/usr/bin/env bash
# What the PDF documents and their tests need, installed when missing (like chromium.sh):
# the CJK font every PDF embeds a subset of (skillcert.pdf; Apache-2.0) and poppler's
# pdffonts/pdftoppm, with which the tests check the embedding and render pages, zbarimg,
# which reads the QR codes off a rendered page as a phone would, and NSS's certutil, with which
# the tests give pdfsig (poppler's signature checker) the trust root a reader would install.
set -euo pipefail
missing=()
[[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || missing+=(fonts-wqy-microhei)
command -v pdffonts >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
command -v certutil >/dev/null || missing+=(libnss3-tools)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing ${missing[*]}: run as root, or apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# sed reads to the end: head would close the pipe early and pipefail would fail on SIGPIPE.
pdftoppm -v 2>&1 | sed -n 1p
