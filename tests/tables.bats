#!/usr/bin/env bats
# Table writers (TSV, CSV, JSON Lines, VOTable) and the TSV/CSV reader:
# the C unit test, then end-to-end conversions through vo-vot.

bats_require_minimum_version 1.5.0

setup() {
	VOT="$VT_BIN/vo-vot"
	T="$BATS_TEST_TMPDIR"
}

need_vot() {
	[ -x "$VOT" ] || skip "vo-vot not built"
}

@test "table writers and reader: unit test" {
	run "$VT_UNIT/table_test"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "table_test: all passed" ]
}

# A table with --meta lines, UTF-8, and values with tabs, newlines, CRs and
# backslashes (escaped as the TSV convention says).
write_typed_tsv() {
	printf '%s\n' \
		'# id	long		meta.id;meta.main' \
		'# ra	double	deg	pos.eq.ra' \
		'# mag	float	mag	phot.mag' \
		'# ok	boolean		' \
		'# pos	double[2]	deg	pos.eq' \
		'# name	char[*]		meta.id' \
		'id	ra	mag	ok	pos	name' \
		'1	10.5	12.25	T	10.5 -3.25	Ærøskøbing ✓' \
		'2		-0.5	F	1 2	tab\there' \
		'-3	1e-07	1.0		0.5 1e+16	line\nbreak\rcr\\back' \
		'4	-Inf	Inf	T		' >"$1"
}

@test "TSV -> VOTable -> TSV keeps values, types, units, UCDs" {
	need_vot
	write_typed_tsv "$T/in.tsv"
	"$VOT" -i tsv -f votable "$T/in.tsv" >"$T/out.vot"
	grep -q '<FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra"/>' "$T/out.vot"
	grep -q '<FIELD name="pos" datatype="double" arraysize="2" unit="deg" ucd="pos.eq"/>' "$T/out.vot"
	grep -q '<TD>tab&#9;here</TD>' "$T/out.vot"
	"$VOT" --meta "$T/out.vot" >"$T/back.tsv"
	diff -u "$T/in.tsv" "$T/back.tsv"
}

@test "TSV without metadata: column types inferred" {
	need_vot
	printf 'n\tx\tflag\ts\tempty\n1\t2.5\ttrue\ta\t\n-7\tNaN\tF\t3\t\n' >"$T/in.tsv"
	"$VOT" -i tsv -f votable "$T/in.tsv" >"$T/out.vot"
	"$VOT" --meta "$T/out.vot" >"$T/back.tsv"
	printf '%s\n' \
		'# n	long		' \
		'# x	double		' \
		'# flag	boolean		' \
		'# s	char[*]		' \
		'# empty	char[*]		' \
		'n	x	flag	s	empty' \
		'1	2.5	T	a	' \
		'-7		F	3	' >"$T/want"
	diff -u "$T/want" "$T/back.tsv"
}

@test "CSV with quoted commas, quotes and newlines" {
	need_vot
	printf 'id,text,v\r\n1,"a, b",2.5\r\n2,"say ""hi""\r\nnext line",\r\n3,plain,-1\r\n' >"$T/in.csv"
	"$VOT" -i csv "$T/in.csv" >"$T/out.tsv"
	printf '%s\n' \
		'id	text	v' \
		'1	a, b	2.5' \
		'2	say "hi"\r\nnext line	' \
		'3	plain	-1' >"$T/want"
	diff -u "$T/want" "$T/out.tsv"
	# and back to CSV: the same bytes
	"$VOT" -i csv -f csv "$T/in.csv" >"$T/out.csv"
	cmp "$T/in.csv" "$T/out.csv"
}

@test "CSV -> VOTable -> CSV round trip" {
	need_vot
	printf 'a,b\r\n" lead",x\r\n"multi\nline","q""q"\r\n,é\r\n' >"$T/in.csv"
	"$VOT" -i csv -f votable "$T/in.csv" >"$T/out.vot"
	"$VOT" -f csv "$T/out.vot" >"$T/back.csv"
	cmp "$T/in.csv" "$T/back.csv"
}

