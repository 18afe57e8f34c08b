#!/usr/bin/env bats
# UWS job documents and job lists (lib/uws.c): documents captured from the
# test DaCHS and hand-written ones in other services' styles (UWS 1.0,
# default namespace, odd prefixes, CADC-like jobInfo); TSV and JSON output.

setup() {
	FIX="$BATS_TEST_DIRNAME/fixtures/uws"
}

@test "uws: every fixture parses as expected" {
	run "$VT_UNIT/uws_test" "$FIX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" checks, 0 failures" ]]
}

@test "uws: a DaCHS error job as key/value TSV" {
	run "$VT_UNIT/uws_test" -t "$FIX/dachs-error.xml"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'key\tvalue')" ]
	[ "${lines[4]}" = "$(printf 'phase\tERROR')" ]
	[ "${lines[9]}" = "$(printf 'execution_duration\t3600')" ]
	[[ "$output" == *"$(printf 'error.type\tfatal')"* ]]
}

@test "uws: a job list as TSV" {
	run "$VT_UNIT/uws_test" -l "$FIX/jobs-11.xml"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'id\tphase\thref\trun_id\tcreation_time\towner_id')" ]
	[ "${lines[1]}" = "$(printf 'a1\tEXECUTING\thttps://example.org/tap/async/a1\tnightly\\trun\t2024-05-06T07:00:00Z\talice')" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "uws: entity declarations are refused" {
	run "$VT_UNIT/uws_test" -t "$FIX/bad-entity.xml"
	[ "$status" -eq 76 ]
	[[ "$output" == *"entity declarations are not allowed"* ]]
}
