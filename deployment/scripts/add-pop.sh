#!/usr/bin/env bash
# Adds a PoP to a running cluster: starts its silo, which registers the site's nodes from the inventory
# (Discovery__Infrastructure), waits until it is ready, and lists the nodes it registered.
#   add-pop.sh SITE
# Before: the site and its nodes are in the inventory file (the same file on every PoP) and $DISCOVERY_ETC/SITE.env exists.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
site="${1:?usage: add-pop.sh SITE}"
inventory="$(setting "$site" Discovery__Infrastructure /etc/discovery/infrastructure.yaml)"
grep -qE "name: *$site\b" "$inventory" || die "site $site is not in the inventory $inventory: add it (name, latitude, longitude, nodes) first"
service start "$site"
wait_ready "$site"
# A PoP that comes back after drain-pop.sh finds its nodes in maintenance: let them take VMs again.
for node in $(nodes_of "$site"); do cli "$site" node up "$node" >/dev/null; done
cli "$site" nodes --site "$site"
