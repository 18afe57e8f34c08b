#!/usr/bin/env bats
# vo-get: downloads of the URLs of a table, against the fault server.

bats_require_minimum_version 1.5.0
load lib/faultserver

TOKEN=s3cret-Tok3n-value

setup_file() {
	export FS_DIR=$BATS_FILE_TMPDIR/files
	mkdir -p "$FS_DIR"
	printf 'first file\n' >"$FS_DIR/f1.txt"
	head -c 5000 /dev/urandom >"$FS_DIR/f2.bin"
	seq 1 20000 >"$FS_DIR/f3.dat"
	fs_start a
	fs_start b
}

teardown_file() {
	fs_stop_all
}

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	printf '%s\n' "$TOKEN" >"$T/token"
	chmod 600 "$T/token"
	export XDG_CONFIG_HOME=$T/config VO_CREDENTIALS= VO_TOKEN_FILE=
	fs_clear_log a
	fs_clear_log b
	mkdir -p out
	printf 'id\taccess_url\n' >t.tsv
	printf 'one\t%s\n' "$a_URL/files/f1.txt" "$a_URL/files/f2.bin" "$a_URL/files/f3.dat" >>t.tsv
	sed -i '3s/^one/two/; 4s/^one/three/' t.tsv
}

get() {
	"$VT_BIN/vo-get" "$@"
}

# number of logged requests with METHOD
methods() {
	python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["method"] == sys.argv[2]))' "$1" "$2"
}

@test "get: three URLs downloaded, manifest written, contents identical" {
	run get -d out t.tsv
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'url\tpath\tbytes\tstatus')" ]
	[ "${lines[1]}" = "$(printf '%s\tout/f1.txt\t11\tok' "$a_URL/files/f1.txt")" ]
	[ "${lines[2]}" = "$(printf '%s\tout/f2.bin\t5000\tok' "$a_URL/files/f2.bin")" ]
	[ "${lines[3]}" = "$(printf '%s\tout/f3.dat\t%s\tok' "$a_URL/files/f3.dat" "$(stat -c %s "$FS_DIR/f3.dat")")" ]
	[ "${#lines[@]}" -eq 4 ]
	cmp out/f1.txt "$FS_DIR/f1.txt"
	cmp out/f2.bin "$FS_DIR/f2.bin"
	cmp out/f3.dat "$FS_DIR/f3.dat"
	[ -z "$(ls -A out | grep '\.part$')" ]
}

@test "get: the table on stdin, CSV by name, default directory ." {
	cut -f2 t.tsv | sed 's/\t/,/' >u.csv
	run get u.csv
	[ "$status" -eq 0 ]
	cmp f1.txt "$FS_DIR/f1.txt"
	cmp f3.dat "$FS_DIR/f3.dat"
	rm -f f1.txt f2.bin f3.dat
	run get -d out <t.tsv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	cmp out/f2.bin "$FS_DIR/f2.bin"
}

@test "get: --column and --name-from" {
	printf 'obs\tlink\n' >c.tsv
	printf 'obs-1.txt\t%s\n' "$a_URL/files/f1.txt" >>c.tsv
	printf '../../evil\t%s\n' "$a_URL/files/f2.bin" >>c.tsv
	run get -d out --column link --name-from obs c.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'out/obs-1.txt\tok')" ]
	[ "$(cut -f2,4 <<<"${lines[2]}")" = "$(printf 'out/evil\tok')" ]
	cmp out/obs-1.txt "$FS_DIR/f1.txt"
	cmp out/evil "$FS_DIR/f2.bin"
}

@test "get: a missing column is a usage error" {
	run get -d out --column nope t.tsv
	[ "$status" -eq 64 ]
	[[ "$output" == *"no column 'nope'"* ]]
	printf 'x\ty\n1\t2\n' >n.tsv
	run get -d out n.tsv
	[ "$status" -eq 64 ]
	[[ "$output" == *"no column 'access_url'"*--column* ]]
	run get -d out --name-from nope t.tsv
	[ "$status" -eq 64 ]
	[ "$(fs_requests "$a_LOG")" -eq 0 ]
}

