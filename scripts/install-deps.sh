#!/usr/bin/env bash
# Installs the system packages GeoFleet needs, from Debian's archive; does nothing when they are there.
set -euo pipefail
packages=(postgresql-15-postgis-3 postgresql-15 postgresql-client-15 redis-server haproxy libgeos-dev libproj-dev libhiredis-dev libpq-dev zlib1g-dev zstd pkg-config curl openssl python3-yaml libxml2-utils libcairo2-dev libjs-leaflet chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian's package starts a cluster of its own on 5432; GeoFleet runs private clusters and does not use it.
