#!/usr/bin/env bats
# vo-datalink against DataLink documents served by the fault server.

load lib/faultserver

setup_file() {
	export FS_DIR="$BATS_FILE_TMPDIR/files"
	mkdir -p "$FS_DIR"
	fs_start fs
	# a links document: every kind of row the vocabulary test needs, an
	# error row, a nested DataLink document, a service descriptor
	link() {	# ID URL SEMANTICS TYPE [ERROR]
		printf '<TR><TD>%s</TD><TD>%s</TD><TD/><TD>%s</TD><TD>%s</TD><TD>d</TD><TD>%s</TD><TD>1</TD><TD>%s</TD></TR>\n' \
			"$1" "$2" "${5:-}" "$3" "$4" "x$3"
	}
	{
		cat <<'H'
<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><TABLE>
<FIELD name="ID" datatype="char" arraysize="*" ID="id"/>
<FIELD name="access_url" datatype="char" arraysize="*"/>
<FIELD name="service_def" datatype="char" arraysize="*"/>
<FIELD name="error_message" datatype="char" arraysize="*"/>
<FIELD name="semantics" datatype="char" arraysize="*"/>
<FIELD name="description" datatype="char" arraysize="*"/>
<FIELD name="content_type" datatype="char" arraysize="*"/>
<FIELD name="content_length" datatype="long"/>
<FIELD name="eso_category" datatype="char" arraysize="*"/>
<DATA><TABLEDATA>
H
		link ivo://x?a "$fs_URL/files/a.fits" '#this' application/fits
		link ivo://x?a "$fs_URL/files/a.png" '#preview-image' image/png
		link ivo://x?a "$fs_URL/files/a-plot.png" '#preview-plot' image/png
		link ivo://x?a "$fs_URL/files/a-thumb.jpg" '#thumbnail' image/jpeg
		link ivo://x?a "$fs_URL/files/bias.fits" '#bias' application/fits
		link ivo://x?a "$fs_URL/files/nested.vot" '#calibration' 'application/x-votable+xml;content=datalink'
		link ivo://x?b '' '#this' '' 'NotFoundFault: no dataset b'
		cat <<'T'
</TABLEDATA></DATA></TABLE></RESOURCE>
<RESOURCE type="meta" utype="adhoc:service" ID="soda">
<PARAM name="standardID" datatype="char" arraysize="*" value="ivo://ivoa.net/std/SODA#sync-1.0"/>
<PARAM name="accessURL" datatype="char" arraysize="*" value="http://example.org/soda"/>
<GROUP name="inputParams">
<PARAM name="ID" datatype="char" arraysize="*" ref="id" value=""/>
<PARAM name="BAND" datatype="double" arraysize="2" unit="m" value=""><VALUES><MIN value="3e-7"/><MAX value="1e-6"/></VALUES></PARAM>
<PARAM name="POL" datatype="char" arraysize="*" value=""><VALUES><OPTION value="I"/><OPTION value="Q"/></VALUES></PARAM>
</GROUP></RESOURCE>
</VOTABLE>
T
	} > "$FS_DIR/links.vot"
	# the nested document links back to itself: --follow must stop
	sed -e "s|$fs_URL/files/a|$fs_URL/files/n|g" -e "s|ivo://x?a|ivo://x?n|g" \
		-e "s|$fs_URL/files/nested.vot|$fs_URL/files/nested.vot|" "$FS_DIR/links.vot" > "$FS_DIR/nested.vot"
}

teardown_file() {
	fs_stop_all
}

setup() {
	fs_clear_log fs
	T="$BATS_TEST_TMPDIR"
}

# vo-datalink with its stderr kept apart, in $T/stderr
dl() {
	"$VT_BIN/vo-datalink" "$@" 2> "$BATS_TEST_TMPDIR/stderr"
}

@test "the links of a document as TSV, extra columns kept, error rows on stderr" {
	run dl "$fs_URL/files/links.vot"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'ID\taccess_url\tservice_def\terror_message\tsemantics\tdescription\tcontent_type\tcontent_length\teso_category')" ]
	[ "${#lines[@]}" -eq 7 ]
	[[ "${lines[1]}" == "ivo://x?a	$fs_URL/files/a.fits		"*"#this	d	application/fits	1	x#this" ]]
	[ "$(cat "$T/stderr")" = "vo-datalink: ivo://x?b: NotFoundFault: no dataset b" ]
}

@test "--semantics follows the vocabulary: #preview takes its narrower terms" {
	run dl --semantics '#preview' "$fs_URL/files/links.vot"
	[ "$status" -eq 0 ]
	got=$(echo "$output" | awk -F'\t' 'NR > 1 { print $5 }' | tr '\n' ' ')
	[ "$got" = "#preview-image #preview-plot #thumbnail " ]
	run dl --semantics calibration "$fs_URL/files/links.vot"
	got=$(echo "$output" | awk -F'\t' 'NR > 1 { print $5 }' | tr '\n' ' ')
	[ "$got" = "#bias #calibration " ]
	run dl --semantics '#preview-image' "$fs_URL/files/links.vot"
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -eq 1 ]
	run dl --semantics http://www.ivoa.net/rdf/datalink/core#this "$fs_URL/files/links.vot"
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $5 }')" = "#this" ]
}

