#!/usr/bin/env bats
# The streaming parser: the same rows whatever the input's chunking or
# encoding.

setup() {
	FIX="$BATS_TEST_DIRNAME/fixtures"
	TMP="$BATS_TEST_TMPDIR"
}

@test "every fixture parses the same fed whole and in 1..4093-byte pieces" {
	run "$VT_UNIT/vot_test" "$FIX"/*.vot
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 0 failures" ]]
}

@test "a UTF-16 VOTable (STREAM through expat, base64 groups split across callbacks) gives the same rows" {
	for f in nulls-bin2 nulls-bin2-oddbreaks types-stilts-bin types-astropy-bin2; do
		sed "s/encoding=[\"'][Uu][Tt][Ff]-8[\"']/encoding=\"UTF-16\"/" "$FIX/$f.vot" |
			iconv -f UTF-8 -t UTF-16 > "$TMP/$f.u16.vot"
		run "$VT_BIN/vo-vot" "$TMP/$f.u16.vot"
		[ "$status" -eq 0 ]
		[ "$output" = "$(cat "$FIX/$f.expected.tsv")" ]
	done
}

@test "a UTF-16 VOTable on stdin is recognised as a VOTable" {
	sed 's/encoding="UTF-8"/encoding="UTF-16"/' "$FIX/nulls-bin2.vot" |
		iconv -f UTF-8 -t UTF-16 > "$TMP/in.vot"
	run "$VT_BIN/vo-vot" < "$TMP/in.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$FIX/nulls-bin2.expected.tsv")" ]
}

@test "two BINARY2 tables in one document, the second selected by index" {
	{
		echo '<?xml version="1.0"?><VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE>'
		for i in 1 2; do
			sed -n '/<TABLE/,/<\/TABLE>/p' "$FIX/nulls-bin2.vot" | sed "s/<TABLE[^>]*>/<TABLE name=\"t$i\">/"
		done
		echo '</RESOURCE></VOTABLE>'
	} > "$TMP/two.vot"
	run "$VT_BIN/vo-vot" -t 1 "$TMP/two.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$FIX/nulls-bin2.expected.tsv")" ]
	run "$VT_UNIT/vot_test" "$TMP/two.vot"
	[ "$status" -eq 0 ]
}
