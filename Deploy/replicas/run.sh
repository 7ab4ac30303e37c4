#!/usr/bin/env bash
# Two fairuse coordinator replicas on one store behind HAProxy, three agents for the bundled sites,
# one audit; replica-1 is killed (SIGKILL) after the first submission and the audit completes on
# replica-2. By hand, on one machine, what FederationTests/ReplicaFailureTests does (Deploy/REPLICAS.md).
#
#   Deploy/replicas/run.sh [WORKDIR]
#
# FAIRUSE     the fairuse executable (default: .build/release/fairuse, then `fairuse` on PATH)
# DATABASE    the store, as coordinator.yaml's `database:` (default: sqlite:WORKDIR/coordinator.db,
#             which two processes on one machine can share); for PostgreSQL, an empty database
#             postgres://USER@HOST[:PORT]/DB with POSTGRES_PASSWORD_FILE and POSTGRES_CA (its TLS CA)
# KILL=0      do not kill replica-1
# Needs haproxy (Debian: apt-get install haproxy) and free ports 8441 8442 8443 9461 9462.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fairuse=${FAIRUSE:-$repo/.build/release/fairuse}
[ -x "$fairuse" ] || fairuse=$(command -v fairuse) || { echo "no fairuse executable: swift build -c release --product fairuse, or set FAIRUSE" >&2; exit 1; }
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$haproxy" ] || { echo "haproxy not found (apt-get install haproxy)" >&2; exit 1; }
work=${1:-$(mktemp -d /tmp/fairuse-replicas.XXXXXX)}
mkdir -p "$work/logs"
database=${DATABASE:-sqlite:$work/coordinator.db}
postgres_section=""
case "$database" in
    postgres://*|postgresql://*)
        postgres_section="postgres: { password_file: ${POSTGRES_PASSWORD_FILE:?set POSTGRES_PASSWORD_FILE}, tls: verify-full, ca: ${POSTGRES_CA:?set POSTGRES_CA} }" ;;
esac
sites=(olmsted-central olmsted-north olmsted-south)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
say() { printf '%s  %s\n' "$(date -u +%T)" "$*"; }

say "working folder $work"
# 1. PKI: one CA, one coordinator certificate shared by the replicas, an operator, three sites.
"$fairuse" pki init --dir "$work/pki" >/dev/null
"$fairuse" pki issue coordinator --dir "$work/pki" --dns localhost --ip 127.0.0.1 >/dev/null
"$fairuse" pki issue operator op --dir "$work/pki" >/dev/null
for site in "${sites[@]}"; do "$fairuse" pki issue site "$site" --dir "$work/pki" >/dev/null; done
export FAIRUSE_COORDINATOR=https://127.0.0.1:8443 FAIRUSE_CERT=$work/pki/operator-op.pem \
       FAIRUSE_KEY=$work/pki/operator-op-key.pem FAIRUSE_CA=$work/pki/ca.pem

# 2. Two replicas: the same configuration but for their ports. The first migrates an empty store;
#    the second starts once the first is ready.
for n in 1 2; do
    cat > "$work/replica-$n.yaml" <<YAML
listen: { host: 127.0.0.1, port: 844$n }
observability: { listen: "127.0.0.1:946$n" }
tls: { certificate: $work/pki/coordinator.pem, key: $work/pki/coordinator-key.pem, ca: $work/pki/ca.pem }
database: $database
$postgres_section
limits: { long_poll_seconds: 10 }
replicas: { combine_lease_seconds: 30 }
YAML
    "$fairuse" coordinator serve --config "$work/replica-$n.yaml" >"$work/logs/replica-$n.log" 2>&1 &
    pids+=($!); eval "replica_$n=$!"
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:946$n/readyz" >/dev/null && break; sleep 0.2; done
    curl -sf "http://127.0.0.1:946$n/readyz" >/dev/null || { echo "replica-$n not ready; see $work/logs/replica-$n.log" >&2; exit 1; }
done
say "replica-1 (pid $replica_1) on :8441 and replica-2 (pid $replica_2) on :8442 are ready"

# 3. HAProxy in front (TCP, TLS passed through, /readyz checks).
"$haproxy" -f "$here/haproxy.cfg" -db >"$work/logs/haproxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do "$fairuse" coordinator site list >/dev/null 2>&1 && break; sleep 0.2; done
say "HAProxy on :8443"

# 4. Sites registered and agents started, all through HAProxy.
for site in "${sites[@]}"; do
    "$fairuse" coordinator site add "$site" --certificate "$work/pki/site-$site.pem" >/dev/null
    mkdir -p "$work/sites/$site"
    sed -e "s#https://coordinator.example.org:8443#$FAIRUSE_COORDINATOR#" \
        -e "s#certificate: site.pem#certificate: $work/pki/site-$site.pem#" \
        -e "s#key: site-key.pem#key: $work/pki/site-$site-key.pem#" \
        -e "s#ca: ca.pem#ca: $work/pki/ca.pem#" \
        -e "s#csv: data.csv#csv: $repo/Sites/$site/data.csv#" \
        -e "s#poll_seconds: 20#poll_seconds: 5#" \
        -e "s#^ledger: .*#ledger: $work/sites/$site/egress-ledger.jsonl#" \
        -e "s#^state_dir: .*#state_dir: $work/sites/$site/state#" \
        "$repo/Sites/$site/agent.yaml" > "$work/sites/$site/agent.yaml"
    "$fairuse" agent run --config "$work/sites/$site/agent.yaml" >"$work/logs/$site.log" 2>&1 &
    pids+=($!)
done
say "agents started: ${sites[*]}"

# 5. One audit; kill replica-1 after the first submission.
audit=$("$fairuse" audit launch "$repo/Sites/specs/flchain_5y_mortality.yaml" --sites "$(IFS=,; echo "${sites[*]}")" \
        --min-sites 3 --deadline 30m --seed 7 2>/dev/null)
say "audit $audit launched"
killed=0
while :; do
    status=$("$fairuse" audit status "$audit" 2>/dev/null || true)
    if [ "$killed" = 0 ] && [ "${KILL:-1}" = 1 ] && grep -q "submitted" <<<"$status"; then
        kill -9 "$replica_1"; killed=1
        say "first submission in; replica-1 killed (SIGKILL)"
    fi
    if grep -qE "^audit [^ ]+ .*: (complete|partial|failed|cancelled) " <<<"$status"; then break; fi
    sleep 0.5
done
printf '%s\n' "$status"
"$fairuse" audit report "$audit" --format table
say "events of the audit (through replica-2):"
"$fairuse" coordinator events --audit "$audit" --limit 100 || true
say "logs: $work/logs"