@test "JSON Lines output: typed values" {
	need_vot
	write_typed_tsv "$T/in.tsv"
	"$VOT" -i tsv -f json "$T/in.tsv" >"$T/out.json"
	python3 - "$T/out.json" <<'EOF'
import json, math, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 4, rows
r = rows[0]
assert list(r) == ["id", "ra", "mag", "ok", "pos", "name"], list(r)
assert r["id"] == 1 and type(r["id"]) is int, r
assert r["ra"] == 10.5 and r["mag"] == 12.25 and r["ok"] is True, r
assert r["pos"] == [10.5, -3.25], r
assert r["name"] == "Ærøskøbing ✓", r
assert rows[1]["ra"] is None and rows[1]["ok"] is False, rows[1]
assert rows[1]["name"] == "tab\there", rows[1]
assert rows[2]["name"] == "line\nbreak\rcr\\back", rows[2]
assert rows[2]["ok"] is None and rows[2]["pos"] == [0.5, 1e16], rows[2]
assert rows[3]["ra"] == -math.inf and rows[3]["mag"] == math.inf, rows[3]
assert rows[3]["pos"] is None and rows[3]["name"] is None, rows[3]
EOF
}

@test "CSV and TSV output: NULL string, quoting" {
	need_vot
	write_typed_tsv "$T/in.tsv"
	"$VOT" -i tsv -f csv --null NA "$T/in.tsv" >"$T/out.csv"
	printf 'id,ra,mag,ok,pos,name\r\n' >"$T/want"
	printf '1,10.5,12.25,T,10.5 -3.25,Ærøskøbing ✓\r\n' >>"$T/want"
	printf '2,NA,-0.5,F,1 2,tab\there\r\n' >>"$T/want"
	printf -- '-3,1e-07,1.0,NA,0.5 1e+16,"line\nbreak\rcr\\back"\r\n' >>"$T/want"
	printf '4,-Inf,Inf,T,NA,NA\r\n' >>"$T/want"
	cmp "$T/want" "$T/out.csv"
}

@test "TSV input: row with the wrong number of fields" {
	need_vot
	printf 'a\tb\n1\t2\n3\n' >"$T/bad.tsv"
	run "$VOT" -i tsv "$T/bad.tsv"
	echo "$output"
	[ "$status" -eq 65 ]
	[[ "$output" == *"line 3: 1 fields, expected 2"* ]]
}

# Issue 9, item 8: text a VOTable cannot carry is refused, never written
# into a document that is not well-formed XML.
@test "TSV -> VOTable: bytes that are not UTF-8 are refused, naming row and column" {
	need_vot
	printf 'id\tname\n1\tok\n2\tcaf\xe9\n3\tx\n' >"$T/latin1.tsv"
	run -65 "$VOT" -f votable -o "$T/out.vot" "$T/latin1.tsv"
	[ "$output" = "vo-vot: $T/latin1.tsv: row 2, column 'name': not valid UTF-8 (byte 0xE9)" ]
	[ ! -e "$T/out.vot" ]
	# the same from stdin, with type inference (spooled) or metadata (streamed)
	run -65 --separate-stderr "$VOT" -f votable <"$T/latin1.tsv"
	[ "$stderr" = "vo-vot: stdin: row 2, column 'name': not valid UTF-8 (byte 0xE9)" ]
	printf '# id\tint\t\t\n# name\tchar[*]\t\t\nid\tname\n1\tok\n2\t\xed\xa0\x80\n' >"$T/surrogate.tsv"
	run -65 --separate-stderr "$VOT" -f votable "$T/surrogate.tsv"
	[ "$stderr" = "vo-vot: $T/surrogate.tsv: row 2, column 'name': not valid UTF-8 (byte 0xED)" ]
	# CSV, and a bad column name
	printf 'id,na\xffme\n1,x\n' >"$T/badname.csv"
	run -65 --separate-stderr "$VOT" -i csv -f votable "$T/badname.csv"
	[ "$stderr" = "vo-vot: $T/badname.csv: FIELD 'na?me': not valid UTF-8 (byte 0xFF)" ]
}

