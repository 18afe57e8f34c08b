#!/usr/bin/env bats
# VOTable conformance tests for vo-vot, on fixtures written by real writers
# (astropy, STILTS, DaCHS) and by hand; see tests/fixtures/README.

bats_require_minimum_version 1.5.0

F="$BATS_TEST_DIRNAME/fixtures"

setup() {
	VOT="$VT_BIN/vo-vot"
	[ -x "$VOT" ] || skip "vo-vot not built"
	OUT="$BATS_TEST_TMPDIR/out"
}

# vo-vot FILE [ARGS] must exit 0 and print FILE's .expected.tsv exactly
expect_tsv() {
	local name=$1
	shift
	"$VOT" "$@" "$F/$name.vot" >"$OUT" 2>"$OUT.err" || {
		echo "exit $? on $name.vot: $(cat "$OUT.err")"
		return 1
	}
	diff -u "$F/$name.expected.tsv" "$OUT"
}

# Normalise a TSV for comparing serializations: numbers to 6 significant
# digits, NaN/Inf spellings unified, a cell of only NaNs becomes NULL,
# trailing blanks dropped.
norm() {
	awk -F '\t' 'BEGIN { OFS = "\t" }
	NR > 1 {
		for (i = 1; i <= NF; i++) {
			n = split($i, t, " "); s = ""; allnan = (n > 0)
			for (k = 1; k <= n; k++) {
				x = tolower(t[k])
				if (x == "nan") { x = "nan" }
				else if (x ~ /^\+?inf(inity)?$/) { x = "inf"; allnan = 0 }
				else if (x ~ /^-inf(inity)?$/) { x = "-inf"; allnan = 0 }
				else if (x ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[-+]?[0-9]+)?$/) { x = sprintf("%.6g", x + 0); allnan = 0 }
				else { x = t[k]; allnan = 0 }
				s = (k == 1) ? x : s " " x
			}
			$i = allnan ? "" : s
		}
	}
	{ print }' "$@"
}

# ------------------------------------------------------------ expected TSV

@test "hand-written TABLEDATA, every datatype" { expect_tsv types-hand; }
@test "astropy TABLEDATA" { expect_tsv types-astropy-td; }
@test "astropy BINARY" { expect_tsv types-astropy-bin; }
@test "astropy BINARY2" { expect_tsv types-astropy-bin2; }
@test "STILTS TABLEDATA" { expect_tsv types-stilts-td; }
@test "STILTS BINARY (base64 in 64-char lines)" { expect_tsv types-stilts-bin; }
@test "STILTS BINARY2" { expect_tsv types-stilts-bin2; }
@test "DaCHS TABLEDATA" { expect_tsv types-dachs-td; }
@test "DaCHS BINARY" { expect_tsv types-dachs-bin; }
@test "DaCHS BINARY2" { expect_tsv types-dachs-bin2; }
@test "NULLs in TABLEDATA" { expect_tsv nulls-td; }
@test "BINARY2 null flags: whole array NULL, NaN without flag still NULL" { expect_tsv nulls-bin2; }
@test "BINARY2 with base64 quads split across odd line breaks" { expect_tsv nulls-bin2-oddbreaks; }
@test "BINARY null sentinels, base64 in 76-char lines, NUL padding" { expect_tsv sentinels-bin; }
@test "UTF-8 in char column, TABLEDATA" { expect_tsv utf8-char-td; }
@test "UTF-8 in char column, BINARY" { expect_tsv utf8-char-bin; }
@test "prefixed namespace, single quotes, CR, entities, CDATA, comments" { expect_tsv prefix-quotes; }
@test "VOTable 1.1 without namespace" { expect_tsv v1.1-nons; }
@test "VOTable 1.2" { expect_tsv v1.2; }
@test "VOTable 1.3" { expect_tsv v1.3; }
@test "VOTable 1.4" { expect_tsv v1.4; }
@test "VOTable 1.5" { expect_tsv v1.5; }

@test "bit column: a literal 1 in the expected TSVs, whatever byte the writer used" {
	# astropy writes a scalar bit as 0x08, DaCHS as 0x01, the spec as 0x80
	run -0 "$VOT" -c id,bt "$F/types-astropy-bin.vot"
	[ "${lines[1]}" = "$(printf '1\t1')" ]
	run -0 "$VOT" -c id,bt "$F/types-dachs-bin.vot"
	[ "${lines[1]}" = "$(printf '1\t1')" ]
}