@test "--content-type filters on the type's start" {
	run dl --content-type image/ "$fs_URL/files/links.vot"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $7 }' | sort -u | tr '\n' ' ')" = "image/jpeg image/png " ]
}

@test "--services lists the descriptors with their input parameters" {
	run dl --services "$fs_URL/files/links.vot"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'service\tstandardID\taccessURL\tparam\tdatatype\tarraysize\tunit\tucd\tmin\tmax\toptions\tref\tvalue')" ]
	echo "$output" | grep -qxF "soda	ivo://ivoa.net/std/SODA#sync-1.0	http://example.org/soda	ID	char	*						id	"
	echo "$output" | grep -qxF "soda	ivo://ivoa.net/std/SODA#sync-1.0	http://example.org/soda	BAND	double	2	m		3e-7	1e-6			"
	echo "$output" | grep -q "	POL	char	\*					I|Q	"
}

@test "-s LINKS --id: many IDs batched into few POSTs" {
	# a "service" whose answer has a #this for each of the 250 IDs
	{
		sed -n '1,/<TABLEDATA>/p' "$FS_DIR/links.vot"
		for i in $(seq 250); do
			printf '<TR><TD>ivo://x?%s</TD><TD>%s/files/%s.fits</TD><TD/><TD/><TD>#this</TD><TD/><TD/><TD/><TD/></TR>\n' "$i" "$fs_URL" "$i"
		done
		sed -n '/<\/TABLEDATA>/,$p' "$FS_DIR/links.vot"
	} > "$FS_DIR/many.vot"
	args=()
	for i in $(seq 250); do args+=(--id "ivo://x?$i"); done
	run dl -s "$fs_URL/files/many.vot" "${args[@]}"
	[ "$status" -eq 0 ]
	[ "$(grep -c '"method": "POST"' "$fs_LOG")" -eq 3 ]
	grep '"method": "POST"' "$fs_LOG" | head -n 1 | grep -q 'ID=ivo%3A%2F%2Fx%3F100"'
	grep '"method": "POST"' "$fs_LOG" | tail -n 1 | grep -q '"body": "ID=ivo%3A%2F%2Fx%3F201&.*ID=ivo%3A%2F%2Fx%3F250"'
	# every ID was answered: nothing asked again
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 0 ]
	# one header, the rows of three answers
	[ "$(echo "$output" | grep -c '^ID	')" -eq 1 ]
	[ "$(echo "$output" | grep -c '#this')" -eq 750 ]
}

@test "a service that refuses batched POSTs gets the IDs one GET at a time" {
	run dl -s "$fs_URL/status?code=405" --id ivo://x?1 --id ivo://x?2
	[ "$status" -eq 76 ]
	[ "$(grep -c '"method": "POST"' "$fs_LOG")" -eq 1 ]
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 2 ]
	# a refusal of the credentials is not tried once per ID
	fs_clear_log fs
	run dl -s "$fs_URL/status?code=401" --id ivo://x?1 --id ivo://x?2 --id ivo://x?3
	[ "$status" -eq 77 ]
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 0 ]
	[ "$(wc -l < "$T/stderr")" -eq 1 ]
}

@test "a table on stdin: DataLink URLs of an ObsCore-like table, --keep joins back" {
	printf 'obs_id\tz\taccess_url\taccess_format\nA\t0.02\t%s\t%s\nB\t0.03\thttp://127.0.0.1:9/b.fits\timage/fits\n' \
		"$fs_URL/files/links.vot" 'application/x-votable+xml;content=datalink' > "$T/obscore.tsv"
	run dl --keep obs_id --keep z --semantics this < "$T/obscore.tsv"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "obs_id	z	ID	access_url	"* ]]
	[[ "${lines[1]}" == "A	0.02	ivo://x?a	$fs_URL/files/a.fits	"* ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "a table on stdin with --column; a missing column is a usage error" {
	printf 'url\n%s\n' "$fs_URL/files/links.vot" > "$T/urls.tsv"
	run dl --column url --semantics this < "$T/urls.tsv"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -eq 1 ]
	run dl --column nosuch < "$T/urls.tsv"
	[ "$status" -eq 64 ]
	grep -q "no column 'nosuch'" "$T/stderr"
}

@test "--follow reads nested DataLink documents, each once, to a bounded depth" {
	run dl --follow=2 --semantics this "$fs_URL/files/links.vot"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 }' | tr '\n' ' ')" = "ivo://x?a ivo://x?n " ]
	# the document and its self-linking child once: two requests, no more
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 2 ]
	run dl --semantics this "$fs_URL/files/links.vot"
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -eq 1 ]
	# a chain of distinct documents c1 -> c2 -> ... -> c6: depth 2 reads three
	for i in 1 2 3 4 5 6; do
		sed -e "s|$fs_URL/files/nested.vot|$fs_URL/files/c$((i + 1)).vot|" \
			-e "s|ivo://x?n|ivo://x?c$i|g" "$FS_DIR/nested.vot" > "$FS_DIR/c$i.vot"
	done
	fs_clear_log fs
	run dl --follow=2 --semantics this "$fs_URL/files/c1.vot"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 }' | tr '\n' ' ')" = "ivo://x?c1 ivo://x?c2 ivo://x?c3 " ]
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 3 ]
	run dl --follow --semantics this "$fs_URL/files/c1.vot"
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -eq 4 ]
	run dl --follow=11 "$fs_URL/files/c1.vot"
	[ "$status" -eq 64 ]
}

