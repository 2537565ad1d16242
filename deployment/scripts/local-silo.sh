#!/usr/bin/env bash
# Runs a site's silo as a plain background process, for trying the PoP scripts on one machine without systemd:
#   DISCOVERY_SERVICE=deployment/scripts/local-silo.sh deployment/scripts/add-pop.sh paris
#   local-silo.sh start|stop|remove SITE
# Reads $DISCOVERY_ETC/SITE.env like the systemd unit; runs $DISCOVERY_SILO_DIR/discovery-silo.dll; logs and pid in
# $DISCOVERY_RUN (default /tmp/discovery-run).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
action="${1:?usage: local-silo.sh start|stop|remove SITE}"; site="${2:?usage: local-silo.sh start|stop|remove SITE}"
run="${DISCOVERY_RUN:-/tmp/discovery-run}"; mkdir -p "$run"
pidfile="$run/$site.pid"
case "$action" in
  start)
    env_vars=()
    while IFS= read -r line; do [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && env_vars+=("$line"); done < "$(env_file "$site")"
    silo="${DISCOVERY_SILO_DIR:-/opt/discovery/silo}"
    (cd "$silo" && exec env "${env_vars[@]}" dotnet "$silo/discovery-silo.dll" >>"$run/$site.log" 2>&1) &
    echo $! >"$pidfile"
    echo "silo of $site started (pid $(cat "$pidfile"), log $run/$site.log)" ;;
  stop|remove)
    [[ -f "$pidfile" ]] || die "no silo of $site runs from here"
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    rm -f "$pidfile"
    echo "silo of $site stopped" ;;
  *) die "unknown action $action" ;;
esac