# ------------------------------------------- serializations must agree

@test "NULL table: TABLEDATA, BINARY2 and odd-broken BINARY2 give identical TSV" {
	"$VOT" "$F/nulls-td.vot" >"$OUT.td"
	"$VOT" "$F/nulls-bin2.vot" >"$OUT.b2"
	"$VOT" "$F/nulls-bin2-oddbreaks.vot" >"$OUT.odd"
	[ -s "$OUT.td" ]
	diff -u "$OUT.td" "$OUT.b2"
	diff -u "$OUT.td" "$OUT.odd"
}

@test "UTF-8 char: TABLEDATA and BINARY agree" {
	"$VOT" "$F/utf8-char-td.vot" >"$OUT.td"
	"$VOT" "$F/utf8-char-bin.vot" >"$OUT.bin"
	grep -q 'Ångström	Ångström' "$OUT.td"
	diff -u "$OUT.td" "$OUT.bin"
}

@test "astropy: TABLEDATA, BINARY, BINARY2 agree (BINARY: complex NULLs excepted)" {
	# astropy writes a masked complex in BINARY as NaN+0j: leave out cf, cd
	for s in td bin bin2; do
		"$VOT" "$F/types-astropy-$s.vot" | cut -f 1-13,16- | norm >"$OUT.$s"
	done
	[ "$(wc -l <"$OUT.td")" -eq 6 ]
	diff -u "$OUT.td" "$OUT.bin"
	diff -u "$OUT.td" "$OUT.bin2"
}

@test "STILTS: TABLEDATA, BINARY, BINARY2 agree" {
	for s in td bin bin2; do
		"$VOT" "$F/types-stilts-$s.vot" | norm >"$OUT.$s"
	done
	[ "$(wc -l <"$OUT.td")" -eq 6 ]
	diff -u "$OUT.td" "$OUT.bin"
	diff -u "$OUT.td" "$OUT.bin2"
}

@test "DaCHS: TABLEDATA, BINARY, BINARY2 agree" {
	for s in td bin bin2; do
		"$VOT" "$F/types-dachs-$s.vot" | norm >"$OUT.$s"
	done
	[ "$(wc -l <"$OUT.td")" -eq 6 ]
	diff -u "$OUT.td" "$OUT.bin"
	diff -u "$OUT.td" "$OUT.bin2"
}

@test "every writer's BINARY2 agrees with the hand-written TABLEDATA" {
	"$VOT" -c id,ub,sh,i,l,s,u,f,d,ia,fa,m,ba "$F/types-hand.vot" | norm >"$OUT.hand"
	[ "$(wc -l <"$OUT.hand")" -eq 6 ]
	for w in astropy stilts dachs; do
		"$VOT" -c id,ub,sh,i,l,s,u,f,d,ia,fa,m,ba "$F/types-$w-bin2.vot" | norm >"$OUT.$w"
		diff -u "$OUT.hand" "$OUT.$w"
	done
}

# ------------------------------------------------------------- options

@test "--null STR replaces NULL cells" {
	run -0 "$VOT" --null NULL "$F/nulls-bin2.vot"
	[ "${lines[2]}" = "$(printf 'NULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL')" ]
	[ "${lines[5]}" = "$(printf '4\tNULL\t0.1\tfour\t4 4\t4 4 4\t2147483647')" ]
}

@test "-f json: values, nulls and escapes survive a JSON parser" {
	"$VOT" -f json "$F/types-hand.vot" >"$OUT"
	python3 - "$OUT" <<'EOF'
import json, sys
txt = open(sys.argv[1], encoding="utf-8").read()
try:
    docs = [json.loads(txt)]
except ValueError:
    docs = [json.loads(l) for l in txt.splitlines() if l.strip()]
vals = []
def walk(x):
    if isinstance(x, dict):
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
    else:
        vals.append(x)
walk(docs)
for want in ["tab\tand\\back", "line1\nline2", "Grüße €", "\\", "abcdefgh", None]:
    assert want in vals, repr(want)
assert 9223372036854775807 in vals or "9223372036854775807" in vals, "long max"
assert 0.1 in vals, "0.1"
EOF
}