@test "--follow-semantics: ESO's calSelector links, plain VOTables, are followed by their term" {
	# ESO marks the association as application/x-votable+xml without
	# content=datalink, under a semantics term of its own
	sem='http://archive.eso.org/rdf/datalink/eso#calSelector_raw2master'
	sed -e "s|<TD>#calibration</TD>|<TD>$sem</TD>|" \
		-e "s|application/x-votable+xml;content=datalink|application/x-votable+xml|" \
		"$FS_DIR/links.vot" > "$FS_DIR/eso.vot"
	grep -qF "<TD>$sem</TD><TD>d</TD><TD>application/x-votable+xml</TD>" "$FS_DIR/eso.vot"
	# --follow alone does not take a plain VOTable for a links document
	run dl --follow --semantics bias "$fs_URL/files/eso.vot"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 }' | tr '\n' ' ')" = "ivo://x?a " ]
	run dl --follow-semantics "$sem" --semantics bias "$fs_URL/files/eso.vot"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 "," $2 }' | tr '\n' ' ')" = "ivo://x?a,$fs_URL/files/bias.fits ivo://x?n,$fs_URL/files/bias.fits " ]
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 3 ]
}

@test "a VOTable result with a DataLink descriptor: IDs from its ref column, batched, joined back" {
	# the shape of a TAP result from DaCHS: the descriptor after the table,
	# its ID parameter referring to the column with ID="pubdid"
	{
		cat <<'H'
<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><TABLE>
<FIELD name="obs_id" datatype="char" arraysize="*"/>
<FIELD name="obs_publisher_did" ID="pubdid" datatype="char" arraysize="*"/>
<FIELD name="access_url" datatype="char" arraysize="*"/>
<DATA><TABLEDATA>
<TR><TD>first</TD><TD>ivo://x?a</TD><TD>http://127.0.0.1:9/never</TD></TR>
<TR><TD>second</TD><TD>ivo://x?c</TD><TD>http://127.0.0.1:9/never</TD></TR>
<TR><TD>again</TD><TD>ivo://x?a</TD><TD>http://127.0.0.1:9/never</TD></TR>
</TABLEDATA></DATA></TABLE></RESOURCE>
<RESOURCE type="meta" utype="adhoc:service" name="links">
<GROUP name="inputParams">
<PARAM name="ID" datatype="char" arraysize="*" ref="pubdid" value=""/>
</GROUP>
<PARAM name="standardID" datatype="char" arraysize="*" value="ivo://ivoa.net/std/DataLink#links-1.0"/>
H
		printf '<PARAM name="accessURL" datatype="char" arraysize="*" value="%s"/>\n' "$fs_URL/files/links.vot"
		printf '</RESOURCE></VOTABLE>\n'
	} > "$T/result.vot"
	run dl --keep obs_id --semantics this < "$T/result.vot"
	[ "$status" -eq 0 ]
	# one POST with each ID once; ivo://x?c got no answer, so one GET for it
	[ "$(grep -c '"method": "POST"' "$fs_LOG")" -eq 1 ]
	grep '"method": "POST"' "$fs_LOG" | grep -q 'ID=ivo%3A%2F%2Fx%3Fa&ID=ivo%3A%2F%2Fx%3Fc"'
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 1 ]
	# the #this of ivo://x?a, once for each row that named it; the GET
	# for ivo://x?c answers with this file again: its links go with "second"
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 "," $2 }' | sort | tr '\n' ' ')" = "again,ivo://x?a first,ivo://x?a second,ivo://x?a " ]
	# --column overrides the descriptor
	fs_clear_log fs
	sed -i "s|http://127.0.0.1:9/never|$fs_URL/files/links.vot|" "$T/result.vot"
	run dl --column access_url --semantics this < "$T/result.vot"
	[ "$status" -eq 0 ]
	[ "$(grep -c '"method": "POST"' "$fs_LOG")" -eq 0 ]
	[ "$(grep -c '"method": "GET"' "$fs_LOG")" -eq 3 ]
}

@test "not a DataLink document, an HTTP error: clear errors" {
	printf 'x\n' > "$FS_DIR/plain.txt"
	run dl "$fs_URL/files/plain.txt"
	[ "$status" -eq 65 ]
	[ "$(wc -l < "$T/stderr")" -eq 1 ]
	grep -q '^vo-datalink: ' "$T/stderr"
	run dl "$fs_URL/status?code=404"
	[ "$status" -eq 76 ]
}
