#!/usr/bin/env bash
# Install everything planex needs to build, test and run, from Debian packages.
# Safe to run again: packages already present are skipped.
#   --with-browser   also install Chromium (report screenshot tests)
#   --with-bench     also install pandoc (benchmark reference)
set -eu

pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      libxml2-dev libpcre2-dev libicu-dev libsqlite3-dev sqlite3 libzip-dev
      libjansson-dev libmd-dev libxlsxwriter-dev python3 zip unzip)
for arg in "$@"; do
  case "$arg" in
    --with-browser) pkgs+=(chromium fonts-dejavu-core) ;;
    --with-bench) pkgs+=(pandoc) ;;
    *) echo "install-deps: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get -o DPkg::Lock::Timeout=900 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
