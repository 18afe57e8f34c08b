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
