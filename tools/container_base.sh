#!/usr/bin/env bash
# Build a local stand-in for the Containerfile's Python base image from Debian's packages, for a
# machine that reaches Debian's package mirror but no container registry (like this project's CI).
# The result, localhost/signaleer-base-python:3.11-bookworm, is a Debian 12 with python3 3.11 in a
# venv on the PATH (pip included), as the official python:3.11-slim-bookworm image offers.
#   tools/container_base.sh && podman build --format docker \
#       --build-arg PYTHON_IMAGE=localhost/signaleer-base-python:3.11-bookworm -f Containerfile .
# The host's CA bundle goes in too, so pip inside works where a proxy inspects TLS.
set -euo pipefail

IMAGE=${1:-localhost/signaleer-base-python:3.11-bookworm}
MIRROR=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}
[ -n "$MIRROR" ] || { echo "no Debian mirror found in apt's sources; set DEBIAN_MIRROR" >&2; exit 1; }
PODMAN=(podman)
command -v runc >/dev/null && PODMAN+=(--runtime runc)  # crun needs a pure cgroup v2 host
LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)  # no raising without CAP_SYS_RESOURCE

if "${PODMAN[@]}" image exists "$IMAGE"; then
    echo "$IMAGE exists"
    exit 0
fi
command -v debootstrap >/dev/null || apt-get install -y debootstrap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
tar -C "$work/rootfs" -c . | "${PODMAN[@]}" import - localhost/signaleer-debian-rootfs:bookworm
cp /etc/ssl/certs/ca-certificates.crt "$work/ca-certificates.crt"
cat >"$work/Containerfile" <<'END'
FROM localhost/signaleer-debian-rootfs:bookworm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN python3 -m venv /usr/local/python
ENV PATH=/usr/local/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
END
"${PODMAN[@]}" build "${LIMITS[@]}" -t "$IMAGE" "$work"
"${PODMAN[@]}" rmi localhost/signaleer-debian-rootfs:bookworm >/dev/null || true
echo "built $IMAGE"