@test "get: names from Content-Disposition, sanitised; clashes get suffixes" {
	printf 'access_url\n' >d.tsv
	printf '%s\n' "$a_URL/dispo?name=../.hidden/nice.fits&file=f1.txt" \
		"$a_URL/dispo?name=caf%C3%A9.txt&star=1&file=f2.bin" \
		"$a_URL/dispo?name=nice.fits&file=f3.dat" >>d.tsv
	run get -j 1 -d out d.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2 <<<"${lines[1]}")" = out/nice.fits ]
	[ "$(cut -f2 <<<"${lines[2]}")" = "out/café.txt" ]
	[ "$(cut -f2 <<<"${lines[3]}")" = out/nice-1.fits ]
	cmp out/nice.fits "$FS_DIR/f1.txt"
	cmp out/café.txt "$FS_DIR/f2.bin"
	cmp out/nice-1.fits "$FS_DIR/f3.dat"
	# the same name from the URL twice
	printf 'access_url\n%s\n%s\n' "$a_URL/files/f1.txt" "$a_URL/files/f1.txt?x=1" >e.tsv
	run get -j 1 -d no/such/out2 e.tsv
	[ "$status" -eq 73 ]	# -d makes its directory, not its parents
	[ ! -e no ]
	run get -j 1 -d out2 e.tsv
	[ "$status" -eq 0 ]
	[ -f out2/f1.txt ] && [ -f out2/f1-1.txt ]
}

@test "get: a re-run skips complete files, having read only the headers" {
	run get -d out t.tsv
	[ "$status" -eq 0 ]
	fs_clear_log a
	run get -d out t.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2-4 <<<"${lines[1]}")" = "$(printf 'out/f1.txt\t11\tskipped')" ]
	[ "$(cut -f4 <<<"${lines[2]}")" = skipped ]
	[ "$(cut -f4 <<<"${lines[3]}")" = skipped ]
	# no HEAD (DaCHS never answers those), a GET cut short after its headers
	[ "$(methods "$a_LOG" HEAD)" -eq 0 ]
	[ "$(methods "$a_LOG" GET)" -eq 3 ]
	# a file of the wrong size is fetched again
	printf 'short' >out/f2.bin
	run get -d out t.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f4 <<<"${lines[2]}")" = ok ]
	cmp out/f2.bin "$FS_DIR/f2.bin"
}

@test "get: a broken transfer leaves a .part, no file, and fails" {
	printf 'access_url\n%s\n%s\n' "$a_URL/truncate?bytes=1000&file=f2.bin" \
		"$a_URL/files/f1.txt" >b.tsv
	run --separate-stderr get -d out b.tsv
	[ "$status" -eq 69 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "vo-get: $a_URL/truncate?bytes=1000&file=f2.bin: "*bytes* ]]
	[[ "$(cut -f4 <<<"${lines[1]}")" == "error: "* ]]
	[ "$(cut -f4 <<<"${lines[2]}")" = ok ]
	[ ! -e out/truncate ]
	[ -f out/.truncate.part ]
	cmp out/f1.txt "$FS_DIR/f1.txt"
	# resumed within the run, each time with a Range
	[ "$(fs_requests "$a_LOG" /truncate)" -eq 3 ]
}

@test "get: a .part of an interrupted run is resumed with Range" {
	head -c 1234 "$FS_DIR/f3.dat" >out/.f3.dat.part
	printf 'access_url\n%s\n' "$a_URL/files/f3.dat" >r.tsv
	run get -d out r.tsv
	[ "$status" -eq 0 ]
	[ "$(fs_header "$a_LOG" 1 Range)" = "bytes=1234-" ]
	cmp out/f3.dat "$FS_DIR/f3.dat"
	[ ! -e out/.f3.dat.part ]
	[ "$(cut -f3,4 <<<"${lines[1]}")" = "$(printf '%s\tok' "$(stat -c %s "$FS_DIR/f3.dat")")" ]
}

@test "get: a transfer broken once is resumed with Range in the same run" {
	printf 'access_url\n%s\n' "$a_URL/breakfirst?key=r1&bytes=2000&file=f2.bin" >r.tsv
	run get -d out r.tsv
	[ "$status" -eq 0 ]
	cmp out/breakfirst "$FS_DIR/f2.bin"
	[ "$(fs_requests "$a_LOG" /breakfirst)" -eq 2 ]
	[ -z "$(fs_header "$a_LOG" 1 Range)" ]
	[ "$(fs_header "$a_LOG" 2 Range)" = "bytes=2000-" ]
}

@test "get: a server ignoring Range (200) restarts from zero" {
	# /flaky serves whole files and knows nothing of Range
	printf 'garbage-garbage' >out/.flaky.part
	printf 'access_url\n%s\n' "$a_URL/flaky?key=z&fail=0&file=f1.txt" >r.tsv
	run get -d out r.tsv
	[ "$status" -eq 0 ]
	[ "$(fs_header "$a_LOG" 1 Range)" = "bytes=15-" ]
	cmp out/flaky.txt "$FS_DIR/f1.txt"	# text/plain: the extension added
}

