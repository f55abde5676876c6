#!/usr/bin/env bash
# Install the Debian packages named as arguments that are not installed yet.
# Prints nothing when everything is already present.
#
#   scripts/ensure-system-packages.sh postgresql python3-venv
set -euo pipefail

if (($# == 0)); then
    echo "usage: $0 PACKAGE..." >&2
    exit 2
fi

missing=()
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

((${#missing[@]} == 0)) && exit 0

sudo=()
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "error: missing system packages (${missing[*]}); run as root or install sudo" >&2
        exit 1
    fi
    sudo=(sudo)
fi

echo "Installing missing system packages: ${missing[*]}" >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
