#!/usr/bin/env bats
# vo-soda against the fault server: what a real SODA service cannot be
# made to do (stalls, truncated bodies, error documents, 503).

load lib/faultserver

setup_file() {
	export FS_DIR="$BATS_FILE_TMPDIR/files"
	mkdir -p "$FS_DIR"
	fs_start fs
	head -c 30000 /dev/urandom > "$FS_DIR/cut.fits"
}

teardown_file() {
	fs_stop_all
}

setup() {
	fs_clear_log fs
	T="$BATS_TEST_TMPDIR"
	cd "$T"
	S="$VT_BIN/vo-soda"
}

@test "a truncated cutout leaves no file and says so" {
	run "$S" -s "$fs_URL/truncate?bytes=1000&file=cut.fits" --pos 'CIRCLE 1 2 0.1' -o c.fits ivo://x/~?a
	[ "$status" -ne 0 ]
	[ "$status" -ne 4 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "vo-soda: "* ]]
	[ -z "$(ls -A)" ]
}

@test "the service's error document is quoted" {
	run "$S" -s "$fs_URL/status?code=400" --pos 'CIRCLE 1 2 0.1' -o c.fits ivo://x/~?a
	[ "$status" -eq 76 ]
	[[ "$output" == *"HTTP 400: status 400"* ]]
	[ -z "$(ls -A)" ]
	# a VOTable error document: its QUERY_STATUS text
	printf '<VOTABLE><RESOURCE type="results"><INFO name="QUERY_STATUS" value="ERROR">UsageError: POS is not a valid SODA POS</INFO></RESOURCE></VOTABLE>\n' > "$FS_DIR/err.vot"
	run "$S" -s "$fs_URL/status?code=422&file=err.vot" --pos 'X' ivo://x/~?a
	[ "$status" -eq 76 ]
	[[ "$output" == *"HTTP 422: UsageError: POS is not a valid SODA POS" ]]
}

@test "a 503 is retried; the cutout arrives whole" {
	run "$S" -s "$fs_URL/flaky?key=r&fail=1&status=503&retry_after=1&file=cut.fits" --pos 'CIRCLE 1 2 0.1' -o c.fits ivo://x/~?a
	[ "$status" -eq 0 ]
	cmp c.fits "$FS_DIR/cut.fits"
	[ "$output" = "$(printf 'c.fits\t30000')" ]
}

@test "batch: an interrupt removes the cutouts being written, and ends with 128+signal" {
	printf 'did\nivo://x/~?a\nivo://x/~?b\nivo://x/~?c\n' > in.tsv
	mkdir out
	"$S" -j 3 -d out -s "$fs_URL/stall?seconds=30&after_bytes=2000&file=cut.fits" \
		--pos 'CIRCLE 1 2 0.1' -c did < in.tsv > manifest 2> err &
	pid=$!
	# wait until all three have started writing
	for i in $(seq 50); do
		[ "$(ls -A out | wc -l)" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(ls -A out | wc -l)" -eq 3 ]
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	[ -z "$(ls -A out)" ]
}