@test "-f json: a row is an object keyed by column name, NULL is null" {
	"$VOT" -f json "$F/v1.3.vot" >"$OUT"
	python3 - "$OUT" <<'EOF'
import json, sys
txt = open(sys.argv[1], encoding="utf-8").read()
try:
    d = json.loads(txt)
    rows = d if isinstance(d, list) else d.get("rows") or d.get("data")
except ValueError:
    rows = [json.loads(l) for l in txt.splitlines() if l.strip()]
assert len(rows) == 2, rows
assert rows[0]["ra"] == 10.5 and rows[0]["name"] == "a", rows[0]
assert rows[1]["ra"] == -0.25 and rows[1]["name"] is None, rows[1]
EOF
}

@test "--fields lists the FIELDs of the selected table" {
	run -0 "$VOT" --fields "$F/types-hand.vot"
	[ "${lines[0]}" = "$(printf 'name\tdatatype\tarraysize\tunit\tucd\tutype\txtype\tref\tID\tdescription')" ]
	[ "${#lines[@]}" -eq 23 ]
	[ "${lines[1]}" = "$(printf 'id\tint\t\t\tmeta.id;meta.main\t\t\t\t\t')" ]
	[ "${lines[13]}" = "$(printf 'd\tdouble\t\tdeg\tpos.eq.ra;meta.main\t\t\t\t\t')" ]
	[ "${lines[20]}" = "$(printf 'mv\tint\t2x*\t\t\t\t\t\t\t')" ]
	run -0 "$VOT" --fields "$F/datalink.vot"
	[ "${lines[1]}" = "$(printf 'ID\tchar\t*\t\tmeta.id;meta.main\t\t\t\tID\t')" ]
	[ "${lines[8]}" = "$(printf 'content_length\tlong\t\tbyte\tphys.size;meta.file\t\t\t\t\t')" ]
	run -0 "$VOT" --fields -t beta "$F/multi.vot"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[2]}" = "$(printf 'c\tdouble\t\t\t\t\t\t\t\t')" ]
}

@test "--info: INFOs and PARAMs with their scope" {
	run -0 "$VOT" --info "$F/infos.vot"
	[ "${lines[0]}" = "$(printf 'scope\tkind\tname\tvalue\tunit\tucd\ttext')" ]
	printf '%s\n' "${lines[@]}" >"$OUT"
	grep -qxF "$(printf 'votable\tINFO\tserver\ttest\t\t\ta server')" "$OUT"
	grep -qxF "$(printf 'votable\tPARAM\tepoch\t2000.0\tyr\ttime.epoch\tEpoch')" "$OUT"
	grep -qxF "$(printf 'resource:0\tINFO\tQUERY_STATUS\tOK\t\t\t')" "$OUT"
	grep -qxF "$(printf 'table:0\tINFO\tnote\tv\t\t\ttable note')" "$OUT"
	grep -qxF "$(printf 'table:0\tPARAM\tlimit\t10\t\t\t')" "$OUT"
	[ "${#lines[@]}" -eq 6 ]
}

@test "--info: DataLink service descriptor (RESOURCE type=meta, GROUP inputParams)" {
	run -0 "$VOT" --info "$F/datalink.vot"
	printf '%s\n' "${lines[@]}" >"$OUT"
	grep -qxF "$(printf 'resource:0\tINFO\tstandardID\tivo://ivoa.net/std/DataLink#links-1.0\t\t\t')" "$OUT"
	grep -qxF "$(printf 'resource:1\tPARAM\tstandardID\tivo://ivoa.net/std/SODA#sync-1.0\t\tmeta.ref.ivoid\t')" "$OUT"
	grep -qxF "$(printf 'resource:1\tPARAM\taccessURL\thttp://example.org/soda/sync\t\tmeta.ref.url\t')" "$OUT"
	grep -qxF "$(printf 'resource:1/group:inputParams\tPARAM\tID\t\t\tmeta.id;meta.main\tThe publisher DID of the dataset of interest')" "$OUT"
	grep -qxF "$(printf 'resource:1/group:inputParams\tPARAM\tCIRCLE\t\tdeg\tphys.angArea;obs\tRA, Dec, radius')" "$OUT"
}

