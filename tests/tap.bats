#!/usr/bin/env bats
# vo-tap against the real local TAP service (GAVO DaCHS, scripts/vo-test-server)
# and, for what a real server cannot be made to do, the fault server.

bats_require_minimum_version 1.5.0

load lib/dachs
load lib/faultserver

setup_file() {
	dachs_env
	export FS_DIR="$BATS_FILE_TMPDIR/files"
	fs_start fs
}

teardown_file() {
	fs_stop_all
}

setup() {
	dachs_env
	fs_clear_log fs
	T="$BATS_TEST_TMPDIR"
	S="$VT_TAP_URL"
	TAP="$VT_BIN/vo-tap"
}

# vot.small as TSV: every column type, UTF-8, a tab and a newline, NULLs
# (tests/server/README lists what the table holds)
small_tsv() {
	printf '%s\n' \
		'id	name	ra	dec	mag	flag	n	t	vec' \
		'1	Åström	10.5	-3.25	12.5	T	7	2020-01-01T00:00:00	1.5 2.5 -0.25' \
		'2	NGC 7000 ε	314.75	44.5		F	-1		NaN NaN NaN' \
		'3	tab\there\nnewline	0.0	90.0	-1.5			2000-01-01T12:00:00	0.0 0.0 1e+30' \
		'4		359.875	-90.0	0.0	T	0	1858-11-17T00:00:00	-1.0 0.5 0.25' \
		'5		180.0	0.0	99.5	F	2147483647	2023-02-25T06:30:15	3.0 2.0 1.0'
}

@test "every column type of vot.small arrives as TSV, UTF-8, tab and newline escaped" {
	run "$TAP" -s "$S" 'SELECT * FROM vot.small ORDER BY id'
	[ "$status" -eq 0 ]
	[ "$output" = "$(small_tsv)" ]
}

@test "the query can come from a file and from stdin" {
	echo 'SELECT id FROM vot.small WHERE id < 3 ORDER BY id' > "$T/q.adql"
	run "$TAP" -s "$S" -q "$T/q.adql"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\n1\n2')" ]
	run sh -c "'$TAP' -s '$S' < '$T/q.adql'"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\n1\n2')" ]
}

@test "JSON output keeps types; the tab and newline survive as JSON escapes" {
	run "$TAP" -s "$S" -f json 'SELECT id, name, mag, flag, vec FROM vot.small WHERE id = 3'
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r == {"id": 3, "name": "tab\there\nnewline", "mag": -1.5, "flag": None,
             "vec": [0.0, 0.0, 1e30]}, r' "$output"
	[ "$status" -eq 0 ]
}

@test "100,000 rows stream through, counted like the server counts them" {
	run sh -c "'$TAP' -s '$S' -m 200000 'SELECT id FROM vot.cat' |
		awk 'NR == 2 { lo = hi = \$1 } NR > 1 { n++; if (\$1 < lo) lo = \$1; if (\$1 > hi) hi = \$1 } END { print n, lo, hi }'"
	[ "$status" -eq 0 ]
	want=$("$TAP" -s "$S" 'SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM vot.cat' |
		awk 'NR == 2 { print $1, $2, $3 }')
	[ "$output" = "$want" ]
	[ "${output%% *}" = 100000 ]
}

@test "-o writes the file atomically; a failed query leaves none" {
	run "$TAP" -s "$S" -o "$T/out.tsv" 'SELECT id FROM vot.small WHERE id = 1'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(cat "$T/out.tsv")" = "$(printf 'id\n1')" ]
	run "$TAP" -s "$S" -o "$T/bad.tsv" 'SELECT nosuchcolumn FROM vot.small'
	[ "$status" -eq 1 ]
	[ ! -e "$T/bad.tsv" ]
	[ -z "$(ls -A "$T" | grep -v '^out.tsv$' | grep -v '^q.adql$')" ]
}

