#!/usr/bin/env bats
# Credentials (lib/cred.c, lib/netopts.c) as every network program sees
# them, through vo-vot: token files, the per-host credentials file.

load lib/faultserver

TOKEN=tok-9f8e7d6c5b4a

setup_file() {
	export FS_DIR=$BATS_FILE_TMPDIR/files
	mkdir -p "$FS_DIR"
	printf '<VOTABLE><RESOURCE><TABLE><FIELD name="x" datatype="int"/><DATA><TABLEDATA><TR><TD>7</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n' >"$FS_DIR/t.vot"
	fs_start a
}

teardown_file() {
	fs_stop_all
}

setup() {
	T=$BATS_TEST_TMPDIR
	export XDG_CONFIG_HOME=$T/config VO_CREDENTIALS= VO_TOKEN_FILE=
	# no server is contacted before the credentials are in order
	NOWHERE=http://127.0.0.1:9/x.vot
	fs_clear_log a
}

token_file() {	# token_file PATH MODE CONTENT
	printf '%b' "$3" >"$1"
	chmod "$2" "$1"
}

@test "cred: spaces and newlines around the token are stripped" {
	token_file "$T/tok" 600 "\n  \t$TOKEN  \r\n\n"
	run "$VT_BIN/vo-vot" --token-file "$T/tok" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x\n7')" ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
}

@test "cred: a world-readable token file is refused with exit 77 and the fix" {
	token_file "$T/tok" 644 "$TOKEN\n"
	run "$VT_BIN/vo-vot" --token-file "$T/tok" "$NOWHERE"
	[ "$status" -eq 77 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "vo-vot: "*"$T/tok is readable by others; run: chmod 600 $T/tok" ]]
	[[ "$output" != *"$TOKEN"* ]]
}

@test "cred: a group-readable token file is refused too" {
	token_file "$T/tok" 640 "$TOKEN\n"
	run "$VT_BIN/vo-vot" --token-file "$T/tok" "$NOWHERE"
	[ "$status" -eq 77 ]
	[[ "$output" == *"chmod 600 $T/tok"* ]]
}

@test "cred: a missing token file gives exit 66 naming it" {
	run "$VT_BIN/vo-vot" --token-file "$T/nonexistent" "$NOWHERE"
	[ "$status" -eq 66 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "vo-vot: "*"$T/nonexistent"*"No such file"* ]]
}

@test "cred: an empty token file is an error" {
	token_file "$T/tok" 600 "  \n\n"
	run "$VT_BIN/vo-vot" --token-file "$T/tok" "$NOWHERE"
	[ "$status" -eq 78 ]
	[[ "$output" == *"$T/tok is empty"* ]]
}

@test "cred: a token file of several lines is an error that does not show them" {
	token_file "$T/tok" 600 "$TOKEN\nsecond-line\n"
	run "$VT_BIN/vo-vot" --token-file "$T/tok" "$NOWHERE"
	[ "$status" -eq 78 ]
	[[ "$output" == *"one line"* ]]
	[[ "$output" != *"$TOKEN"* && "$output" != *second-line* ]]
}

@test "cred: \$VO_TOKEN_FILE is checked like --token-file" {
	token_file "$T/tok" 604 "$TOKEN"
	VO_TOKEN_FILE=$T/tok run "$VT_BIN/vo-vot" "$NOWHERE"
	[ "$status" -eq 77 ]
	[[ "$output" == *"chmod 600"* ]]
}

@test "cred: an unknown --auth scheme is a usage error" {
	token_file "$T/tok" 600 "$TOKEN"
	run "$VT_BIN/vo-vot" --auth digest --token-file "$T/tok" "$NOWHERE"
	[ "$status" -eq 64 ]
	[[ "$output" == *"digest"* ]]
}

@test "cred: credentials file: bearer and basic lines, comments, ~ paths" {
	mkdir -p "$T/config/vo-tools" "$T/home"
	token_file "$T/home/tok" 600 "$TOKEN\n"
	cat >"$T/config/vo-tools/credentials" <<EOF
# host          scheme  [user]  token file

other.example.org  bearer  ~/tok
127.0.0.1:$a_PORT  basic   alice  ~/tok   # the test server
EOF
	HOME=$T/home run "$VT_BIN/vo-vot" "$a_URL/auth?token=$TOKEN&user=alice&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x\n7')" ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Basic $(printf 'alice:%s' "$TOKEN" | base64)" ]
}

