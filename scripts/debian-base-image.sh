#!/usr/bin/env bash
# Builds a minimal Debian 12 (bookworm) base image straight from Debian's
# mirror, with `debootstrap --variant=minbase` and `docker import`, for
# machines that reach no image registry (CI here). The image is not cached in
# the repository; an image already present on the machine is reused.
#
#   scripts/debian-base-image.sh [TAG]      default: earshot-debian-base:bookworm
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian),
# REBUILD_BASE=1 to build again even when TAG exists. Needs root and a
# running Docker engine.
set -euo pipefail

tag=${1:-${EARSHOT_BASE_IMAGE:-earshot-debian-base:bookworm}}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if [[ ${REBUILD_BASE:-0} != 1 ]] && docker image inspect "$tag" >/dev/null 2>&1; then
    echo "debian-base-image: reusing $tag"
    exit 0
fi
if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi

root=$(mktemp -d /tmp/earshot-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "debian-base-image: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -n 30 "$root.log"; rm -f "$root.log"; exit 1
}
rm -f "$root.log"

# Like Debian's official slim image: updates and security in the sources, no
# recommends, no documentation or man pages from later installs.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
SOURCES
cat >"$root/etc/apt/apt.conf.d/90earshot-slim" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
APT
cat >"$root/etc/dpkg/dpkg.cfg.d/90earshot-nodoc" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
       "$root"/usr/share/man/* "$root"/usr/share/locale/*

echo "debian-base-image: importing as $tag"
tar --numeric-owner -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase bookworm $mirror" \
    - "$tag" >/dev/null
docker image ls "$tag"
