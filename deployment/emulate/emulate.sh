#!/usr/bin/env bash
# An emulated backbone on one machine: N sites as Linux network namespaces, one silo each, PostgreSQL in its own
# namespace, and the wide-area delay and rate of a topology on the real path of every packet (a user-space relay over
# TUN devices, since the kernel here has no netem). Run as root. See deployment/emulate/README.md.
#
#   emulate.sh up     [--name N] [--topology FILE] [--sites a,b,c | --count N] [--nodes K] [--rate-mbps R]
#                     [--rate-scale F] [--delay-scale S] [--locality-interval T] [--start-timeout SECONDS]
#   emulate.sh down   [--name N]            stop every process of the backbone and delete its namespaces
#   emulate.sh status [--name N]
#   emulate.sh exec   [--name N] SITE CMD…  run CMD in a site's namespace (SITE: its name or index)
#   emulate.sh cli    [--name N] ARGS…      the `discovery` command, from the first site's namespace
#   emulate.sh coords [--name N] [--wait S] [--max-error E]   Vivaldi estimates beside the emulated RTTs
#   emulate.sh overlay [--name N] VE        a namespace per VM of VE on its site, on the VXLAN network its agents built
#   emulate.sh exec   [--name N] VE/VM CMD…  … and run CMD as that VM (e.g. ping another VM's address)
#
# Environment: DISCOVERY_CONFIGURATION (Release) picks the build to run, DISCOVERY_EMULATE_STATE (/tmp/discovery-emulate)
# where state and logs go, DISCOVERY_EMULATE_KEEP=1 keeps them after `down`.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
config=${DISCOVERY_CONFIGURATION:-Release}
state_root=${DISCOVERY_EMULATE_STATE:-/tmp/discovery-emulate}
name=emu
topology=/work/shared/data/topology/grid5000/grid5000_sites.csv
[ -f "$topology" ] || topology="$repo/../shared/data/topology/grid5000/grid5000_sites.csv"
sites="" count=3 nodes=2 rate=100 rate_scale=0.01 scale=1 interval=00:00:02 wait=0 max_error="" start_timeout=300

die() { echo "emulate: $*" >&2; exit 1; }

command=${1:-}; shift || true
rest=()
while (($#)); do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --topology) topology=$2; shift 2 ;;
    --sites) sites=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --rate-mbps) rate=$2; shift 2 ;;
    --rate-scale) rate_scale=$2; shift 2 ;;
    --delay-scale) scale=$2; shift 2 ;;
    --locality-interval) interval=$2; shift 2 ;;
    --wait) wait=$2; shift 2 ;;
    --start-timeout) start_timeout=$2; shift 2 ;;
    --max-error) max_error=$2; shift 2 ;;
    *) rest=("$@"); break ;;
  esac
