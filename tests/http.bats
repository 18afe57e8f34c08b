#!/usr/bin/env bats
# HTTP behaviour (lib/http.c, lib/netopts.c) against the fault-injecting
# server: through vo-vot, and through the http_test driver where vo-vot
# has no way to ask (POST, redirects of POST, multipart, ranges).

bats_require_minimum_version 1.5.0

load lib/faultserver

TOKEN=s3cret-Tok3n-value

setup_file() {
	export FS_DIR=$BATS_FILE_TMPDIR/files
	mkdir -p "$FS_DIR"
	cat >"$FS_DIR/t.vot" <<'EOF'
<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results">
<TABLE>
<FIELD name="id" datatype="int"/>
<FIELD name="name" datatype="char" arraysize="*"/>
<DATA><TABLEDATA>
<TR><TD>1</TD><TD>alpha</TD></TR>
<TR><TD>2</TD><TD>beta</TD></TR>
</TABLEDATA></DATA>
</TABLE>
</RESOURCE>
</VOTABLE>
EOF
	fs_start a
}

teardown_file() {
	fs_stop_all
}

setup() {
	T=$BATS_TEST_TMPDIR
	EXPECTED=$(printf 'id\tname\n1\talpha\n2\tbeta')
	printf '  %s \n' "$TOKEN" >"$T/token"
	chmod 600 "$T/token"
	# no credentials file from the user's environment
	export XDG_CONFIG_HOME=$T/config VO_CREDENTIALS= VO_TOKEN_FILE=
	fs_clear_log a
}

teardown() {
	fs_stop_all
}

fetch() {
	"$VT_UNIT/http_test" fetch "$@"
}

@test "http: unit tests of cred, netopts and http helpers" {
	run "$VT_UNIT/http_test"
	[ "$status" -eq 0 ]
	[ "$output" = "http_test: all checks passed" ]
}

@test "http: a VOTable fetched by URL is converted" {
	run "$VT_BIN/vo-vot" "$a_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "$(fs_header "$a_LOG" 1 User-Agent)" = "vo-tools/$(sed -n 's/.*VT_VERSION "\(.*\)"/\1/p' "$BATS_TEST_DIRNAME/../lib/version.h")" ]
	[ -z "$(fs_header "$a_LOG" 1 Authorization)" ]
}

@test "http: a gzip-encoded body is decoded" {
	run "$VT_BIN/vo-vot" "$a_URL/gzip?file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[[ "$(fs_header "$a_LOG" 1 Accept-Encoding)" == *gzip* ]]
}

@test "http: bearer token from a file, trimmed, reaches the service" {
	run "$VT_BIN/vo-vot" --token-file "$T/token" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
}

@test "http: \$VO_TOKEN_FILE is used when --token-file is not given" {
	VO_TOKEN_FILE=$T/token run "$VT_BIN/vo-vot" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
}

@test "http: basic auth sends x-oauth-basic and the token as password" {
	run "$VT_BIN/vo-vot" --auth basic --token-file "$T/token" \
		"$a_URL/auth?token=$TOKEN&user=x-oauth-basic&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Basic $(printf 'x-oauth-basic:%s' "$TOKEN" | base64)" ]
	run "$VT_BIN/vo-vot" --auth basic --auth-user alice --token-file "$T/token" \
		"$a_URL/auth?token=$TOKEN&user=alice&file=t.vot"
	[ "$status" -eq 0 ]
}

@test "http: 401 exits 77 and names the scheme the service asked for" {
	run "$VT_BIN/vo-vot" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 77 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == vo-vot:*401* ]]
	[[ "$output" == *Bearer* ]]
	run fetch --info "$T/info" "$a_URL/auth?token=x"
	grep -qx 'www-authenticate Bearer realm="x"' "$T/info"
}

