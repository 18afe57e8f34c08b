# Helpers to run tests/server/faultserver.py from bats tests.
#
#   load lib/faultserver
#   setup_file()    { fs_start a; }   # one server for the whole file
#   setup()         { fs_clear_log a; }
#   teardown()      { fs_stop_all; }  # servers a test started itself
#   teardown_file() { fs_stop_all; }
#
# fs_start NAME [server options...] starts a server serving files from
# $FS_DIR (default: files/ in the test's or file's temporary directory),
# waits for it to listen, and exports NAME_URL (http://127.0.0.1:PORT),
# NAME_PORT and NAME_LOG (its JSON request log, one line per request).
# Started in setup_file, a server lives until teardown_file; started in a
# test or setup, until teardown.  Servers also die by themselves after 120 s.

FS_SERVER="${BATS_TEST_DIRNAME}/server/faultserver.py"

# The temporary directory of the current scope: the test's, else the file's.
fs_scope_dir() {
	printf '%s\n' "${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}"
}

fs_start() {
	local name=$1; shift
	local scope
	scope=$(fs_scope_dir)
	local dir=${FS_DIR:-$scope/files}
	local portfile=$scope/fs-$name.port log=$scope/fs-$name.log
	mkdir -p "$dir"
	rm -f "$portfile"
	: >"$log"
	# fd 3 is bats' own output: the server must not hold it open
	python3 "$FS_SERVER" --port-file "$portfile" --dir "$dir" --log "$log" \
		--lifetime 120 "$@" 3>&- &
	echo $! >"$scope/fs-$name.pid"
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$portfile" ] && break
		sleep 0.025
	done
	[ -s "$portfile" ] || { echo "fault server $name did not start" >&2; return 1; }
	local port
	port=$(cat "$portfile")
	export "${name}_PORT=$port" "${name}_URL=http://127.0.0.1:$port" "${name}_LOG=$log"
}

# Forget what server NAME has logged so far.
fs_clear_log() {
	local log="${1}_LOG"
	: >"${!log}"
}

# Stop the servers started in the current scope.
fs_stop_all() {
	local f pid
	for f in "$(fs_scope_dir)"/fs-*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rm -f "$f"
	done
	return 0
}

# fs_requests LOG [PATH]: the number of logged requests (for PATH only).
fs_requests() {
	if [ $# -gt 1 ]; then
		python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["path"] == sys.argv[2]))' "$1" "$2"
	else
		wc -l <"$1" | tr -d ' '
	fi
}

# fs_header LOG N NAME: header NAME of the N-th logged request (1-based),
# empty if it was not sent.
fs_header() {
	python3 -c 'import json,sys
r = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]) - 1]
h = {k.lower(): v for k, v in r["headers"].items()}
print(h.get(sys.argv[3].lower(), ""))' "$1" "$2" "$3"
}