@test "an ADQL syntax error: the service's message, exit 1" {
	run "$TAP" -s "$S" 'SELEC id FROM vot.small'
	[ "$status" -eq 1 ]
	[[ "$output" == "vo-tap: service error: "*"Could not parse your query"* ]]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "MAXREC overflow: a warning naming the limit; --fail-on-overflow exits 3 and writes no file" {
	run "$TAP" -s "$S" -m 3 'SELECT id FROM vot.cat'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^[0-9]')" -eq 3 ]
	[[ "$output" == *"warning: result truncated at 3 rows by MAXREC=3"* ]]
	run "$TAP" -s "$S" -m 3 --fail-on-overflow -o "$T/o.tsv" 'SELECT id FROM vot.cat'
	[ "$status" -eq 3 ]
	[ ! -e "$T/o.tsv" ]
	run "$TAP" -s "$S" -m 10 --fail-on-overflow 'SELECT id FROM vot.small'
	[ "$status" -eq 0 ]
}

@test "-p binds strings as quoted literals: the pyVO course's Exercise 6 name and quotes" {
	run "$TAP" -s "$S" -p n='NGC 7000 ε' 'SELECT id FROM vot.small WHERE name = :n'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\n2')" ]
	run "$TAP" -s "$S" -p "n=O'Brien" 'SELECT COUNT(*) AS c FROM vot.small WHERE name = :n'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'c\n0')" ]
}

@test "-p: injection attempts stay inside one literal" {
	run "$TAP" -s "$S" -p "n=x' OR '1'='1" 'SELECT COUNT(*) AS c FROM vot.small WHERE name = :n'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'c\n0')" ]
	run "$TAP" -s "$S" -p 'n=1 OR 1=1' 'SELECT COUNT(*) AS c FROM vot.small WHERE id = :n'
	[ "$status" -eq 1 ]	# a string compared with an integer: the service refuses
	run "$TAP" -s "$S" -p 'n:n=1 OR 1=1' 'SELECT COUNT(*) AS c FROM vot.small WHERE id = :n'
	[ "$status" -eq 64 ]
	[[ "$output" == *"not a number"* ]]
	run "$TAP" -s "$S" -p id=4 -p m=0.5 'SELECT id FROM vot.small WHERE id = :id OR mag < :m ORDER BY id'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\n3\n4')" ]
}

@test "-p: an unbound placeholder or an unused parameter is refused before sending" {
	run "$TAP" -v -s "$S" 'SELECT id FROM vot.small WHERE id = :id'
	[ "$status" -eq 64 ]
	[[ "$output" == *"no value for :id"* ]]
	[[ "$output" != *"POST"* ]]
	run "$TAP" -s "$S" -p x=1 'SELECT id FROM vot.small'
	[ "$status" -eq 64 ]
}

@test "upload from TSV joined with TAP_UPLOAD" {
	printf 'myid\tlabel\n2\tsecond\n5\tfifth\n' > "$T/mine.tsv"
	run "$TAP" -s "$S" -u mine="$T/mine.tsv" \
		'SELECT m.label, s.name, s.n FROM TAP_UPLOAD.mine AS m JOIN vot.small AS s ON s.id = m.myid ORDER BY s.id'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'label\tname\tn\nsecond\tNGC 7000 ε\t-1\nfifth\t\t2147483647')" ]
}

@test "upload from a VOTable (a previous result) and from CSV, two at once" {
	"$TAP" -s "$S" -f votable 'SELECT id, ra FROM vot.small WHERE id <= 2' > "$T/prev.vot"
	printf 'k,w\n1,one\n2,"two, with a comma"\n' > "$T/w.csv"
	run "$TAP" -s "$S" -u prev="$T/prev.vot" -u w="$T/w.csv" \
		'SELECT p.id, p.ra, w.w FROM TAP_UPLOAD.prev AS p JOIN TAP_UPLOAD.w AS w ON w.k = p.id ORDER BY p.id'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\tra\tw\n1\t10.5\tone\n2\t314.75\ttwo, with a comma')" ]
}

@test "upload by URL: the service fetches the table itself" {
	mkdir -p "$FS_DIR"
	"$TAP" -s "$S" -f votable 'SELECT id FROM vot.small WHERE id IN (1, 3)' > "$FS_DIR/ids.vot"
	run "$TAP" -s "$S" -u ids="$fs_URL/files/ids.vot" \
		'SELECT s.id, s.ra FROM TAP_UPLOAD.ids AS i JOIN vot.small AS s ON s.id = i.id ORDER BY s.id'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\tra\n1\t10.5\n3\t0.0')" ]
	grep -q '"path": "/files/ids.vot"' "$fs_LOG"
}