@test "http: -v traces the request and response but never the token" {
	run "$VT_BIN/vo-vot" -v --token-file "$T/token" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[[ "$output" == *"GET $a_URL/auth?token="* ]] || [[ "$output" == *"GET /auth?token="* ]]
	[[ "$output" == *"Authorization: Bearer [redacted]"* ]]
	[[ "$output" == *"< HTTP/1.1 200"* ]]
	# the URL carries the token for the test server's sake: strip it, then
	# nothing of the token may be left anywhere in the output
	stripped=${output//token=$TOKEN/}
	[[ "$stripped" != *"$TOKEN"* ]]
	# and with basic auth: neither the token nor its base64 form
	run "$VT_BIN/vo-vot" -v --auth basic --token-file "$T/token" \
		"$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Authorization: Basic [redacted]"* ]]
	stripped=${output//token=$TOKEN/}
	[[ "$stripped" != *"$TOKEN"* ]]
	[[ "$output" != *"$(printf 'x-oauth-basic:%s' "$TOKEN" | base64)"* ]]
}

@test "http: -v redacts a password in the URL" {
	run fetch -v "http://user:pw-s3cret@127.0.0.1:$a_PORT/files/t.vot"
	[ "$status" -eq 0 ]
	[[ "$output" == *"user:[redacted]@127.0.0.1"* ]]
	[[ "$output" != *pw-s3cret* ]]
}

@test "http: the token is not sent to another server after a redirect" {
	fs_start b
	run "$VT_BIN/vo-vot" --token-file "$T/token" "$a_URL/redirect?code=302&to=$b_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "$(fs_requests "$a_LOG")" -eq 1 ]
	[ "$(fs_requests "$b_LOG")" -eq 1 ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
	[ -z "$(fs_header "$b_LOG" 1 Authorization)" ]
}

@test "http: the token is bound to the host name too, not only the port" {
	run "$VT_BIN/vo-vot" --token-file "$T/token" \
		"$a_URL/redirect?code=302&to=http://localhost:$a_PORT/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$(fs_requests "$a_LOG")" -eq 2 ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
	[ -z "$(fs_header "$a_LOG" 2 Authorization)" ]
}

@test "http: the token follows a redirect on the same host and port" {
	run "$VT_BIN/vo-vot" --token-file "$T/token" "$a_URL/redirect?code=301&to=/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "$(fs_header "$a_LOG" 2 Authorization)" = "Bearer $TOKEN" ]
}

@test "http: credentials file entries apply per host and port" {
	fs_start b
	printf '%s\n' "$TOKEN" >"$T/tok-b"
	chmod 600 "$T/tok-b"
	mkdir -p "$T/config/vo-tools"
	printf '# test\n127.0.0.1:%s bearer %s\n' "$b_PORT" "$T/tok-b" >"$T/config/vo-tools/credentials"
	run "$VT_BIN/vo-vot" "$a_URL/redirect?code=302&to=$b_URL/auth%3Ftoken%3D$TOKEN%26file%3Dt.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ -z "$(fs_header "$a_LOG" 1 Authorization)" ]
	[ "$(fs_header "$b_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
}

@test "http: POST redirects: 303/302 become GET without body, 307/308 repeat it" {
	for code in 301 302 303; do
		run fetch -d 'QUERY=SELECT * FROM t' -d LANG=ADQL "$a_URL/redirect?code=$code&to=/echo"
		[ "$status" -eq 0 ]
		[[ "$output" == *'"method": "GET"'* ]]
		[[ "$output" == *'"body": ""'* ]]
	done
	for code in 307 308; do
		run fetch -d 'QUERY=SELECT * FROM t' -d LANG=ADQL "$a_URL/redirect?code=$code&to=/echo"
		[ "$status" -eq 0 ]
		[[ "$output" == *'"method": "POST"'* ]]
		[[ "$output" == *'"body": "QUERY=SELECT%20%2A%20FROM%20t&LANG=ADQL"'* ]]
	done
}

@test "http: multipart upload, also repeated after a 307" {
	printf 'a,b\n1,2\n' >"$T/up.csv"
	run fetch -F 'UPLOAD=t1,param:t1' -F "t1=@$T/up.csv" "$a_URL/redirect?code=307&to=/echo"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"method": "POST"'* ]]
	[[ "$output" == *'multipart/form-data; boundary='* ]]
	[[ "$output" == *'name=\"UPLOAD\"\r\n\r\nt1,param:t1\r\n'* ]]
	[[ "$output" == *'filename=\"up.csv\"'*'a,b\n1,2\n'* ]]
	run fetch -F "t1=@$T/missing.csv" "$a_URL/echo"
	[ "$status" -eq 66 ]
	[[ "$output" == *"missing.csv"* ]]
}

@test "http: --no-follow returns the redirect with its Location made absolute" {
	run fetch --info "$T/info" --no-follow "$a_URL/redirect?code=303&to=/files/t.vot"
	[ "$status" -eq 76 ]
	grep -qx "status 303" "$T/info"
	grep -qx "location $a_URL/files/t.vot" "$T/info"
}

@test "http: a redirect loop ends with exit 76" {
	run "$VT_BIN/vo-vot" "$a_URL/redirect?code=302"
	[ "$status" -eq 76 ]
	[[ "$output" == *"redirects"* ]]
	[ "$(fs_requests "$a_LOG")" -eq 11 ]
}

@test "http: a redirect to a non-http URL is refused" {
	run "$VT_BIN/vo-vot" "$a_URL/redirect?code=302&to=file:///etc/passwd"
	[ "$status" -eq 76 ]
	[[ "$output" == *"file:///etc/passwd"* ]]
	[[ "$output" != *root:* ]]
}

@test "http: a range request" {
	run fetch --info "$T/info" --range 10 "$a_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(tail -c +11 "$FS_DIR/t.vot")" ]
	grep -qx "range-honoured 1" "$T/info"
}

@test "http: 503 with Retry-After is retried and then succeeds" {
	start=$SECONDS
	run "$VT_BIN/vo-vot" "$a_URL/flaky?key=k1&fail=2&status=503&retry_after=1&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "$(fs_requests "$a_LOG")" -eq 3 ]
	[ $((SECONDS - start)) -ge 2 ]
	[ $((SECONDS - start)) -le 5 ]
}

@test "http: 429 with an HTTP-date Retry-After, and 502 with back-off, are retried" {
	run "$VT_BIN/vo-vot" "$a_URL/flaky?key=k2&fail=1&status=429&retry_date=1&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	run "$VT_BIN/vo-vot" "$a_URL/flaky?key=k3&fail=2&status=502&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "$(fs_requests "$a_LOG" /flaky)" -eq 5 ]
}

