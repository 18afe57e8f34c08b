#!/usr/bin/env bats
# vo-get against the local DaCHS: the datasets (#this) and their previews
# (#preview) of 20 images from an ObsCore query, into one directory.

bats_require_minimum_version 1.5.0
load lib/dachs

setup_file() {
	dachs_env
	local q="SELECT obs_publisher_did, access_url, access_format FROM ivoa.obscore WHERE obs_collection = 'vo-tools img'"
	"$VT_BIN/vo-tap" -s "$VT_TAP_URL" -f votable "$q" >"$BATS_FILE_TMPDIR/oc.vot"
	"$VT_BIN/vo-datalink" --semantics '#this' <"$BATS_FILE_TMPDIR/oc.vot" >"$BATS_FILE_TMPDIR/this.tsv"
	"$VT_BIN/vo-datalink" --semantics '#preview' <"$BATS_FILE_TMPDIR/oc.vot" >"$BATS_FILE_TMPDIR/preview.tsv"
}

setup() {
	dachs_env
	T=$BATS_TEST_TMPDIR
	F=$BATS_FILE_TMPDIR
	cd "$T"
	export XDG_CONFIG_HOME=$T/config VO_CREDENTIALS= VO_TOKEN_FILE=
}

get() {
	"$VT_BIN/vo-get" "$@"
}

# every FITS in DIR whole: 20160 bytes (the content_length DataLink gives),
# a FITS header; every PNG a PNG
check_dir() {
	local f n=0
	shopt -s nullglob
	for f in "$1"/*.fits; do
		[ "$(wc -c <"$f")" -eq 20160 ] || { echo "$f: $(wc -c <"$f") bytes"; return 1; }
		[ "$(head -c 6 "$f")" = SIMPLE ] || { echo "$f: not FITS"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq "$2" ] || { echo "$n FITS files, not $2"; return 1; }
	n=0
	for f in "$1"/*.png; do
		[ "$(head -c 4 "$f" | tail -c 3)" = PNG ] || { echo "$f: not PNG"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq "$3" ] || { echo "$n PNG files, not $3"; return 1; }
}

@test "get-dachs: #this, then #preview into the same directory: the FITS files stay, the previews are PNGs" {
	[ "$(awk 'NR > 1' "$F/this.tsv" | wc -l)" -eq 20 ]
	run get -d d "$F/this.tsv"
	[ "$status" -eq 0 ]
	run get -d d "$F/preview.tsv"
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $4 == "ok" && $2 ~ /\.png$/' <<<"$output" | wc -l)" -eq 20 ]
	check_dir d 20 20
	[ "$(ls -A d | wc -l)" -eq 40 ]
	# named after the dataset's ID, the two would share a name: they do not
	run get -d n --name-from ID "$F/this.tsv"
	[ "$status" -eq 0 ]
	run get -d n --name-from ID "$F/preview.tsv"
	[ "$status" -eq 0 ]
	check_dir n 20 20
	[ -f n/img08.fits ] && [ -f n/img08.png ]
	# re-runs of both: nothing fetched again
	for t in this preview; do
		run get -d n --name-from ID "$F/$t.tsv"
		[ "$status" -eq 0 ]
		[ "$(awk -F'\t' 'NR > 1 && $4 == "skipped"' <<<"$output" | wc -l)" -eq 20 ]
	done
	[ "$(ls -A n | wc -l)" -eq 40 ]
}

@test "get-dachs: a preview named like a FITS file already there does not replace it" {
	# the previews, given the names of the datasets (as a careless
	# --name-from or a server's Content-Disposition might)
	run get -d d --name-from ID "$F/this.tsv"
	[ "$status" -eq 0 ]
	awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { print "access_url", "name"; next }
		{ n = $1; sub(/.*\//, "", n); print $2, n }' "$F/preview.tsv" >p.tsv
	# the name img08.fits with a PNG: saved as img08.png, FITS untouched
	run get -d d --name-from name p.tsv
	[ "$status" -eq 0 ]
	check_dir d 20 20
}

@test "get-dachs: a damaged FITS file of the right size is fetched again, the others skipped" {
	run get -d d "$F/this.tsv"
	[ "$status" -eq 0 ]
	f=$(ls d/*.fits | head -1)
	cp "$f" good.fits
	printf 'XXXX' | dd of="$f" bs=1 seek=5000 conv=notrunc status=none
	[ "$(wc -c <"$f")" -eq 20160 ]
	run get -d d "$F/this.tsv"
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $4 == "ok"' <<<"$output" | cut -f2)" = "$f" ]
	[ "$(awk -F'\t' 'NR > 1 && $4 == "skipped"' <<<"$output" | wc -l)" -eq 19 ]
	cmp "$f" good.fits
}

@test "get-dachs: without the token, each 401 is on stderr and the exit status is 77" {
	sed "s|$VT_DACHS_URL/|$VT_DACHS_AUTH_URL/|" "$F/this.tsv" | head -4 >auth.tsv
	run --separate-stderr get -d d auth.tsv
	[ "$status" -eq 77 ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	for l in "${stderr_lines[@]}"; do
		[[ "$l" == "vo-get: $VT_DACHS_AUTH_URL/"*": HTTP status 401 Unauthorized" ]]
	done
	[ "$(awk -F'\t' 'NR > 1 && $4 == "error: HTTP status 401 Unauthorized"' <<<"$output" | wc -l)" -eq 3 ]
	run --separate-stderr get -d d --token-file "$VT_TAP_TOKEN_FILE" auth.tsv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	check_dir d 3 0
}

@test "get-dachs: vo-get | head -1 still downloads all 20 previews" {
	run bash -c "'$VT_BIN/vo-get' -j 2 -d d '$F/preview.tsv' 2>err | head -1; echo \"status \${PIPESTATUS[0]}\""
	[ "${lines[1]}" = "status 74" ]
	check_dir d 0 20
	grep -q 'Broken pipe: the manifest is incomplete' err
}