@test "a service declaring no uploads: clear error, nothing sent" {
	mkdir -p "$FS_DIR"
	grep -v 'uploadMethod' "$BATS_TEST_DIRNAME/fixtures/vosi/caps-dachs.xml" > "$FS_DIR/capabilities"
	grep -q 'TAPRegExt' "$FS_DIR/capabilities"
	printf 'a\n1\n' > "$T/a.tsv"
	run "$TAP" -s "$fs_URL/files" -u a="$T/a.tsv" 'SELECT * FROM TAP_UPLOAD.a'
	[ "$status" -eq 69 ]
	[[ "$output" == *"declares no table uploads"*"nothing was sent"* ]]
	grep -q '"path": "/files/capabilities"' "$fs_LOG"
	! grep -q '"method": "POST"' "$fs_LOG"
}

@test "--tables lists what TAP_SCHEMA declares" {
	run "$TAP" -s "$S" --tables
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'name\ttype\tdescription')" ]
	got=$(echo "$output" | awk -F'\t' '$1 ~ /^vot\./ { print $1 "\t" $3 }' | sort)
	# (the listing gives each description on one line)
	want=$("$TAP" -s "$S" --no-header "SELECT table_name, description FROM tap_schema.tables WHERE schema_name = 'vot'" |
		sed -e 's/\\n/ /g' -e 's/  */ /g' | sort)
	[ -n "$got" ]
	[ "$got" = "$want" ]
}

@test "--describe TABLE gives the columns TAP_SCHEMA declares, with units and UCDs" {
	run "$TAP" -s "$S" --describe vot.cat
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'name\tdatatype\tarraysize\tunit\tucd\tutype\tdescription\tflags')" ]
	got=$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 "\t" $4 "\t" $5 }' | sort)
	want=$("$TAP" -s "$S" --no-header "SELECT column_name, unit, ucd FROM tap_schema.columns WHERE table_name = 'vot.cat'" | sort)
	[ "$got" = "$want" ]
	echo "$output" | grep -q "^ra	double		deg	pos.eq.ra;meta.main	"
	run "$TAP" -s "$S" --describe nosuch.table
	[ "$status" -eq 64 ]
	[[ "$output" == *"no table 'nosuch.table'"* ]]
}

@test "--capabilities: interfaces, uploads and limits as the service declares them" {
	run "$TAP" -s "$S" --capabilities
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'key\tvalue\tdetail')" ]
	echo "$output" | grep -qx "interface	sync	$S/sync"
	echo "$output" | grep -qx "upload	inline	ivo://ivoa.net/std/TAPRegExt#upload-inline"
	echo "$output" | grep -q "^language	ADQL-2.0	"
	echo "$output" | grep -q "^feature	"
	caps=$(curl -s "$S/capabilities")
	def=$(echo "$caps" | tr -d '\n' | sed -n 's/.*<outputLimit>[^<]*<default[^>]*>\([0-9]*\)<.*/\1/p')
	[ -n "$def" ]
	echo "$output" | grep -qx "maxrec.default	$def	"
}

@test "--examples: the service's examples, each of which runs" {
	run "$TAP" -s "$S" --examples
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'id\tname\tquery')" ]
	declared=$(curl -s "$S/examples" | grep -o 'typeof="example"' | wc -l)
	[ "$declared" -ge 1 ]
	[ "$((${#lines[@]} - 1))" -eq "$declared" ]
	echo "$output" | awk -F'\t' 'NR > 1 { print $2 }' | grep -qx 'Brightest stars'
	echo "$output" | awk -F'\t' 'NR > 1 { print $3 }' | while IFS= read -r q; do
		printf '%b\n' "$q" | "$TAP" -s "$S" -q - > "$BATS_TEST_TMPDIR/ex.tsv" || exit 1
		[ "$(wc -l < "$BATS_TEST_TMPDIR/ex.tsv")" -ge 2 ] || exit 1
	done
}

@test "--availability" {
	run "$TAP" -s "$S" --availability
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx "available	true"
}

@test "named services: -s NAME from the services file, VO_TAP_SERVICE as default" {
	printf '# mine\nlocal %s\n' "$S" > "$T/services"
	VO_SERVICES="$T/services" run "$TAP" -s local 'SELECT id FROM vot.small WHERE id = 1'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\n1')" ]
	VO_SERVICES="$T/services" VO_TAP_SERVICE=local run "$TAP" 'SELECT id FROM vot.small WHERE id = 1'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\n1')" ]
	VO_SERVICES="$T/services" run "$TAP" -s nosuch 'SELECT 1'
	[ "$status" -eq 64 ]
	[[ "$output" == *"no service named 'nosuch'"* ]]
	VO_TAP_SERVICE= run "$TAP" 'SELECT 1'
	[ "$status" -eq 64 ]
}