@test "http: 503 forever gives exit 75 after the retries" {
	run "$VT_BIN/vo-vot" "$a_URL/flaky?key=k4&fail=1000&status=503&retry_after=0"
	[ "$status" -eq 75 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == vo-vot:*503* ]]
	[ "$(fs_requests "$a_LOG")" -eq 5 ]
}

@test "http: a Retry-After beyond the deadline is not waited for" {
	start=$SECONDS
	run "$VT_BIN/vo-vot" --timeout 2 "$a_URL/flaky?key=k5&fail=1000&status=503&retry_after=30"
	[ "$status" -eq 75 ]
	[ "$(fs_requests "$a_LOG")" -eq 1 ]
	[ $((SECONDS - start)) -le 1 ]
}

@test "http: POST is not retried unless marked idempotent" {
	run fetch -d a=b "$a_URL/flaky?key=k6&fail=1&status=503&retry_after=0"
	[ "$status" -eq 75 ]
	[ "$(fs_requests "$a_LOG")" -eq 1 ]
	run fetch --idempotent -d a=b "$a_URL/flaky?key=k7&fail=1&status=503&retry_after=0"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "http: a stall before the headers with --timeout 2 gives exit 75" {
	start=$SECONDS
	run "$VT_BIN/vo-vot" --timeout 2 "$a_URL/stall?seconds=10&file=t.vot"
	[ "$status" -eq 75 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"timed out"* ]]
	[ $((SECONDS - start)) -le 4 ]
}

@test "http: a stall in the body with --timeout 2 gives exit 75, no retry" {
	start=$SECONDS
	run "$VT_BIN/vo-vot" --timeout 2 "$a_URL/stall?seconds=10&after_bytes=100&file=t.vot"
	[ "$status" -eq 75 ]
	[[ "$output" == *"timed out"* ]]
	[ $((SECONDS - start)) -le 4 ]
	[ "$(fs_requests "$a_LOG")" -eq 1 ]
}

@test "http: connection refused gives exit 69 and one clear line" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	run "$VT_BIN/vo-vot" --timeout 1 "http://127.0.0.1:$port/x.vot"
	[ "$status" -eq 69 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "vo-vot: "*"127.0.0.1:$port"*"Connection refused"* ]]
}

