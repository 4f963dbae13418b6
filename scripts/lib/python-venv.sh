# shellcheck shell=bash
# Sourced by scripts that run Python tools from PyPI: `ensure_venv VENV REQUIREMENTS` makes the venv (installing
# Debian's python3-venv first when needed) and installs the pinned requirements, again only when the pins change.
# Needs `python`, `work` and `fail` from the caller (lib/private-daemon.sh provides them).
ensure_venv() {
    local venv=$1 requirements=$2
    local stamp=$venv/.requirements.sha256 want
    want=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
    rm -rf "$venv"
    if ! "${python:?}" -m venv "$venv" >"${work:?}/venv.log" 2>&1; then
        rm -rf "$venv"
        command -v apt-get >/dev/null || fail "cannot create a venv with $python: $(cat "$work/venv.log")"
        local sudo_cmd=""
        [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
        export DEBIAN_FRONTEND=noninteractive
        { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv; } \
            >"$work/apt.log" 2>&1 || fail "installing python3-venv failed: $(tail -5 "$work/apt.log")"
        "${python:?}" -m venv "$venv" >"${work:?}/venv.log" 2>&1 || fail "cannot create a venv: $(cat "$work/venv.log")"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >"$work/pip.log" 2>&1 \
        || { rm -rf "$venv"; fail "pip install failed: $(tail -20 "$work/pip.log")"; }
    echo "$want" >"$stamp"
}
