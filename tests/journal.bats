#!/usr/bin/env bats
# The local job journal (lib/journal.c): add, set phase, remove, read;
# escaping; concurrent writers (two processes, 400 records); a lock left by
# a killed process.

setup() {
	export XDG_STATE_HOME="$BATS_TEST_TMPDIR/xdg"
	export VO_JOURNAL="$BATS_TEST_TMPDIR/journal/jobs"
}

@test "journal: unit test" {
	run "$VT_UNIT/journal_test" "$BATS_TEST_TMPDIR"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" checks, 0 failures" ]]
	# nothing written outside the scratch directory
	[ ! -e "$XDG_STATE_HOME" ]
	[ ! -e "$VO_JOURNAL" ]
}