@test "http: a truncated body is an error, not a short table" {
	run "$VT_BIN/vo-vot" "$a_URL/truncate?bytes=200&file=t.vot"
	[ "$status" -ne 0 ]
	[[ "$output" == *vo-vot:* ]]
	[[ "$output" != *beta* ]]
	run fetch "$a_URL/truncate?bytes=200&file=t.vot"
	[ "$status" -eq 69 ]
	[[ "$output" == *"cut short"* ]]
}

@test "http: 404 gives exit 76, 500 exit 69" {
	run "$VT_BIN/vo-vot" "$a_URL/files/none.vot"
	[ "$status" -eq 76 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == vo-vot:*404* ]]
	run "$VT_BIN/vo-vot" "$a_URL/status?code=500"
	[ "$status" -eq 69 ]
}

# ---- deadlines by default (issue 9, item 15) ----

@test "http: the default deadlines are in force, shown by -v, changed by VO_*_TIMEOUT" {
	run --separate-stderr "$VT_BIN/vo-vot" -v "$a_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
	[ "${stderr_lines[0]}" = "vo-vot: deadlines: connect 30 s, stall 300 s (less than 1 byte/s), total none" ]
	VO_CONNECT_TIMEOUT=2.5 VO_STALL_TIMEOUT=7 run --separate-stderr "$VT_BIN/vo-vot" -v --timeout 9 "$a_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "${stderr_lines[0]}" = "vo-vot: deadlines: connect 2.5 s, stall 7 s (less than 1 byte/s), total 9 s" ]
	VO_STALL_TIMEOUT=0 run --separate-stderr "$VT_BIN/vo-vot" -v "$a_URL/files/t.vot"
	[ "${stderr_lines[0]}" = "vo-vot: deadlines: connect 30 s, stall none, total none" ]
	VO_STALL_TIMEOUT=soon run "$VT_BIN/vo-vot" "$a_URL/files/t.vot"
	[ "$status" -eq 64 ]
	[[ "$output" == *"VO_STALL_TIMEOUT wants seconds, not 'soon'" ]]
	VO_CONNECT_TIMEOUT=0 run "$VT_BIN/vo-vot" "$a_URL/files/t.vot"
	[ "$status" -eq 64 ]
	# and the --help of every program says so
	for p in vo-vot vo-tap vo-job; do
		"$VT_BIN/$p" --help | grep -q 'within 30 s'
		"$VT_BIN/$p" --help | grep -q 'VO_STALL_TIMEOUT'
	done
}

@test "http: a service that never answers ends after the stall timeout: exit 75, the URL, no retry" {
	start=$SECONDS
	VO_STALL_TIMEOUT=2 run timeout 60 "$VT_BIN/vo-vot" "$a_URL/stall?seconds=30&file=t.vot"
	[ "$status" -eq 75 ]
	[ "$output" = "vo-vot: $a_URL/stall?seconds=30&file=t.vot: timed out: the service stalled, less than 1 byte/s for 2 s (the stall timeout)" ]
	[ $((SECONDS - start)) -lt 10 ]
	[ "$(fs_requests "$a_LOG" /stall)" -eq 1 ]
}

@test "http: a download that stops in the body ends after the stall timeout; a shorter pause does not" {
	VO_STALL_TIMEOUT=2 run timeout 60 "$VT_BIN/vo-vot" "$a_URL/stall?seconds=30&after_bytes=100&file=t.vot"
	[ "$status" -eq 75 ]
	[[ "$output" == *"the service stalled"* ]]
	[ "$(fs_requests "$a_LOG" /stall)" -eq 1 ]
	VO_STALL_TIMEOUT=4 run timeout 60 "$VT_BIN/vo-vot" "$a_URL/stall?seconds=1&after_bytes=100&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$EXPECTED" ]
}

@test "http: connection refused names the URL once" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	run "$VT_BIN/vo-vot" --timeout 1 "http://127.0.0.1:$port/x.vot"
	[ "$status" -eq 69 ]
	[[ "$output" == "vo-vot: http://127.0.0.1:$port/x.vot: cannot connect: Connection refused"* ]]
	# an HTTP error too: the URL once
	run "$VT_BIN/vo-vot" "$a_URL/status?code=404"
	[ "$status" -eq 76 ]
	[[ "$output" == "vo-vot: $a_URL/status?code=404: HTTP 404"* ]]
}
