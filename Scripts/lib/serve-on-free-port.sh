# shellcheck shell=bash
# Sourced by Scripts/start-test-* and Scripts/check-web: starts a local server on a free loopback
# port, waits for GET $HEALTH_PATH (default /health) to answer 200, and prints NAME_PID, NAME_PORT, NAME_URL (…/v1) and NAME_LOG
# assignments for the caller to eval. Exits 69 with the server's log when it never gets healthy.
#
#   serve_on_free_port LABEL VAR TIMEOUT COMMAND... (the word {port} in COMMAND is replaced)

serve_on_free_port() {
  local label=$1 var=$2 timeout=$3
  shift 3
  local attempt port logfile pid deadline code i
  for attempt in 1 2 3; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    logfile=$(mktemp "${TMPDIR:-/tmp}/chatbot-$label.XXXXXX.log")
    local command=()
    for word in "$@"; do command+=("${word//\{port\}/$port}"); done
    "${command[@]}" >"$logfile" 2>&1 </dev/null &
    pid=$!
    deadline=$((SECONDS + timeout))
    code=000
    while [ "$SECONDS" -lt "$deadline" ]; do
      kill -0 "$pid" 2>/dev/null || break
      code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port${HEALTH_PATH:-/health}" || true)
      [ "$code" = 200 ] && break
      sleep 0.2
    done
    if [ "$code" = 200 ]; then
      printf '%s: ready on 127.0.0.1:%s (pid %s, log %s)\n' "$label" "$port" "$pid" "$logfile" >&2
      printf '%s_PID=%q\n%s_PORT=%q\n%s_URL=%q\n%s_LOG=%q\n' "$var" "$pid" "$var" "$port" \
        "$var" "http://127.0.0.1:$port/v1" "$var" "$logfile"
      return 0
    fi
    if kill -0 "$pid" 2>/dev/null; then
      printf '%s: not healthy within %s s (last /health status: %s)\n' "$label" "$timeout" "$code" >&2
      kill "$pid" 2>/dev/null || true
      for i in $(seq 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    elif [ "$attempt" -lt 3 ] && grep -qi 'address already in use\|bind' "$logfile"; then
      printf '%s: port %s was taken, retrying\n' "$label" "$port" >&2
      rm -f "$logfile"
      continue
    else
      printf '%s: exited before becoming healthy\n' "$label" >&2
    fi
    printf '%s: ---- last lines of %s ----\n' "$label" "$logfile" >&2
    tail -n 60 "$logfile" >&2
    exit 69
  done
  exit 69
}