@test "DataLink: the links table reads, empty TDs are NULL" {
	run -0 "$VOT" -c ID,semantics,service_def,content_length "$F/datalink.vot"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = "$(printf 'ivo://org.example/data?obs1\t#this\t\t2880')" ]
	[ "${lines[2]}" = "$(printf 'ivo://org.example/data?obs1\t#cutout\tndProc\t')" ]
}

@test "-t N and -t NAME select a table (several RESOURCEs, nested)" {
	run -0 "$VOT" "$F/multi.vot"
	[ "$output" = "$(printf 'a\n1\n2')" ]
	run -0 "$VOT" -t 0 "$F/multi.vot"
	[ "$output" = "$(printf 'a\n1\n2')" ]
	run -0 "$VOT" -t alpha "$F/multi.vot"
	[ "$output" = "$(printf 'a\n1\n2')" ]
	run -0 "$VOT" -t 1 "$F/multi.vot"
	[ "$output" = "$(printf 'b\tc\nx\t0.5')" ]
	run -0 "$VOT" -t gamma "$F/multi.vot"
	[ "$output" = "$(printf 'g\n7\n8\n9')" ]
	run -0 "$VOT" -t 2 "$F/multi.vot"
	[ "$output" = "$(printf 'g\n7\n8\n9')" ]
	run -0 "$VOT" -t empty "$F/multi.vot"
	[ "$output" = "e" ]
}

@test "-t with a table that does not exist fails with a message" {
	run --separate-stderr "$VOT" -t 7 "$F/multi.vot"
	[ "$status" -ne 0 ]
	[[ "$stderr" == vo-vot:* ]]
	run --separate-stderr "$VOT" -t nosuch "$F/multi.vot"
	[ "$status" -ne 0 ]
	[[ "$stderr" == vo-vot:* ]]
}

