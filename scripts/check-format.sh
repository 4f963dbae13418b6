#!/usr/bin/env bash
# Lints the Swift files a change touches against .swift-format (swift-format, part of the toolchain).
#   scripts/check-format.sh              files changed since GEOFLEET_FORMAT_BASE, else since the branch left
#                                        origin/main, else in the last commit
#   scripts/check-format.sh FILE...      those files
#   scripts/check-format.sh --all        every Swift file
# Fix with: swift format format -i FILE... (or -r Sources Tests for everything).
set -euo pipefail
cd "$(dirname "$0")/.."
files=()
if [ "${1:-}" = "--all" ]; then
    mapfile -t files < <(git ls-files '*.swift')
elif [ $# -gt 0 ]; then
    files=("$@")
else
    base=${GEOFLEET_FORMAT_BASE:-}
    if [ -z "$base" ] && git rev-parse -q --verify origin/main >/dev/null; then
        base=$(git merge-base HEAD origin/main)
        [ "$base" = "$(git rev-parse HEAD)" ] && base=""
    fi
    if [ -z "$base" ] && git rev-parse -q --verify HEAD~1 >/dev/null; then base=HEAD~1; fi
    if [ -z "$base" ]; then
        mapfile -t files < <(git ls-files '*.swift')
    else
        # Committed and uncommitted changes alike; deleted files are not linted.
        mapfile -t files < <(git diff --name-only --diff-filter=d "$base" -- '*.swift')
    fi
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "format: no Swift files changed"
    exit 0
fi
swift format lint --strict --configuration .swift-format "${files[@]}"
echo "format: ${#files[@]} Swift files follow .swift-format"