@test "TSV -> VOTable: control characters XML 1.0 does not allow are refused" {
	need_vot
	printf 'id\tname\n1\ta\001b\n' >"$T/ctl.tsv"
	run -65 --separate-stderr "$VOT" -f votable "$T/ctl.tsv"
	[ "$stderr" = "vo-vot: $T/ctl.tsv: row 1, column 'name': control character U+0001, which XML 1.0 does not allow" ]
	# TSV output passes the same bytes through unchanged
	run -0 "$VOT" -i tsv "$T/ctl.tsv"
	[ "${lines[1]}" = "$(printf '1\ta\001b')" ]
}

@test "TSV -> VOTable: all of UTF-8 and XML's own characters give well-formed XML" {
	need_vot
	printf 'id\tname\n1\tcaf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbd\n2\t<&>"\\t\\n\\r\x7f\n' >"$T/ok.tsv"
	"$VOT" -f votable "$T/ok.tsv" >"$T/ok.vot"
	python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$T/ok.vot"
	if command -v xmllint >/dev/null; then xmllint --noout "$T/ok.vot"; fi
	"$VOT" "$T/ok.vot" >"$T/back.tsv"
	diff -u "$T/ok.tsv" "$T/back.tsv"
}

# Issue 9, item 7: one record may not hold more than 64 MiB.
@test "TSV/CSV input: a record over 64 MiB is refused (exit 65), memory stays bounded" {
	need_vot
	{ printf 'a\tb\n1\tx\n2\t'; head -c $((65 << 20)) /dev/zero | tr '\0' y; printf '\n3\tz\n'; } >"$T/big.tsv"
	run -65 "$VOT" -f votable -o "$T/out.vot" "$T/big.tsv"
	[ "${lines[-1]}" = "vo-vot: $T/big.tsv: line 3: a record longer than 64 MiB (the limit of one TSV or CSV record)" ]
	# CSV: a quoted field whose lines add up to more
	{ printf 'a,b\n1,"'; for i in 1 2 3 4 5; do head -c $((14 << 20)) /dev/zero | tr '\0' y; echo; done; printf '"\n'; } >"$T/big.csv"
	run -65 "$VOT" -i csv "$T/big.csv"
	[ "${lines[-1]}" = "vo-vot: $T/big.csv: line 2: a record longer than 64 MiB (the limit of one TSV or CSV record)" ]
	# one line without end: the error comes once 64 MiB are read, not at the end
	run -65 bash -c "{ head -c $((65 << 20)) /dev/zero | tr '\0' y; sleep 60; } | timeout 30 '$VOT' -i tsv >/dev/null"
	[[ "$output" == *"line 1: a record longer than 64 MiB"* ]]
}

@test "TSV/CSV input: a record just under 64 MiB is read, in bounded memory" {
	need_vot
	command -v /usr/bin/time >/dev/null || skip "no /usr/bin/time"
	[ -z "${VT_ASAN:-}" ] || skip "memory is not measured under ASan"
	{ printf 'a\tb\n1\t'; head -c $((60 << 20)) /dev/zero | tr '\0' y; printf '\n'; } >"$T/ok.tsv"
	/usr/bin/time -f '%M' -o "$T/rss" "$VOT" -f votable "$T/ok.tsv" | wc -c >"$T/n"
	[ "$(cat "$T/n")" -gt $((60 << 20)) ]
	# the line, once in the reader and once as a record: well under 300 MB
	[ "$(cat "$T/rss")" -lt 300000 ]
}

@test "CSV input found by fuzzing: an empty first field (tablein-csv-null-plus-zero.bin)" {
	need_vot
	run -0 "$VOT" -i csv "$BATS_TEST_DIRNAME/fixtures/tablein-csv-null-plus-zero.bin"
	[ "$output" = $'\\ta\n-0125ta' ]
}
