#!/usr/bin/env bats
# Inputs the fuzz harnesses (fuzz/README) found, kept as tests of what the
# programs do with them.  The VOTables among them (fixtures/fuzz-vot-*.vot)
# are also fed whole and in pieces by parser.bats.

setup() {
	FIX="$BATS_TEST_DIRNAME/fixtures"
}

@test "fuzz-vot-crash-1: rows before a base64 error are the same whole and in pieces" {
	run "$VT_UNIT/vot_test" "$FIX/fuzz-vot-crash-1.vot"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 0 failures" ]]
}

@test "fuzz-services-crash-1: a URL with a tab in the services file is a format error" {
	VO_SERVICES="$FIX/fuzz-services-crash-1.txt" run "$VT_BIN/vo-tap" -s rsp 'SELECT 1'
	echo "$output"
	[ "$status" -eq 78 ]
	[[ "$output" == *"fuzz-services-crash-1.txt:3: expected NAME URL"* ]]
}
