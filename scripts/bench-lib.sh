# Shared by the benchmark scripts (sourced, not run): a free port, and a
# signed-in demo session with its team selected.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_ready BASE: until the server answers its readiness check.
wait_ready() { for _ in $(seq 100); do curl -fs "$1/api/health/ready" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# demo_session BASE JAR: signs in as the demo owner, selects their team and
# prints the session cookie ("rc_session=…").
demo_session() {
  local base=$1 jar=$2 cookie team
  curl -fs -c "$jar" -H "origin: $base" -H 'content-type: application/json' \
    -d '{"email":"demo@example.com","password":"demo-password"}' "$base/api/auth/sign-in" >/dev/null
  cookie="rc_session=$(awk '$6=="rc_session" {print $7}' "$jar")"
  team=$(curl -fs -H "cookie: $cookie" "$base/api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["teams"][0]["id"])')
  curl -fs -X POST -H "cookie: $cookie" -H "origin: $base" "$base/api/teams/$team/select" >/dev/null
  echo "$cookie"
}
