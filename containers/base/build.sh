#!/usr/bin/env bash
# Build the registry-free base image braindock/base:bookworm from Debian packages (debootstrap + docker import).
# Usage: containers/base/build.sh [--force]   (skips the build when the image already exists)
set -euo pipefail
IMAGE="${BRAINDOCK_BASE_IMAGE:-braindock/base:bookworm}"
PACKAGES="python3,python3-numpy,python3-pil"
if [[ "${1:-}" != "--force" ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE already present"; exit 0
fi
MIRROR="${DEBIAN_MIRROR:-$(grep -hm1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}')}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
ROOTFS="$(mktemp -d)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "debootstrap bookworm ($PACKAGES) from $MIRROR"
debootstrap --variant=minbase --include="$PACKAGES" bookworm "$ROOTFS" "$MIRROR" >/dev/null
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1' \
  --change 'CMD ["/bin/bash"]' - "$IMAGE"
echo "built $IMAGE"