done
[[ "$name" =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "--name '$name' must be 1-10 lower-case letters or digits, starting with a letter"

state="$state_root/$name"
hub="$name-hub" pg="$name-pg"
pg_address=10.99.0.2
connection="Host=$pg_address;Port=5432;Username=postgres;Database=postgres"

dll() { # project-dir assembly: the built dll, built first if missing
  local out="$repo/$1/bin/$config/net10.0/$2.dll"
  if [ ! -f "$out" ]; then
    echo "emulate: building $1 ($config)" >&2
    dotnet build "$repo/$1" -c "$config" -v quiet -nologo >&2 || die "build of $1 failed"
  fi
  echo "$out"
}

our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$name-(hub|pg|s[0-9]+|vm-[a-z0-9.-]+)$" || true; }

site_lines() { [ -f "$state/sites" ] || die "no backbone '$name' (no $state/sites): run 'emulate.sh up --name $name' first"; cat "$state/sites"; }

site_namespace() { # SITE (name or index), or VE/VM of an overlay -> namespace
  local vm="$name-vm-${1//\//-}"
  ip netns list | awk '{print $1}' | grep -qx "$vm" && { echo "$vm"; return; }
  site_lines | awk -v s="$1" '$2 == s || $3 == s {print $4; found=1} END {exit !found}' || die "no site '$1' in backbone '$name'"
}

gateways() { site_lines | awk '{printf "%s%s:30000", (NR > 1 ? "," : ""), $5}'; }

veth_to_hub() { # namespace hub-side-name address
  ip -n "$hub" link add "$2" type veth peer name eth0 netns "$1"
  ip -n "$hub" link set "$2" master br0 up
  ip -n "$1" addr add "$3/24" dev eth0
  ip -n "$1" link set eth0 up
  ip -n "$1" link set lo up
}

wait_for() { # seconds description command…
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out waiting for $what (logs in $state/logs)"
    sleep 0.5
  done
}

start_postgres() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
  mkdir -p "$state/pg" && chown postgres:postgres "$state/pg" && chmod 700 "$state/pg"
  runuser -u postgres -- "$bin/initdb" -D "$state/pg/data" -U postgres --auth=trust -E UTF8 >"$state/logs/initdb.log" 2>&1 \
    || die "initdb failed: $(tail -n 3 "$state/logs/initdb.log")"
  echo "host all all 10.99.0.0/24 trust" >>"$state/pg/data/pg_hba.conf"
  ip netns exec "$pg" runuser -u postgres -- "$bin/pg_ctl" -D "$state/pg/data" -l "$state/pg/server.log" -w -t 60 \
    -o "-p 5432 -k $state/pg -c listen_addresses=$pg_address -c max_connections=200 -c fsync=off" start >/dev/null \
    || die "PostgreSQL did not start: $(tail -n 3 "$state/pg/server.log")"
}

up() {
  [ "$(id -u)" = 0 ] || die "network namespaces need root"
  [ -z "$(our_namespaces)" ] || die "backbone '$name' is already up (emulate.sh down --name $name first)"
  local silo emulator
  silo=$(dll src/Discovery.Silo discovery-silo)
  emulator=$(dll deployment/emulate/Discovery.Emulate discovery-emulate)
  dll src/Discovery.Cli discovery >/dev/null
  rm -rf "$state" && mkdir -p "$state/logs"
  chmod o+x "$state_root" "$state"  # PostgreSQL runs as its own user and must reach its data directory
  local choice=(--count "$count"); [ -n "$sites" ] && choice=(--sites "$sites")
  dotnet "$emulator" plan --name "$name" --topology "$topology" "${choice[@]}" --nodes "$nodes" \
    --rate-mbps "$rate" --rate-scale "$rate_scale" --delay-scale "$scale" --out "$state" >"$state/sites"
  trap 'echo "emulate: up failed; tearing down" >&2; down >&2' EXIT

  ip netns add "$hub"
  ip -n "$hub" link set lo up
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" link set br0 up
  ip netns add "$pg"
  veth_to_hub "$pg" pg "$pg_address"
  while read -r _ index site ns wan lan; do
    ip netns add "$ns"
    veth_to_hub "$ns" "s$index" "$lan"
  done <"$state/sites"

  # Real-time priority: on a busy machine a relay thread that wakes late adds its lateness to every RTT (measured
  # here under a load average of 20: median handshake 26 ms instead of 8.7 ms over a 7.5 ms link).
  local realtime=(); command -v chrt >/dev/null && realtime=(chrt -r 20)
  "${realtime[@]}" ip netns exec "$hub" dotnet "$emulator" wan --plan "$state/backbone.json" --ready "$state/wan.ready" >"$state/logs/wan.log" 2>&1 &
  echo $! >"$state/wan.pid"
  wait_for 30 "the WAN relay" test -f "$state/wan.ready"

  start_postgres
  local first; first=$(head -n 1 "$state/sites" | awk '{print $4}')
  ip netns exec "$first" dotnet "$silo" db init --connection "$connection" >"$state/logs/db-init.log" 2>&1 \
    || die "db init failed: $(tail -n 3 "$state/logs/db-init.log")"

  while read -r _ index site ns wan lan; do
    mkdir -p "$state/data/$site"
    # The node agents build each VE's VXLAN overlay over the site's WAN address, so its frames cross the emulated links.
    Discovery__Locality__Interval=$interval Discovery__Networks__AttachVms=true \
      Discovery__Networks__Overlay=Vxlan Discovery__Networks__OverlayLocalAddress=$wan \
      ip netns exec "$ns" dotnet "$silo" --site "$site" --clustering postgres \
      --connection "$connection" --cluster-id "$name" --address "$wan" --probe tcp \
      --infrastructure "$state/infrastructure.yaml" --data-dir "$state/data/$site" >"$state/logs/$site.log" 2>&1 &
    echo $! >"$state/silo-$site.pid"
  done <"$state/sites"
  while read -r _ index site ns wan lan; do
    wait_for "$start_timeout" "the silo of $site" grep -q "Silo for site $site is up" "$state/logs/$site.log"
  done <"$state/sites"
  trap - EXIT
  echo "backbone '$name' is up: $(wc -l <"$state/sites") sites, PostgreSQL at $pg_address, gateways $(gateways)"
  echo "  emulate.sh cli --name $name sites      emulate.sh coords --name $name      emulate.sh down --name $name"
}

down() {
  local ns pid
  if [ -d "$state/pg/data" ]; then
    local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    ip netns exec "$pg" runuser -u postgres -- "$bin/pg_ctl" -D "$state/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  # Every process in our namespaces is one this script started (silos, the relay, PostgreSQL): stop them by pid.
  for signal in TERM KILL; do
    for ns in $(our_namespaces); do
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -"$signal" "$pid" 2>/dev/null || true; done
    done
    for ((i = 0; i < 20; i++)); do
      local left=0
      for ns in $(our_namespaces); do [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && left=1; done
      ((left)) || break
      sleep 0.5
    done
  done
  for ns in $(our_namespaces); do ip netns del "$ns" 2>/dev/null || true; done
  [ "${DISCOVERY_EMULATE_KEEP:-0}" = 1 ] || rm -rf "$state"
  echo "backbone '$name' is down"
}

status() {
  local namespaces; namespaces=$(our_namespaces)
  [ -n "$namespaces" ] || { echo "backbone '$name' is down"; return 3; }
  echo "backbone '$name': namespaces $(echo $namespaces)"
  while read -r _ index site ns wan lan; do
    local pid; pid=$(cat "$state/silo-$site.pid" 2>/dev/null || echo "")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "  $site: silo up (pid $pid) at $wan, lan $lan"; else echo "  $site: silo DOWN"; fi
  done < <(site_lines)
  tail -n 1 "$state/logs/wan.log" 2>/dev/null | sed 's/^/  wan: /'
}

# Stands in for the VMs of a VE, from its IPAM record (`discovery ve network`): for each VM, a namespace with a veth
# on the VE's bridge `dv<vni>` in its site's namespace and the VM's address. The bridge, the VXLAN device `vx<vni>`
# and its flooding entries are the node agents' (Discovery:Networks:Overlay=Vxlan); this only waits for them.
overlay() {
  local ve=$1 vni prefix plan
  plan=$(ip netns exec "$(site_namespace 0)" dotnet "$(dll src/Discovery.Cli discovery)" --gateway "$(gateways | cut -d, -f1)" \
      --cluster-id "$name" -o json ve show "$ve") || die "no VE '$ve'"
  local network; network=$(ip netns exec "$(site_namespace 0)" dotnet "$(dll src/Discovery.Cli discovery)" \
      --gateway "$(gateways | cut -d, -f1)" --cluster-id "$name" -o json ve network "$ve") || die "no network for VE '$ve'"
  read -r vni prefix < <(python3 -c 'import json,sys; n=json.loads(sys.argv[1]); print(n["vni"], n["subnet"].split("/")[1])' "$network")
  local br="dv$vni" vx="vx$vni"
  # One line per VM: vm site address
  local vms; vms=$(python3 -c 'import json,sys; v=json.loads(sys.argv[1]); n=json.loads(sys.argv[2])
for vm in v["vms"]:
    if vm.get("site"): print(vm["vm"], vm["site"], n["addresses"][vm["vm"]])' "$plan" "$network")
  [ -n "$vms" ] || die "VE '$ve' has no placed VM"
  local vm site address ns vmns host
  while read -r vm site address; do
    ns=$(site_namespace "$site")
    wait_for 30 "the node agent's VXLAN device $vx on $br in $site" sh -c "ip -n '$ns' -o link show dev '$vx' | grep -q 'master $br'"
    vmns="$name-vm-${ve##*/}-$vm" host="vh$(printf %s "$ve/$vm" | md5sum | cut -c1-8)"
    if ! ip netns list | awk '{print $1}' | grep -qx "$vmns"; then
      ip netns add "$vmns"
      ip -n "$ns" link add "$host" mtu 1450 type veth peer name eth0 netns "$vmns"
      ip -n "$ns" link set "$host" master "$br" up
      ip -n "$vmns" addr add "$address/$prefix" dev eth0
      ip -n "$vmns" link set eth0 mtu 1450 up
      ip -n "$vmns" link set lo up
    fi
    echo "$vm on $site: $address (namespace $vmns)"
  done <<<"$vms"
  # The agents' flooding lists follow the membership one way: wait until every site of the VE floods to the others.
  local sites_of_ve; sites_of_ve=$(awk '{print $2}' <<<"$vms" | sort -u)
  local a b nsa wanb
  for a in $sites_of_ve; do
    nsa=$(site_namespace "$a")
    for b in $sites_of_ve; do
      [ "$a" = "$b" ] && continue
      wanb=$(site_lines | awk -v s="$b" '$3 == s {print $5}')
      wait_for 30 "$a's flooding entry towards $b ($wanb)" sh -c "bridge -n '$nsa' fdb show dev '$vx' | grep -q '^00:00:00:00:00:00 dst $wanb '"
    done
    echo "$a floods VXLAN $vni to: $(bridge -n "$nsa" fdb show dev "$vx" | awk '$1 == "00:00:00:00:00:00" {print $3}' | sort | xargs)"
  done
  echo "VE $ve: VXLAN $vni between $(echo $sites_of_ve)"
}

case "$command" in
  up) up ;;
  down) down ;;
  status) status ;;
  exec)
    ((${#rest[@]} >= 2)) || die "usage: emulate.sh exec [--name N] SITE CMD…"
    ns=$(site_namespace "${rest[0]}")
    exec ip netns exec "$ns" "${rest[@]:1}" ;;
  cli)
    ns=$(site_namespace 0)
    exec ip netns exec "$ns" dotnet "$(dll src/Discovery.Cli discovery)" --gateway "$(gateways | cut -d, -f1)" --cluster-id "$name" "${rest[@]}" ;;
  overlay)
    ((${#rest[@]} == 1)) || die "usage: emulate.sh overlay [--name N] VE"
    overlay "${rest[0]}" ;;
  coords)
    ns=$(site_namespace 0)
    args=(--plan "$state/backbone.json" --wait "$wait"); [ -n "$max_error" ] && args+=(--max-error "$max_error")
    exec ip netns exec "$ns" dotnet "$(dll deployment/emulate/Discovery.Emulate discovery-emulate)" coords "${args[@]}" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
