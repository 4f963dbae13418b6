#!/usr/bin/env bash
# Installs a real OSRM backend for the external-router tests: a venv at .venv-osrm/ (repo root) with the pinned
# osrm-bindings wheel from PyPI, whose package ships osrm/bin/osrm-{extract,contract,routed,...} and
# osrm/share/profiles/car.lua. Needs Python >= 3.12 (the wheel's floor): pyenv's 3.12/3.13, else python3.12/3.13
# on PATH. Idempotent: quiet when the venv already matches scripts/requirements-osrm.txt.
# The last line printed is the bin directory; `--print-bin` prints only that (installing first if needed).
#
#   GEOFLEET_OSRM_VENV=<dir>   where to install (default .venv-osrm/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${GEOFLEET_OSRM_VENV:-$root/.venv-osrm}
requirements=$root/scripts/requirements-osrm.txt
print_only=0
[ "${1:-}" = "--print-bin" ] && print_only=1

fail() { echo "install-osrm: $*" >&2; exit 1; }

# The bin dir lives inside site-packages, whose name carries the Python version: ask the venv's Python.
bin_dir() {
    "$venv/bin/python" -c 'import os, osrm; print(os.path.join(os.path.dirname(osrm.__file__), "bin"))'
}

installed() {
    [ -x "$venv/bin/python" ] || return 1
    [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$(sha256sum "$requirements" | cut -d' ' -f1)" ] || return 1
    local dir
    dir=$(bin_dir 2>/dev/null) || return 1
    [ -x "$dir/osrm-routed" ] && [ -x "$dir/osrm-extract" ] && [ -x "$dir/osrm-contract" ]
}

# A Python >= 3.12: pyenv's installed versions first (newest 3.12/3.13 found), then PATH.
find_python() {
    local candidates=() pyenv_root=""
    if command -v pyenv >/dev/null 2>&1; then pyenv_root=$(pyenv root 2>/dev/null || true); fi
    [ -n "$pyenv_root" ] || pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
    if [ -d "$pyenv_root/versions" ]; then
        local v
        for v in $(ls "$pyenv_root/versions" | grep -E '^3\.(1[2-9]|[2-9][0-9])\.[0-9]+$' | sort -t. -k1,1nr -k2,2nr -k3,3nr); do
            candidates+=("$pyenv_root/versions/$v/bin/python3")
        done
    fi
    local name
    for name in python3.13 python3.12 python3; do
        command -v "$name" >/dev/null 2>&1 && candidates+=("$(command -v "$name")")
    done
    local py
    for py in "${candidates[@]}"; do
        [ -x "$py" ] || continue
        if "$py" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
            echo "$py"
            return 0
        fi
    done
    return 1
}

if ! installed; then
    python=$(find_python) || fail "no Python >= 3.12 found (looked in \$(pyenv root)/versions and for python3.12/python3.13 on PATH); install one, e.g. pyenv install 3.12"
    log=$(mktemp "${TMPDIR:-/tmp}/geofleet-install-osrm-XXXXXX")
    trap 'rm -f "$log"' EXIT
    rm -rf "$venv"
    "$python" -m venv "$venv" >"$log" 2>&1 || { rm -rf "$venv"; fail "cannot create a venv with $python: $(tail -5 "$log")"; }
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >"$log" 2>&1 \
        || { rm -rf "$venv"; fail "pip install failed: $(tail -20 "$log")"; }
    sha256sum "$requirements" | cut -d' ' -f1 >"$venv/.requirements.sha256"
    installed || { fail "osrm-bindings installed but osrm-routed/osrm-extract/osrm-contract are missing under $(bin_dir 2>/dev/null || echo '?')"; }
    [ "$print_only" = 1 ] || echo "install-osrm: installed $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv with $python" >&2
fi
bin_dir
