#!/bin/bash
# Builds the container image where no registry is reachable: the base is made from Debian packages with
# mmdebstrap and imported into podman; the jar and the jlinked runtime are built on this machine
# (Dockerfile with ARTIFACTS=prebuilt). Then starts the image and waits for /health/ready.
#   deploy/image/build-local.sh [tag]      needs: podman, runc, mmdebstrap, a JDK 25
set -euo pipefail
cd "$(dirname "$0")/../.."
tag=${1:-modelhub:0.1.0}
. .mvn/java-home.sh
[ -f target/modelhub.jar ] && [ -z "$(find src/main pom.xml -newer target/modelhub.jar -print -quit)" ] \
  || ./mvnw -q -B -DskipTests package
sh deploy/image/jlink.sh "$JAVA_HOME" target/modelhub.jar target/image/jre
if ! podman image exists localhost/modelhub-base:bookworm; then
  mmdebstrap --variant=minbase --include=bash,passwd bookworm target/image/base.tar "${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  podman import target/image/base.tar localhost/modelhub-base:bookworm
fi
# chroot isolation: RUN steps need no OCI runtime (a container inside a container may not start one).
podman build --isolation "${BUILD_ISOLATION:-chroot}" --format docker --build-arg ARTIFACTS=prebuilt \
  --build-arg BASE_IMAGE=localhost/modelhub-base:bookworm -t "$tag" .
# Host networking (no port mapping or iptables needed), runc and explicit ulimits: what a container inside a
# container (hybrid cgroups, no raising of rlimits) allows. On a normal host: podman run -p 8080:8080 "$tag".
id=$(podman run -d --runtime "${OCI_RUNTIME:-runc}" --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --network host \
  -e MODELHUB_PORT=18090 -e MODELHUB_ADMIN_KEY="mh-imagecheck.$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$tag")
trap 'podman rm -f "$id" >/dev/null' EXIT
for _ in $(seq 1 90); do
  if curl -sf http://127.0.0.1:18090/health/ready >/dev/null; then
    echo "image $tag answers /health/ready, running as $(podman exec "$id" id -un) (uid $(podman exec "$id" id -u))"
    podman healthcheck run "$id" && echo "the image's HEALTHCHECK passes"
    podman image ls "$tag"
    exit 0
  fi
  sleep 1
done
podman logs "$id" >&2
echo "image $tag did not become ready" >&2
exit 1
