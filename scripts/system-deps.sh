#!/usr/bin/env bash
# Install the Debian packages govdash needs, only those that are missing.
#   system-deps.sh run   fonts-noto-cjk chromium                  (Chinese text, static chart export)
#   system-deps.sh test  fonts-noto-cjk chromium chromium-driver  (+ browser tests)
# Uses apt-get as root, else sudo -n if available, else says what to install.
# Never downloads a browser from anywhere but the Debian archive.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

case "${1:-run}" in
    run)  pkgs=(fonts-noto-cjk chromium) ;;
    test) pkgs=(fonts-noto-cjk chromium chromium-driver) ;;
    *)    die "usage: $0 run|test" ;;
esac
strict=0; [ "${1:-run}" = test ] && strict=1

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: check for the programs instead and leave installing to the user.
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    [ "$strict" = 1 ] && { command -v chromedriver >/dev/null 2>&1 || missing+=(chromedriver); }
    if [ ${#missing[@]} -gt 0 ]; then
        warn "not a Debian system: please install ${missing[*]} and a CJK font (Noto Sans CJK) yourself"
        [ "$strict" = 1 ] && exit 1
    fi
    exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages present: ${pkgs[*]}"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    msg="missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
    if [ "$strict" = 1 ]; then die "$msg"; fi
    warn "$msg (the app runs without them, but image export and Chinese fonts in exports will not work)"
    exit 0
fi

say "Installing Debian packages: ${missing[*]}"
apt_opts=(-y -q -o DPkg::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get "${apt_opts[@]}" update
"${as_root[@]}" apt-get "${apt_opts[@]}" install "${missing[@]}"