@test "a service that refuses connections: exit 69, one line" {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	run "$TAP" -s "http://127.0.0.1:$port/tap" 'SELECT 1'
	[ "$status" -eq 69 ]
	[[ "$output" == "vo-tap: "*"onnect"* ]]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "a service that stalls: --timeout gives exit 75 in time" {
	python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(20)' > "$T/port" &
	pid=$!
	while [ ! -s "$T/port" ]; do sleep 0.1; done
	start=$(date +%s)
	run "$TAP" --timeout 2 -s "http://127.0.0.1:$(cat "$T/port")/tap" 'SELECT 1'
	kill "$pid" 2>/dev/null || true
	[ "$status" -eq 75 ]
	[ $(( $(date +%s) - start )) -lt 10 ]
	[[ "$output" == "vo-tap: "* ]]
}

@test "auth: a bearer token through the nginx front" {
	run "$TAP" -s "$VT_TAP_AUTH_URL" --token-file "$VT_TAP_TOKEN_FILE" 'SELECT id FROM vot.small WHERE id = 1'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\n1')" ]
}

@test "auth: Basic x-oauth-basic (the Rubin convention), token kept out of the -v trace" {
	run "$TAP" -v -s "$VT_TAP_AUTH_URL" --token-file "$VT_TAP_TOKEN_FILE" --auth basic 'SELECT id FROM vot.small WHERE id = 1'
	[ "$status" -eq 0 ]
	[[ "$output" == *"[redacted]"* ]]
	token=$(tr -d ' \n' < "$VT_TAP_TOKEN_FILE")
	[[ "$output" != *"$token"* ]]
	[[ "$output" != *"$(printf 'x-oauth-basic:%s' "$token" | base64)"* ]]
}

@test "auth: a missing token: 401 names the schemes the service asked for" {
	run "$TAP" -s "$VT_TAP_AUTH_URL" 'SELECT 1'
	[ "$status" -eq 77 ]
	[[ "$output" == *"HTTP 401"*"Bearer"*"--token-file"* ]]
	[[ "$output" == *"Basic"* ]]
}

@test "auth: a wrong token is refused, 77" {
	echo wrong-token > "$T/tok"
	chmod 600 "$T/tok"
	run "$TAP" -s "$VT_TAP_AUTH_URL" --token-file "$T/tok" 'SELECT 1'
	[ "$status" -eq 77 ]
	[[ "$output" == *"HTTP 401"* ]]
	[[ "$output" != *"wrong-token"* ]]
}

@test "auth: a group-readable token file is refused before anything is sent" {
	cp "$VT_TAP_TOKEN_FILE" "$T/tok"
	chmod 640 "$T/tok"
	run "$TAP" -s "$VT_TAP_AUTH_URL" --token-file "$T/tok" 'SELECT 1'
	[ "$status" -eq 77 ]
	[[ "$output" == *"chmod 600 $T/tok"* ]]
}

# ---- -P: other TAP parameters (issue 9, item 12) ----

@test "-P RESPONSEFORMAT=votable/td: the service answers in TABLEDATA, the same rows" {
	# (not vec: an array of NaNs is NULL in TABLEDATA)
	Q='SELECT id, name, ra, dec, mag, flag, n, t FROM vot.small ORDER BY id'
	run --separate-stderr "$TAP" -v -s "$S" -P RESPONSEFORMAT=votable/td "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$(small_tsv | cut -f1-8)" ]
	grep -qi '^vo-tap: < Content-Type: application/x-votable+xml;serialization=TABLEDATA' <<<"$stderr"
	# and with --async: the job's parameter, then its result
	run --separate-stderr "$TAP" -v --async -s "$S" -P RESPONSEFORMAT=votable/td "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$(small_tsv | cut -f1-8)" ]
	grep -qi '^vo-tap: < Content-Type: application/x-votable+xml;serialization=TABLEDATA' <<<"$stderr"
}

@test "-P sends any parameter as it is, after the query's own; repeatable" {
	run "$TAP" -s "$fs_URL/echo?x=" -P RESPONSEFORMAT=votable/b2 -P X_CUSTOM='a b&c=d' 'SELECT 1'
	# /echo answers JSON, not a VOTable: what matters is what was sent
	body=$(python3 -c 'import json,sys; print([json.loads(l)["body"] for l in open(sys.argv[1])][-1])' "$fs_LOG")
	[ "$body" = "REQUEST=doQuery&LANG=ADQL&QUERY=SELECT%201&RESPONSEFORMAT=votable%2Fb2&X_CUSTOM=a%20b%26c%3Dd" ]
}

