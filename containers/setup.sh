#!/usr/bin/env bash
# Make this machine ready to run braindock's containers: Docker engine installed and running, base image built,
# podman installed (the second engine plug-in), charliecloud (the daemonless one).
# Idempotent: each step is skipped when already done. Needs root (or sudo) for apt and dockerd.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1 || ! command -v podman >/dev/null 2>&1 \
   || ! command -v ch-run >/dev/null 2>&1; then
  echo "setup: installing docker.io, podman, charliecloud and debootstrap"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker.io podman charliecloud debootstrap >/dev/null
fi
if ! grep -qs default_ulimits /etc/containers/containers.conf; then  # podman's default ulimits fail in this sandbox
  $SUDO mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' | $SUDO tee -a /etc/containers/containers.conf >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd (log: /tmp/dockerd.log)"
  $SUDO sh -c 'nohup dockerd > /tmp/dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /tmp/dockerd.log" >&2; tail -20 /tmp/dockerd.log >&2; exit 1; }
fi

$SUDO containers/base/build.sh
echo "setup: engine running, base image ready"
