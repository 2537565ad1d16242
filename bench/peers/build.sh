#!/usr/bin/env bash
# Builds the reference peers from Debian packages only (no module download):
#   apt-get install -y golang-go golang-github-hashicorp-serf-dev
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/bin"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="${GOCACHE:-/tmp/discovery-go-cache}" \
  go build -o "$here/bin/serf-vivaldi" "$here/serf-vivaldi/main.go"
echo "$here/bin/serf-vivaldi"
