#!/usr/bin/env bash
# Removes a PoP from a running cluster without losing VEs, then stops its silo for good:
#   drain-pop.sh SITE [--to OTHER_SITE] [--keep-running]
# 1. every node of SITE goes to maintenance, so nothing new (nor a VM drained from a sibling) lands there;
# 2. each node is drained: its VMs move one by one through their VEs, so the VEs' constraints still hold;
# 3. a VM that cannot move alone (Gather keeps it beside another VM of its VE) moves with its whole VE:
#    `discovery ve relocate VE --near OTHER_SITE` (default: the site of the nearest node outside SITE);
# 4. once no VM is left, the silo is stopped and disabled. If one is left (a Fence to this site, no room anywhere),
#    the script stops with the reason and the silo keeps running; `discovery node up SITE/NODE` takes a node back.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
site="${1:?usage: drain-pop.sh SITE [--to OTHER_SITE] [--keep-running]}"; shift
to=""; keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --to) to="${2:?--to needs a site}"; shift 2 ;;
    --keep-running) keep=1; shift ;;
    *) die "unknown option $1" ;;
  esac
done
mapfile -t nodes < <(nodes_of "$site")
[[ ${#nodes[@]} -gt 0 ]] || die "site $site has no node (is its silo up?)"
for node in "${nodes[@]}"; do cli "$site" node maintenance "$node" >/dev/null; done
for node in "${nodes[@]}"; do
  echo "draining $node"
  cli "$site" node drain "$node" || echo "($node: some VMs stay for now; their VEs move whole next)"
done

vms_left() { for node in "${nodes[@]}"; do cli "$site" -o json vm ls --node "$node" | grep -oE '"vm": *"[^"]+"' | cut -d'"' -f4; done; }
mapfile -t left < <(vms_left)
if [[ ${#left[@]} -gt 0 ]]; then
  [[ -n "$to" ]] || to="$(cli "$site" -o json nodes nearest "$site" -k 64 | grep -oE '"node": *"[^"]+"' | cut -d'"' -f4 | grep -v "^$site/" | head -1 | cut -d/ -f1)"
  [[ -n "$to" ]] || die "no other site to move the VEs of ${left[*]} to"
  for ve in $(printf '%s\n' "${left[@]}" | cut -d/ -f1-2 | sort -u); do
    echo "relocating VE $ve near $to"
    cli "$site" ve relocate "$ve" --near "$to" >/dev/null || echo "($ve could not move near $to)"
  done
  mapfile -t left < <(vms_left)
  [[ ${#left[@]} -eq 0 ]] || die "VMs still on $site: ${left[*]}; the silo of $site keeps running"
fi
if [[ $keep == 0 ]]; then
  service remove "$site"
  echo "site $site is drained and its silo stopped; remove it from the inventory on every PoP"
else
  echo "site $site is drained; its silo keeps running"
fi