@test "-c a,b selects and orders columns by name" {
	run -0 "$VOT" -c d,id,s "$F/types-hand.vot"
	[ "${lines[0]}" = "$(printf 'd\tid\ts')" ]
	[ "${lines[1]}" = "$(printf '0.1\t1\thello world')" ]
	[ "${lines[4]}" = "$(printf '1.5e-07\t4\t')"'tab\tand\\back' ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "--ucd selects columns by UCD" {
	run -0 "$VOT" --ucd 'pos.eq.ra;meta.main' "$F/types-hand.vot"
	[ "$output" = "$(printf 'd\n0.1\n\n\n1.5e-07\n1.7976931348623157e+308')" ]
	run -0 "$VOT" --ucd 'meta.id;meta.main' "$F/types-hand.vot"
	[ "$output" = "$(printf 'id\n1\n2\n3\n4\n5')" ]
}

@test "escapes: tab, newline, CR, backslash in TSV" {
	run -0 "$VOT" -c txt "$F/prefix-quotes.vot"
	[ "${lines[1]}" = 'cr\rhere' ]
	[ "${lines[5]}" = 'back\\slash\ttab\nnewline' ]
}

# ------------------------------------------------------ QUERY_STATUS

@test "QUERY_STATUS=OVERFLOW: rows, exit 0, a warning on stderr" {
	run -0 --separate-stderr "$VOT" "$F/overflow.vot"
	[ "$output" = "$(printf 'n\n1\n2')" ]
	[[ "$(printf '%s' "$stderr" | tr A-Z a-z)" == *overflow* ]]
}

@test "QUERY_STATUS=OVERFLOW with --fail-on-overflow: exit 3" {
	run -3 --separate-stderr "$VOT" --fail-on-overflow "$F/overflow.vot"
	[[ "$(printf '%s' "$stderr" | tr A-Z a-z)" == *overflow* ]]
}

@test "QUERY_STATUS=ERROR (DaCHS TAP error document): exit 1, message on stderr" {
	run -1 --separate-stderr "$VOT" "$F/error-dachs.vot"
	[[ "$stderr" == *"Could not parse your query: Expected SELECT"* ]]
}

@test "QUERY_STATUS=ERROR after a partial DaCHS stream: exit 1" {
	run -1 --separate-stderr "$VOT" "$F/error-midstream-dachs.vot"
	[[ "$stderr" == *"None passed for field that has no NULL value"* ]]
}

# ------------------------------------------------------------ bad input

# exit 65 and exactly one line on stderr starting "vo-vot: "
bad() {
	run --separate-stderr "$VOT" "$F/$1"
	echo "status $status, stderr: $stderr"
	[ "$status" -eq 65 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "vo-vot: "* ]]
}

@test "bad: truncated in the middle of a BINARY2 stream" { bad bad-truncated-stream.vot; }
@test "bad: truncated in the middle of a TABLEDATA row" { bad bad-truncated-row.vot; }
@test "bad: malformed XML" { bad bad-malformed.vot; }
@test "bad: invalid base64 character" { bad bad-base64.vot; }
@test "bad: a row with fewer TDs than FIELDs" { bad bad-shortrow.vot; }
@test "bad: unknown datatype" { bad bad-datatype.vot; }

@test "bad: FITS serialization is not supported" {
	bad bad-fits.vot
	[[ "$stderr" == *"not supported"* ]]
}

@test "bad: external STREAM href is not supported" {
	bad bad-href-stream.vot
	[[ "$stderr" == *"not supported"* ]]
}

@test "bad: billion laughs fails fast without eating memory" {
	limit=2
	[ -n "${VT_ASAN:-}" ] && limit=5
	t0=$(date +%s%N)
	# ASan reserves terabytes of address space: no ulimit -v under it
	run --separate-stderr bash -c '[ -n "${VT_ASAN:-}" ] || ulimit -v 500000; exec timeout 20 "$0" "$1"' "$VOT" "$F/bad-billion-laughs.vot"
	t1=$(date +%s%N)
	echo "status $status, $(((t1 - t0) / 1000000)) ms, stderr: $stderr"
	[ "$status" -eq 65 ]
	[[ "$stderr" == "vo-vot: "* ]]
	[ $(((t1 - t0) / 1000000)) -lt $((limit * 1000)) ]
}

# ------------------------------------------- hostile input (issue 9)
# The reproducers found by fuzzing (tests/fixtures/repro-*.vot): a clear
# error or correct rows, never a crash, a hang or endless output.  Under
# ASan (VT_ASAN=1, detect_leaks) a leak fails the exit status too.

@test "hostile: a TD inside a TD is an error, no corrupt rows" {
	bad repro-nested-td-heap-overflow.vot
	[[ "$stderr" == *"element <TD> inside a TD"* ]]
	[ "$output" = a ]
	bad repro-nested-td-deep.vot
	[[ "$stderr" == *"inside a TD"* ]]
}

@test "hostile: BINARY and BINARY2 whose first cell is an empty string give the row" {
	for s in binary binary2; do
		run -0 --separate-stderr "$VOT" -f json "$F/repro-$s-empty-string-null-row.vot"
		[ "$output" = '{"n": null}' ]
		"$VOT" "$F/repro-$s-empty-string-null-row.vot" >"$OUT"
		printf 'n\n\n' | cmp - "$OUT"
	done
}

@test "hostile: several empty strings in one BINARY2 row (no room reserved for NULL cells)" {
	# 8 char[*] columns, 3 rows, every cell an empty string (count 0)
	b64=$(for r in 1 2 3; do printf '\0'; for i in 1 2 3 4 5 6 7 8; do printf '\0\0\0\0'; done; done | base64 -w 0)
	{
		printf '<VOTABLE><RESOURCE><TABLE>'
		for i in 1 2 3 4 5 6 7 8; do printf '<FIELD name="c%d" datatype="char" arraysize="*"/>' $i; done
		printf '<DATA><BINARY2><STREAM encoding="base64">%s</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>' "$b64"
	} >"$BATS_TEST_TMPDIR/e.vot"
	"$VOT" "$BATS_TEST_TMPDIR/e.vot" >"$OUT"
	printf 'c1\tc2\tc3\tc4\tc5\tc6\tc7\tc8\n\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\n' | cmp - "$OUT"
}

@test "hostile: BINARY/BINARY2 data in a TABLE without FIELDs is an error, not endless rows" {
	for s in binary binary2; do
		run --separate-stderr timeout 10 "$VOT" "$F/repro-$s-nofields-hang.vot"
		echo "status $status, stderr: $stderr"
		[ "$status" -eq 65 ]
		[ "$stderr" = "vo-vot: $F/repro-$s-nofields-hang.vot: line 1: BINARY data in a TABLE without FIELDs" ]
		[ ${#output} -lt 10 ]
	done
}

@test "hostile: TD or TR outside a TABLE, TD without TABLEDATA: a clear error" {
	bad repro-td-outside-table.vot
	[[ "$stderr" == *"<TD> outside a TABLE's TR"* ]]
	bad repro-tr-outside-table.vot
	[[ "$stderr" == *"<TR> outside a TABLE's TABLEDATA"* ]]
	bad repro-td-without-data.vot
	[[ "$stderr" == *"outside a TABLE's TABLEDATA"* ]]
}

@test "hostile: a repeated VOTABLE version (no leak under ASan)" {
	bad repro-leak-nested-votable.vot
	[[ "$stderr" == *"no TABLE"* ]]
}

@test "hostile: rows before invalid base64 come out whatever the read size" {
	bad bad-base64.vot
	[ "$output" = "$(printf 'a\n1')" ]
	# through a pipe, one byte at a time
	run --separate-stderr bash -c 'while IFS= read -r -d "" -n 1 c; do printf "%s" "${c:-$'"'\n'"'}"; done < "$1" | "$0"' "$VOT" "$F/bad-base64.vot"
	[ "$status" -eq 65 ]
	[ "$output" = "$(printf 'a\n1')" ]
}

# A document with one huge token; $1: attr, comment or pi; $2: MiB
huge_token() {
	local x="head -c $(($2 << 20)) /dev/zero | tr '\\0' x"
	case $1 in
	attr) printf '<VOTABLE><RESOURCE><TABLE><FIELD name="a" datatype="int" x="'; eval "$x"; printf '"/>' ;;
	comment) printf '<VOTABLE><!--'; eval "$x"; printf -- '--><RESOURCE><TABLE><FIELD name="a" datatype="int"/>' ;;
	pi) printf '<VOTABLE><?pi '; eval "$x"; printf '?><RESOURCE><TABLE><FIELD name="a" datatype="int"/>' ;;
	esac
	printf '<DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n'
}

