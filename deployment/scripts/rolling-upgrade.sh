#!/usr/bin/env bash
# Upgrades the silos one PoP at a time: for each site, drain it (drain-pop.sh --keep-running: its VMs move to the
# other PoPs), stop its silo gracefully, install the new build, start it, wait until /readyz, let its nodes take VMs again.
#   rolling-upgrade.sh NEW_SILO_DIR SITE [SITE...]      (NEW_SILO_DIR: the silo/ folder of deployment/publish.sh)
# Settings: DISCOVERY_SILO_DIR (installed silo, default /opt/discovery/silo); DISCOVERY_DRAIN=0 skips the drain for
# PoPs whose nodes are real libvirtd hosts (their domains outlive the silo; the restarted agents find them again).
# Schema first: run `discovery-silo db init` from the new build before the first site (it is idempotent).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
new="${1:?usage: rolling-upgrade.sh NEW_SILO_DIR SITE [SITE...]}"; shift
[[ -f "$new/discovery-silo.dll" ]] || die "$new has no discovery-silo.dll"
[[ $# -gt 0 ]] || die "name the sites to upgrade, one at a time"
installed="${DISCOVERY_SILO_DIR:-/opt/discovery/silo}"
for site in "$@"; do
  echo "== $site"
  mapfile -t nodes < <(nodes_of "$site")
  if [[ "${DISCOVERY_DRAIN:-1}" == 1 ]]; then
    "$(dirname "${BASH_SOURCE[0]}")/drain-pop.sh" "$site" --keep-running || die "upgrade of $site stopped before its silo was touched"
  fi
  service stop "$site"
  rm -rf "$installed.previous" && cp -a "$installed" "$installed.previous"
  rsync -a --delete "$new/" "$installed/" 2>/dev/null || { rm -rf "$installed" && cp -a "$new" "$installed"; }
  service start "$site"
  wait_ready "$site"
  for node in "${nodes[@]}"; do cli "$site" node up "$node" >/dev/null; done
  echo "$site upgraded; its nodes take VMs again (the previous build is in $installed.previous)"
done
