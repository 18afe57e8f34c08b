#!/usr/bin/env bats
# Characters outside the Basic Multilingual Plane from the local DaCHS:
# its BINARY and BINARY2 writers count a unicodeChar value's length in
# characters but write UTF-16, so an astral character (a surrogate pair)
# makes the stream one unit longer than declared.  vot.astral
# (tests/server/vot/mkdata.py) has 3000 rows of such names, each followed
# by two more columns that would be misread if a unit were lost.

load lib/dachs

setup_file() {
	dachs_env
	# the rows vot.astral holds, as vo-vot writes them (NULL is empty)
	python3 - >"$BATS_FILE_TMPDIR/expected.tsv" <<'PY'
def name(i):
    if i % 11 == 0: return ""
    if i % 7 == 0: return "\U0001D6FC Cen \U0001F600 %d" % i
    if i % 5 == 0: return "\U0001F52D star %d" % i
    if i % 3 == 0: return "\u00C5str\u00F6m %d" % i
    return "plain %d" % i
print("id\tname\tn\ttag")
for i in range(1, 3001):
    print("%d\t%s\t%d\tt%d" % (i, name(i), 3 * i, i))
PY
}

setup() {
	dachs_env
}

Q='SELECT id, name, n, tag FROM vot.astral ORDER BY id'

astral_format() {
	tap_sync "$Q" "$1" >"$BATS_TEST_TMPDIR/r.vot"
	grep -q "$2" "$BATS_TEST_TMPDIR/r.vot"
	run "$VT_BIN/vo-vot" "$BATS_TEST_TMPDIR/r.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_FILE_TMPDIR/expected.tsv")" ]
}

@test "astral: DaCHS BINARY with surrogate pairs reads exactly" {
	astral_format votable '<BINARY>'
}

@test "astral: DaCHS BINARY2 with surrogate pairs reads exactly" {
	astral_format votable/b2 '<BINARY2>'
}

@test "astral: DaCHS TABLEDATA with astral characters reads exactly" {
	astral_format votable/td '<TABLEDATA>'
}

@test "astral: vo-tap gives every row and character" {
	run "$VT_BIN/vo-tap" -s "$VT_TAP_URL" "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_FILE_TMPDIR/expected.tsv")" ]
}