@test "hostile: a 10 MB attribute or comment parses, fast" {
	for k in attr comment pi; do
		huge_token $k 10 >"$BATS_TEST_TMPDIR/t.vot"
		run --separate-stderr timeout 30 "$VOT" "$BATS_TEST_TMPDIR/t.vot"
		echo "$k: status $status, stderr: $stderr"
		[ "$status" -eq 0 ]
		[ "$output" = "$(printf 'a\n1')" ]
	done
}

@test "hostile: a 20 MB attribute or comment fails fast: element text too large" {
	for k in attr comment pi; do
		huge_token $k 20 >"$BATS_TEST_TMPDIR/t.vot"
		run --separate-stderr timeout 30 "$VOT" "$BATS_TEST_TMPDIR/t.vot"
		echo "$k: status $status, stderr: $stderr"
		[ "$status" -eq 65 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "vo-vot: "*"element text too large"*"over 16 MiB"* ]]
		# the same through a pipe (other read sizes)
		run --separate-stderr bash -c 'cat "$1" | timeout 30 "$0"' "$VOT" "$BATS_TEST_TMPDIR/t.vot"
		[ "$status" -eq 65 ]
		[[ "$stderr" == *"element text too large"* ]]
	done
}

@test "hostile: a 200 MB attribute or comment on a pipe ends in seconds" {
	for k in attr comment; do
		t0=$(date +%s)
		run --separate-stderr bash -c 'source "$2"; huge_token "$1" 200 | timeout 30 "$0"' \
			"$VOT" $k <(declare -f huge_token)
		t1=$(date +%s)
		echo "$k: status $status, $((t1 - t0)) s, stderr: $stderr"
		[ "$status" -eq 65 ]
		[[ "$stderr" == *"element text too large"* ]]
	done
}

