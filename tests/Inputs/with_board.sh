#!/usr/bin/env bash
# Runs a command against a simulated board:
#   with_board.sh DIR [board-sim options] -- command ... @PTY@ ...
#   with_board.sh fake:MODE -- command ... @PTY@ ...   (fake_board.py MODE)
# starts `snnc board-sim DIR [options]`, waits for its pseudo-terminal,
# runs the command with @PTY@ replaced by the terminal's path (and
# @SIM_PID@ by the simulator's process id, to pull the cable), stops the
# simulator and exits with the command's status.  The simulator's report
# goes to DIR/board-sim.err.
set -u
dir=$1
shift
sim_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  sim_args+=("$1")
  shift
done
shift
out=$(mktemp)
if [[ $dir == fake:* ]]; then
  err=/dev/null
  /usr/bin/python3 "$(dirname "$0")/fake_board.py" "${dir#fake:}" > "$out" &
else
  err=$dir/board-sim.err
  snnc board-sim "$dir" "${sim_args[@]}" > "$out" 2> "$err" &
fi
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null; rm -f "$out"' EXIT
# Building a simulator (a gate-level one especially) takes minutes.
for _ in $(seq 3000); do
  [ -s "$out" ] && break
  kill -0 $sim 2>/dev/null || { echo "with_board: board-sim exited" >&2; cat "$err" >&2; exit 1; }
  sleep 0.2
done
pty=$(head -n 1 "$out")
[ -n "$pty" ] || { echo "with_board: no pseudo-terminal" >&2; exit 1; }
cmd=()
for arg in "$@"; do
  arg=${arg//@PTY@/$pty}
  cmd+=("${arg//@SIM_PID@/$sim}")
done
"${cmd[@]}"
status=$?
kill $sim 2>/dev/null
wait $sim 2>/dev/null
exit $status