@test "-P: the parameters vo-tap sets itself, and answers it cannot read, are usage errors" {
	for p in MAXREC=5 maxrec=5 LANG=SQL QUERY=x UPLOAD=t,param:t REQUEST=getCapabilities; do
		run "$TAP" -s "$fs_URL/never" -P "$p" 'SELECT 1'
		[ "$status" -eq 64 ]
	done
	[[ "$output" == "vo-tap: -P REQUEST: "* ]]
	for p in RESPONSEFORMAT=csv FORMAT=text/plain 'noequals' '=x' 'a b=1'; do
		run "$TAP" -s "$fs_URL/never" -P "$p" 'SELECT 1'
		[ "$status" -eq 64 ]
	done
	[ "$(fs_requests "$fs_LOG")" -eq 0 ]
}

@test "vo-job submit -P: the job carries the parameter" {
	export VO_JOURNAL="$T/journal"
	J=$("$VT_BIN/vo-job" submit --run -s "$S" -P RESPONSEFORMAT=votable/td 'SELECT TOP 1 id FROM vot.small ORDER BY id')
	[ -n "$J" ]
	run "$VT_BIN/vo-job" wait --timeout 60 "$J"
	[ "$status" -eq 0 ]
	run "$VT_BIN/vo-job" info "$J"
	grep -qiE '^parameter[.:	]*responseformat	votable/td$' <<<"$output" || {
		echo "$output"; curl -s "$J/parameters"; false; }
	"$VT_BIN/vo-job" delete "$J"
}

# ---- deadlines and messages (issue 9, item 15) ----

@test "a service that accepts the query and never answers: the stall timeout ends it, exit 75, no retry" {
	start=$(date +%s)
	VO_STALL_TIMEOUT=2 run timeout 60 "$TAP" -s "$fs_URL/stall?seconds=60&x=" 'SELECT 1'
	[ "$status" -eq 75 ]
	[ "$output" = "vo-tap: $fs_URL/stall?seconds=60&x=/sync: timed out: the service stalled, less than 1 byte/s for 2 s (the stall timeout)" ]
	# curl counts the request body as traffic for its first seconds
	[ $(( $(date +%s) - start )) -lt 20 ]
	[ "$(fs_requests "$fs_LOG" /stall)" -eq 1 ]
}

@test "connection refused: the message names the service's URL" {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	run "$TAP" -s "http://127.0.0.1:$port/tap" 'SELECT 1'
	[ "$status" -eq 69 ]
	[[ "$output" == "vo-tap: http://127.0.0.1:$port/tap/sync: cannot connect: Connection refused"* ]]
}

@test "a long error body is quoted on one line, cut" {
	mkdir -p "$FS_DIR"
	for i in $(seq 200); do printf 'Error %d:\tsomething went wrong here\r\n' "$i"; done >"$FS_DIR/long.txt"
	run "$TAP" -s "$fs_URL/status?code=500&file=long.txt&x=" 'SELECT 1'
	[ "$status" -eq 69 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${#output}" -lt 600 ]
	[[ "$output" == *"HTTP 500: Error 1: something went wrong here Error 2: "* ]]
	# job creation refused with a long text: the same
	run "$VT_BIN/vo-job" submit -s "$fs_URL/status?code=400&file=long.txt&x=" 'SELECT 1'
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${#output}" -lt 400 ]
	[[ "$output" == "vo-job: service error: Error 1: something went wrong here Error 2: "*"..." ]]
}

@test "-u of a TSV file that is not UTF-8: refused before the query is sent (exit 65)" {
	printf 'id\tname\n1\tok\n2\tcaf\xe9\n' >"$T/latin1.tsv"
	run "$TAP" -s "$S" -u t="$T/latin1.tsv" 'SELECT * FROM TAP_UPLOAD.t'
	[ "$status" -eq 65 ]
	[ "$output" = "vo-tap: -u t: $T/latin1.tsv: row 2, column 'name': not valid UTF-8 (byte 0xE9)" ]
	# converted, it goes through
	iconv -f latin1 -t utf-8 "$T/latin1.tsv" >"$T/utf8.tsv"
	run "$TAP" -s "$S" -u t="$T/utf8.tsv" 'SELECT * FROM TAP_UPLOAD.t ORDER BY id'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\tname\n1\tok\n2\tcafé')" ]
}