@test "hostile: a 600 MB INFO fails at 16 MiB, in little memory, not printed" {
	run --separate-stderr bash -c '[ -n "${VT_ASAN:-}" ] || ulimit -v 500000
		{ printf "<VOTABLE><RESOURCE><INFO name=\"QUERY_STATUS\" value=\"ERROR\">"
		  head -c 600M /dev/zero | tr "\\0" x; printf "</INFO></RESOURCE></VOTABLE>"; } |
		timeout 30 "$0"' "$VOT"
	echo "status $status, stderr: ${stderr:0:300}"
	[ "$status" -eq 65 ]
	[ "$stderr" = "vo-vot: stdin: line 1: element text too large (INFO over 16 MiB)" ]
	run --separate-stderr bash -c '{ printf "<VOTABLE><RESOURCE><TABLE><DESCRIPTION>"
		  head -c 100M /dev/zero | tr "\\0" x; printf "</DESCRIPTION></TABLE></RESOURCE></VOTABLE>"; } |
		timeout 30 "$0"' "$VOT"
	[ "$status" -eq 65 ]
	[ "$stderr" = "vo-vot: stdin: line 1: element text too large (DESCRIPTION over 16 MiB)" ]
}

@test "hostile: a service's long error message is quoted on one line, cut" {
	{
		printf '<VOTABLE><RESOURCE><INFO name="QUERY_STATUS" value="ERROR">first line\n\n   second'
		for i in $(seq 200); do printf ' \303\251t\303\251'; done
		printf '</INFO></RESOURCE></VOTABLE>'
	} >"$BATS_TEST_TMPDIR/err.vot"
	run -1 --separate-stderr "$VOT" "$BATS_TEST_TMPDIR/err.vot"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "vo-vot: $BATS_TEST_TMPDIR/err.vot: service error: first line second été été"*"..." ]]
	msg=${stderr#*service error: }
	[ "$(printf '%s' "$msg" | wc -c)" -le 303 ]
	printf '%s' "$msg" | iconv -f UTF-8 -t UTF-8 >/dev/null
}

@test "hostile: a TD of 40 MB reads; a row over 256 MiB of TD text is an error" {
	run --separate-stderr bash -c '{ printf "<VOTABLE><RESOURCE><TABLE><FIELD name=\"s\" datatype=\"char\" arraysize=\"*\"/><DATA><TABLEDATA><TR><TD>"
		  head -c 40M /dev/zero | tr "\\0" x; printf "</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"; } |
		timeout 30 "$0" | wc -c' "$VOT"
	[ "$status" -eq 0 ]
	[ "$output" -eq $((40 * 1048576 + 3)) ]
	run --separate-stderr bash -c '{ printf "<VOTABLE><RESOURCE><TABLE><FIELD name=\"s\" datatype=\"char\" arraysize=\"*\"/><DATA><TABLEDATA><TR><TD>"
		  head -c 300M /dev/zero | tr "\\0" x; printf "</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"; } |
		timeout 60 "$0"' "$VOT"
	[ "$status" -eq 65 ]
	[ "$stderr" = "vo-vot: stdin: line 1: row 1 is too large (over 256 MiB of TD text)" ]
}

@test "hostile: names with newlines or of any length make a one-line error" {
	printf '<VOTABLE><RESOURCE><TABLE><FIELD name="a&#10;b" datatype="x&#10;y"/></TABLE></RESOURCE></VOTABLE>' >"$BATS_TEST_TMPDIR/n.vot"
	run -65 --separate-stderr "$VOT" "$BATS_TEST_TMPDIR/n.vot"
	[ "$stderr" = "vo-vot: $BATS_TEST_TMPDIR/n.vot: line 1: FIELD 'a b': unknown datatype 'x y'" ]
	{ printf '<VOTABLE><RESOURCE><TABLE><FIELD name="'; for i in $(seq 400); do printf '\303\251'; done; printf '"/></TABLE></RESOURCE></VOTABLE>'; } >"$BATS_TEST_TMPDIR/l.vot"
	run -65 --separate-stderr "$VOT" "$BATS_TEST_TMPDIR/l.vot"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "${#stderr}" -lt 400 ]
	printf '%s' "$stderr" | iconv -f UTF-8 -t UTF-8 >/dev/null
}

# ------------------------------------------- astral unicodeChar (issue 9)

@test "unicodeChar beyond the BMP as DaCHS writes it (BINARY2): a pair counted once" {
	expect_tsv astral-dachs-bin2
}
@test "unicodeChar beyond the BMP as DaCHS writes it (BINARY, fixed and variable)" {
	expect_tsv astral-dachs-bin
}
@test "unicodeChar beyond the BMP as astropy writes it (counted in UTF-16 units)" {
	expect_tsv astral-astropy-bin2
}
@test "unicodeChar: a lone surrogate becomes U+FFFD, nothing lost" {
	expect_tsv astral-lone-bin2
}

