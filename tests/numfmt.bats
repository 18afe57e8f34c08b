#!/usr/bin/env bats
# Number formatting (lib/numfmt.c): shortest round-trip doubles and floats,
# integers.  The work is in the C unit test; VT_ASAN=1 makes it sample less.

bats_require_minimum_version 1.5.0

@test "numfmt: unit test passes and reports what it checked" {
	run "$VT_UNIT/numfmt_test"
	echo "$output"
	[ "$status" -eq 0 ]
	summary="${lines[-1]}"
	[[ "$summary" =~ ^numfmt:\ ([0-9]+)\ checks,\ 0\ failures\ \(([0-9]+)\ random ]]
	checks="${BASH_REMATCH[1]}" samples="${BASH_REMATCH[2]}"
	# both the double and the float samples were checked, and more besides
	[ "$samples" -ge 100000 ]
	[ "$checks" -gt $((2 * samples)) ]
}
