# Shared by the PoP scripts. Settings (environment):
#   DISCOVERY_ETC      where the per-site env files are (default /etc/discovery)
#   DISCOVERY          the command line (default: discovery; e.g. "dotnet /opt/discovery/cli/discovery.dll")
#   DISCOVERY_SERVICE  how a site's silo is started and stopped: called as `$DISCOVERY_SERVICE start|stop SITE`
#                      (default: systemctl on discovery-silo@SITE; scripts/local-silo.sh runs plain processes)
set -euo pipefail
DISCOVERY_ETC="${DISCOVERY_ETC:-/etc/discovery}"
DISCOVERY="${DISCOVERY:-discovery}"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

env_file() { local f="$DISCOVERY_ETC/$1.env"; [[ -f "$f" ]] || die "no $f: write the site's env file first (see deployment/examples)"; echo "$f"; }

# The value of KEY in SITE's env file (the last one wins, as in systemd), or DEFAULT.
setting() { local v; v="$(grep -E "^$2=" "$(env_file "$1")" | tail -1 | cut -d= -f2-)" || true; echo "${v:-$3}"; }

service() {
  if [[ -n "${DISCOVERY_SERVICE:-}" ]]; then $DISCOVERY_SERVICE "$1" "$2"; return; fi
  case "$1" in
    start) systemctl enable --now "discovery-silo@$2" ;;
    stop) systemctl stop "discovery-silo@$2" ;;
    remove) systemctl disable --now "discovery-silo@$2" ;;
  esac
}

# The CLI, talking to the cluster through SITE's own gateway.
cli() {
  local site="$1"; shift
  $DISCOVERY --gateway "$(setting "$site" Discovery__Address 127.0.0.1):$(setting "$site" Discovery__GatewayPort 30000)" \
    --cluster-id "$(setting "$site" Discovery__ClusterId discovery)" "$@"
}

# Waits until SITE's silo answers /readyz (joined the cluster, nodes registered).
wait_ready() {
  local site="$1" port url
  port="$(setting "$site" Discovery__HttpPort "")"
  [[ -n "$port" ]] || die "$site: set Discovery__HttpPort in its env file so readiness can be checked"
  url="http://$(setting "$site" Discovery__Address 127.0.0.1):$port/readyz"
  for _ in $(seq 1 "${DISCOVERY_READY_SECONDS:-120}"); do
    if curl -fsS "$url" 2>/dev/null; then return 0; fi
    sleep 1
  done
  die "$site: $url did not report ready in time"
}

# The nodes of SITE, one per line (site/name).
nodes_of() { cli "$1" -o json nodes --site "$1" | grep -oE '"node": *"[^"]+"' | cut -d'"' -f4; }