@test "missing input file: exit 66" {
	run -66 --separate-stderr "$VOT" "$BATS_TEST_TMPDIR/no-such-file.vot"
	[[ "$stderr" == vo-vot:* ]]
}

@test "usage error: exit 64" {
	run -64 --separate-stderr "$VOT" --no-such-option "$F/v1.3.vot"
	[ -n "$stderr" ]
	run -64 --separate-stderr "$VOT" -f no-such-format "$F/v1.3.vot"
}

# ------------------------------------------------------------------ -o

@test "-o FILE writes the output there, nothing on stdout" {
	mkdir "$BATS_TEST_TMPDIR/o"
	run -0 "$VOT" -o "$BATS_TEST_TMPDIR/o/result.tsv" "$F/nulls-bin2.vot"
	[ -z "$output" ]
	diff -u "$F/nulls-bin2.expected.tsv" "$BATS_TEST_TMPDIR/o/result.tsv"
	[ "$(ls -A "$BATS_TEST_TMPDIR/o")" = result.tsv ]
}

@test "-o FILE with bad input: no file, no temporary left" {
	d="$BATS_TEST_TMPDIR/o"
	mkdir "$d"
	for b in bad-truncated-stream.vot bad-malformed.vot bad-fits.vot; do
		run -65 "$VOT" -o "$d/result.tsv" "$F/$b"
		[ -z "$(ls -A "$d")" ]
	done
	run -1 "$VOT" -o "$d/result.tsv" "$F/error-dachs.vot"
	[ -z "$(ls -A "$d")" ]
}

@test "-o FILE with bad input does not clobber an existing FILE" {
	d="$BATS_TEST_TMPDIR/o"
	mkdir "$d"
	echo precious >"$d/result.tsv"
	run -65 "$VOT" -o "$d/result.tsv" "$F/bad-truncated-row.vot"
	[ "$(cat "$d/result.tsv")" = precious ]
	[ "$(ls -A "$d")" = result.tsv ]
}

@test "-f votable keeps service descriptors: DataLink and SODA stay usable downstream" {
	cat > "$OUT.in" <<'X'
<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><TABLE>
<FIELD name="did" ID="pubdid" datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>ivo://x/~?a</TD></TR></TABLEDATA></DATA>
</TABLE></RESOURCE>
<RESOURCE type="meta" utype="adhoc:service" ID="soda" name="cutouts">
<PARAM name="standardID" datatype="char" arraysize="*" value="ivo://ivoa.net/std/SODA#sync-1.0"/>
<PARAM name="accessURL" datatype="char" arraysize="*" value="http://example.org/soda?a=1&amp;b=2"/>
<GROUP name="inputParams">
<PARAM name="ID" datatype="char" arraysize="*" ref="pubdid" value=""/>
<PARAM name="BAND" datatype="double" arraysize="2" unit="m" xtype="interval" value=""><VALUES><MIN value="3e-7"/><MAX value="1e-6"/></VALUES></PARAM>
<PARAM name="POL" datatype="char" arraysize="*" value=""><VALUES><OPTION name="Stokes I" value="I"/><OPTION value="Q"/></VALUES></PARAM>
</GROUP></RESOURCE>
</VOTABLE>
X
	run "$VOT" -f votable "$OUT.in"
	[ "$status" -eq 0 ]
	echo "$output" > "$OUT.vot"
	grep -q '<RESOURCE ID="soda" name="cutouts" type="meta" utype="adhoc:service">' "$OUT.vot"
	grep -q '<PARAM name="ID" datatype="char" arraysize="\*" ref="pubdid" value=""/>' "$OUT.vot"
	grep -qF 'value="http://example.org/soda?a=1&amp;b=2"' "$OUT.vot"
	grep -q '<OPTION name="Stokes I" value="I"/><OPTION value="Q"/>' "$OUT.vot"
	# read back: the same descriptor, the same rows
	run "$VOT" --info "$OUT.vot"
	echo "$output" | grep -q 'group:inputParams	PARAM	BAND'
	[ "$("$VOT" "$OUT.vot")" = "$(printf 'did\nivo://x/~?a')" ]
}
