#!/usr/bin/env bats
# The C unit tests that have no bats file of their own.

@test "adql: placeholders bound as literals, nothing else changed" {
	run "$VT_UNIT/adql_test"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^adql:\ [1-9][0-9]*\ checks,\ 0\ failures$ ]]
}

@test "datalink: the vocabulary, and parameters against declared limits" {
	run "$VT_UNIT/datalink_test"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^datalink:\ [1-9][0-9]*\ checks,\ 0\ failures$ ]]
}

@test "fname: names from URLs and Content-Disposition, numbered, with extensions" {
	run "$VT_UNIT/fname_test"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^fname:\ [1-9][0-9]*\ checks,\ 0\ failures$ ]]
}