@test "cred: --token-file wins over the credentials file for its host" {
	mkdir -p "$T/config/vo-tools"
	token_file "$T/other" 600 "not-the-token"
	token_file "$T/tok" 600 "$TOKEN"
	printf '127.0.0.1 bearer %s\n' "$T/other" >"$T/config/vo-tools/credentials"
	run "$VT_BIN/vo-vot" --token-file "$T/tok" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $TOKEN" ]
}

@test "cred: a malformed credentials file names the file and line (exit 78)" {
	mkdir -p "$T/config/vo-tools"
	printf '# ok\n\nexample.org bearer\n' >"$T/config/vo-tools/credentials"
	run "$VT_BIN/vo-vot" "$NOWHERE"
	[ "$status" -eq 78 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"$T/config/vo-tools/credentials:3: "* ]]
}

@test "cred: a token file named in the credentials file is checked too" {
	mkdir -p "$T/config/vo-tools"
	token_file "$T/tok" 644 "$TOKEN"
	printf 'example.org bearer %s\n' "$T/tok" >"$T/config/vo-tools/credentials"
	run "$VT_BIN/vo-vot" "$NOWHERE"
	[ "$status" -eq 77 ]
	[[ "$output" == *"credentials:1: $T/tok is readable by others; run: chmod 600 $T/tok"* ]]
}

@test "cred: \$VO_CREDENTIALS names a file that must exist" {
	VO_CREDENTIALS=$T/nonexistent run "$VT_BIN/vo-vot" "$NOWHERE"
	[ "$status" -eq 66 ]
	[[ "$output" == *"$T/nonexistent"* ]]
}

# Issue 9, item 9: what is not a file
@test "cred: a directory as token file is named as one, without chmod advice (exit 66)" {
	mkdir -m 700 "$T/dir"
	for d in "$T/dir" /tmp; do
		run "$VT_BIN/vo-vot" --token-file "$d" "$NOWHERE"
		[ "$status" -eq 66 ]
		[ "$output" = "vo-vot: $NOWHERE: token file $d is a directory, not a file" ]
	done
}

@test "cred: a FIFO nobody writes to is refused at once, never waited for (exit 78)" {
	mkfifo -m 600 "$T/fifo"
	run timeout 10 "$VT_BIN/vo-vot" --token-file "$T/fifo" "$NOWHERE"
	[ "$status" -eq 78 ]
	[ "$output" = "vo-vot: $NOWHERE: token file $T/fifo is a pipe or FIFO that gave nothing (no writer?)" ]
	# the same for the credentials file: only a regular file will do
	mkfifo -m 600 "$T/credfifo"
	VO_CREDENTIALS=$T/credfifo run timeout 10 "$VT_BIN/vo-vot" "$NOWHERE"
	[ "$status" -eq 66 ]
	[ "$output" = "vo-vot: $NOWHERE: credentials file $T/credfifo is not a regular file" ]
	VO_CREDENTIALS=$T run timeout 10 "$VT_BIN/vo-vot" "$NOWHERE"
	[ "$status" -eq 66 ]
	[ "$output" = "vo-vot: $NOWHERE: credentials file $T is a directory, not a file" ]
}

@test "cred: a device is refused (exit 66), a pipe with a writer is read" {
	run "$VT_BIN/vo-vot" --token-file /dev/null "$NOWHERE"
	[ "$status" -eq 66 ]
	[ "$output" = "vo-vot: $NOWHERE: token file /dev/null is a device, not a file" ]
	# process substitution, a writer that takes its time
	run bash -c '"$1" --token-file <(sleep 1; echo "$2") "$3"' _ "$VT_BIN/vo-vot" "$TOKEN" \
		"$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x\n7')" ]
	# standard input as the token file
	run bash -c 'echo "$2" | "$1" --token-file /dev/stdin "$3"' _ "$VT_BIN/vo-vot" "$TOKEN" \
		"$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x\n7')" ]
}

@test "cred: a token the service rejects is said to be rejected, not missing (exit 77)" {
	token_file "$T/tok" 600 "not-$TOKEN\n"
	bats_require_minimum_version 1.5.0
	run --separate-stderr "$VT_BIN/vo-vot" --token-file "$T/tok" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 77 ]
	[ -z "$output" ]
	[[ "$stderr" == *"credential sent was rejected"* ]]
	[[ "$stderr" != *"give a token"* ]]
	[[ "$stderr" != *"not-$TOKEN"* ]]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer not-$TOKEN" ]
	# without any token, the advice is to give one
	run --separate-stderr "$VT_BIN/vo-vot" "$a_URL/auth?token=$TOKEN&file=t.vot"
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"give a token with --token-file"* ]]
}