@test "get: 503 then success is retried" {
	printf 'access_url\n%s\n' "$a_URL/flaky?key=get503&fail=2&status=503&retry_after=0&file=f1.txt" >r.tsv
	run get -d out r.tsv
	[ "$status" -eq 0 ]
	cmp out/flaky.txt "$FS_DIR/f1.txt"	# text/plain: the extension added
	[ "$(fs_requests "$a_LOG" /flaky)" -eq 3 ]
}

@test "get: HTTP errors and unreachable hosts are rows; the rest is downloaded" {
	printf 'access_url\n%s\n%s\n%s\n' "http://127.0.0.1:1/nothing.fits" \
		"$a_URL/files/missing.fits" "$a_URL/files/f1.txt" >r.tsv
	run --separate-stderr get -d out --timeout 20 r.tsv
	[ "$status" -eq 69 ]
	[[ "$(cut -f4 <<<"${lines[1]}")" == "error: "* ]]
	[ "$(cut -f4 <<<"${lines[2]}")" = "error: HTTP status 404 Not Found" ]
	# each failure on stderr too, one line each
	[ "${#stderr_lines[@]}" -eq 2 ]
	[[ "$stderr" == *"vo-get: http://127.0.0.1:1/nothing.fits: "* ]]
	[[ "$stderr" == *"vo-get: $a_URL/files/missing.fits: HTTP status 404 Not Found"* ]]
	[ "$(cut -f4 <<<"${lines[3]}")" = ok ]
	cmp out/f1.txt "$FS_DIR/f1.txt"
	[ ! -e out/missing.fits ]
}

@test "get: the token goes to its host only, not to a redirect's other host" {
	printf 'access_url\n%s\n%s\n' \
		"$a_URL/auth?token=$TOKEN&file=f1.txt" \
		"$a_URL/redirect?to=$b_URL/files/f2.bin" >r.tsv
	run get -j 1 -d out --token-file "$T/token" r.tsv
	[ "$status" -eq 0 ]
	cmp out/auth.txt "$FS_DIR/f1.txt"
	cmp out/f2.bin "$FS_DIR/f2.bin"
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
	[ "$(fs_header "$a_LOG" 2 Authorization)" = "Bearer $TOKEN" ]
	[ "$(fs_requests "$b_LOG")" -eq 1 ]
	[ -z "$(fs_header "$b_LOG" 1 Authorization)" ]
	! grep -q "$TOKEN" "$b_LOG"
}

@test "get: --token-host binds the token to another host than the first URL's" {
	printf 'access_url\n%s\n%s\n' "$b_URL/files/f1.txt" "$a_URL/files/f2.bin" >r.tsv
	run get -j 1 -d out --token-file "$T/token" --token-host "127.0.0.1:$a_PORT" r.tsv
	[ "$status" -eq 0 ]
	[ -z "$(fs_header "$b_LOG" 1 Authorization)" ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
	# the https default port is not the server's: no token anywhere
	fs_clear_log a
	rm out/f2.bin
	run get -j 1 -d out --token-file "$T/token" --token-host 127.0.0.1 r.tsv
	[ "$status" -eq 0 ]
	[ -z "$(fs_header "$a_LOG" 1 Authorization)" ]
}

@test "get: parallel downloads from two hosts, limits respected" {
	printf 'access_url\n' >p.tsv
	for i in 1 2 3 4 5 6; do
		printf '%s\n' "$a_URL/stall?seconds=0.3&file=f1.txt&n=$i" >>p.tsv
	done
	printf '%s\n' "$b_URL/files/f2.bin" >>p.tsv
	run get -d out -j 8 --per-host 2 --name-from access_url p.tsv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 8 ]
	[ "$(grep -c $'\tok$' <<<"$output")" -eq 7 ]
	# 6 stalled requests 2 at a time: at least 3 rounds
	start=$(date +%s.%N)
	rm -rf out && mkdir out
	run get -d out -j 8 --per-host 2 --name-from access_url p.tsv
	end=$(date +%s.%N)
	[ "$status" -eq 0 ]
	python3 -c "import sys; assert float(sys.argv[2]) - float(sys.argv[1]) >= 0.85" "$start" "$end"
}

@test "get: no progress output when stderr is not a terminal" {
	run --separate-stderr get -d out t.tsv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "get: a progress line when stderr is a terminal" {
	command -v script >/dev/null || skip "no script(1)"
	script -qec "$VT_BIN/vo-get -d out t.tsv >manifest" /dev/null >tty.out
	grep -q 'vo-get: 3/3 files' tty.out
	[ "$(wc -l <manifest)" -eq 4 ]
}
