#!/usr/bin/env bats
# vo-soda against the local DaCHS SODA service of the test images.

load lib/dachs

setup() {
	dachs_env
	T="$BATS_TEST_TMPDIR"
	cd "$T"
	# as DaCHS writes it in products' access URLs: the publisher DID
	# ivo://vo-tools.test/~?img/data/img01.fits, URL-encoded
	DL="$VT_DACHS_URL/img/q/dl/dlmeta?ID=ivo%3A%2F%2Fvo-tools.test%2F~%3Fimg%2Fdata%2Fimg01.fits"
	SODA="$VT_DACHS_URL/img/q/dl/dlget"
	S="$VT_BIN/vo-soda"
}

# header KEY FILE: the value of a FITS header card
header() {
	head -c 28800 "$2" | fold -w 80 | sed -n "s/^$1 *= *\([^ /]*\).*/\1/p" | head -n 1 | tr -d "'"
}

# covers FILE RA DEC: the pixel of (RA, DEC) is inside the image (TAN, small field)
covers() {
	awk -v ra="$2" -v dec="$3" -v cr1="$(header CRVAL1 "$1")" -v cr2="$(header CRVAL2 "$1")" \
	    -v cp1="$(header CRPIX1 "$1")" -v cp2="$(header CRPIX2 "$1")" \
	    -v d1="$(header CDELT1 "$1")" -v d2="$(header CDELT2 "$1")" \
	    -v n1="$(header NAXIS1 "$1")" -v n2="$(header NAXIS2 "$1")" 'BEGIN {
		x = cp1 + (ra - cr1) * cos(dec * 3.14159265358979 / 180) / d1
		y = cp2 + (dec - cr2) / d2
		exit !(x >= 0.5 && x <= n1 + 0.5 && y >= 0.5 && y <= n2 + 0.5)
	}'
}

@test "a cutout from a DataLink URL: smaller than the dataset, covering the centre asked for" {
	run "$S" --circle 10.51 -3.24 0.02 -o cut.fits "$DL"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'cut.fits\t%s' "$(wc -c < cut.fits)")" ]
	[ "$(head -c 6 cut.fits)" = "SIMPLE" ]
	full=$("$VT_BIN/vo-datalink" --semantics this "$DL" | awk -F'\t' 'NR == 2 { print $2 }')
	curl -s -f -L -o full.fits "$full"
	[ "$(head -c 6 full.fits)" = "SIMPLE" ]
	[ "$(wc -c < cut.fits)" -lt "$(wc -c < full.fits)" ]
	[ "$(header NAXIS1 cut.fits)" -lt "$(header NAXIS1 full.fits)" ]
	covers cut.fits 10.51 -3.24
	! covers cut.fits 10.56 -3.19
}

@test "without -o: the name the service gives, or one from the dataset ID" {
	run "$S" --circle 10.5 -3.25 0.01 "$DL"
	[ "$status" -eq 0 ]
	f=$(echo "$output" | cut -f1)
	[ -s "$f" ]
	[[ "$f" != */* ]]
	[[ "$f" != .* ]]
}

@test "a circle outside the declared coverage is refused before anything is sent" {
	run "$S" -v --circle 200 80 0.01 -o far.fits "$DL"
	[ "$status" -eq 64 ]
	[[ "$output" == *"does not reach the dataset"*"nothing was sent"* ]]
	[[ "$output" != *"GET /img/q/dl/dlget"* ]]
	[ ! -e far.fits ]
}

@test "a parameter the service does not declare is refused before sending" {
	run "$S" --band 600nm 700nm -o b.fits "$DL"
	[ "$status" -eq 64 ]
	[[ "$output" == *"takes no parameter BAND"* ]]
	[ ! -e b.fits ]
}

@test "an empty cutout is its own outcome: exit 4, no file" {
	# inside the declared covering circle, outside the square image
	run "$S" --circle 10.585 -3.25 0.001 -o empty.fits "$DL"
	[ "$status" -eq 4 ]
	[[ "$output" == *"the cutout is empty"* ]]
	[ ! -e empty.fits ]
	[ -z "$(ls -A)" ]
}

@test "-s SODA_URL --id ID with a SODA POS" {
	run "$S" -s "$SODA" --id 'ivo://vo-tools.test/~?img/data/img02.fits' --pos 'CIRCLE 10.5 -3.25 0.01' -o p.fits
	[ "$status" -eq 0 ]
	[ "$(head -c 6 p.fits)" = "SIMPLE" ]
	covers p.fits 10.5 -3.25
	# the ID as the argument
	run "$S" -s "$SODA" --pos 'CIRCLE 10.5 -3.25 0.01' -o q.fits 'ivo://vo-tools.test/~?img/data/img02.fits'
	[ "$status" -eq 0 ]
	cmp p.fits q.fits
}

@test "usage errors: no cutout, no dataset, a bad number, a bad band unit" {
	run "$S" "$DL"
	[ "$status" -eq 64 ]
	run "$S" --circle 10 -3 0.1
	[ "$status" -eq 64 ]
	run "$S" --circle 10 x 0.1 "$DL"
	[ "$status" -eq 64 ]
	[[ "$output" == *"wants numbers"* ]]
	run "$S" --band 600parsec 700nm "$DL"
	[ "$status" -eq 64 ]
	[[ "$output" == *"unknown unit"* ]]
}

@test "batch: one cutout per row of an ObsCore table, centred on each row's own position" {
	"$VT_BIN/vo-tap" -s "$VT_TAP_URL" > "$T/in.tsv" \
		"SELECT obs_id, s_ra, s_dec, access_url, access_format FROM ivoa.obscore WHERE obs_collection = 'vo-tools img' ORDER BY obs_id"
	mkdir "$T/out"
	run sh -c "'$S' -j 4 -d '$T/out' --circle s_ra s_dec 0.02 < '$T/in.tsv' 2> '$T/err'"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	[ "${lines[0]}" = "$(printf 'row\tdataset\tpath\tbytes\tstatus')" ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 && $5 == "ok"' | wc -l)" -eq 20 ]
	[ "$(ls "$T/out" | wc -l)" -eq 20 ]
	# every file is a cutout (smaller than the 20160-byte image) around its row's centre
	echo "$output" | awk -F'\t' 'NR > 1 { print $1, $3, $4 }' | while read -r row path bytes; do
		[ -f "$path" ]
		[ "$(wc -c < "$path")" -eq "$bytes" ]
		[ "$bytes" -lt 20160 ]
		pos=$(awk -F'\t' -v r="$row" 'NR == r + 1 { print $2, $3 }' "$T/in.tsv")
		covers "$path" $pos
	done
	# no temporary files left behind
	[ -z "$(ls -A "$T/out" | grep -v -- '-cutout\.fits$')" ]
	# every dataset twice: forty files, each name with its row number
	(cat "$T/in.tsv"; sed 1d "$T/in.tsv") > "$T/twice.tsv"
	run sh -c "'$S' -j 8 -d '$T/twice' --circle s_ra s_dec 0.02 < '$T/twice.tsv'"
	[ "$status" -eq 0 ]
	[ "$(ls "$T/twice" | wc -l)" -eq 40 ]
	[ -f "$T/twice/img01-cutout-1.fits" ] && [ -f "$T/twice/img01-cutout-21.fits" ]
	[ "$(ls "$T/twice" | grep -c -- '-cutout-[0-9]*\.fits$')" -eq 40 ]
}

@test "batch: a failing row is reported in the manifest; the others are still cut out" {
	did=$("$VT_BIN/vo-tap" -s "$VT_TAP_URL" "SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_id = 'img/data/img01.fits'" | tail -n 1)
	# two cutouts of one dataset, one far outside it, one with a bad radius
	printf 'did\tra\tdec\tr\n%s\t10.5\t-3.25\t0.01\n%s\t10.51\t-3.25\t0.01\n%s\t200\t40\t0.01\n%s\t10.5\t-3.25\tbig\n' \
		"$did" "$did" "$did" "$did" > "$T/in.tsv"
	run sh -c "'$S' -j 2 -c did --circle ra dec r \"\$1\" < '$T/in.tsv' 2> '$T/err'" sh "$DL"
	[ "$status" -eq 64 ]	# a dataset URL and a table: usage
	run sh -c "'$S' -j 2 -s '$SODA' -c did --circle ra dec r < '$T/in.tsv' 2> '$T/err'"
	# -s: nothing is checked before sending: the far circle comes back empty
	[ "$(echo "$output" | awk -F'\t' '$1 == 1 { print $3, $5 }')" = "img01-cutout-1.fits ok" ]
	[ "$(echo "$output" | awk -F'\t' '$1 == 2 { print $3, $5 }')" = "img01-cutout-2.fits ok" ]
	[ "$(echo "$output" | awk -F'\t' '$1 == 3 { print $5 }')" = "empty" ]
	[[ "$(echo "$output" | awk -F'\t' '$1 == 4 { print $5 }')" == *"wants numbers, not 'big'"* ]]
	# the exit code is the first failing row's: row 3, empty
	[ "$status" -eq 4 ]
	[ -f img01-cutout-1.fits ] && [ -f img01-cutout-2.fits ]
	[ "$(ls -A | grep -c -v '^in.tsv$\|^err$')" -eq 2 ]
	grep -q "^vo-soda: row 4: " "$T/err"
}

@test "batch: DataLink URLs are checked row by row against the declared limits" {
	printf 'url\tra\n%s\t10.5\n%s\t200\n' "$DL" "$DL" > "$T/in.tsv"
	run sh -c "'$S' -v -c url --circle ra -3.25 0.01 < '$T/in.tsv' 2> '$T/err'"
	[ "$status" -eq 64 ]
	[ "$(echo "$output" | awk -F'\t' '$1 == 1 { print $5 }')" = "ok" ]
	[[ "$(echo "$output" | awk -F'\t' '$1 == 2 { print $5 }')" == *"does not reach the dataset"*"nothing was sent"* ]]
	# one cutout request only: the refused row sent nothing
	[ "$(grep -c '^vo-soda: GET .*/dlget?' "$T/err")" -eq 1 ]
	# and the rows' shared DataLink document was read once
	[ "$(grep -c '^vo-soda: GET .*/dlmeta?' "$T/err")" -eq 1 ]
}

@test "batch: usage errors name the problem" {
	printf 'url\n%s\n' "$DL" > "$T/in.tsv"
	run sh -c "'$S' --circle 10.5 -3.25 0.01 -o x.fits < '$T/in.tsv'"
	[ "$status" -eq 64 ]
	[[ "$output" == *"use -d DIR"* ]]
	run sh -c "'$S' --circle ra -3.25 0.01 -c url < '$T/in.tsv'"
	[ "$status" -eq 64 ]
	[[ "$output" == *"'ra' is neither a number nor a column"* ]]
	run sh -c "'$S' --circle 10.5 -3.25 0.01 -c nosuch < '$T/in.tsv'"
	[ "$status" -eq 64 ]
	[[ "$output" == *"no column 'nosuch'"* ]]
	run sh -c "'$S' --circle 10.5 -3.25 0.01 < /dev/null"
	[ "$status" -eq 64 ]
	run "$S" --circle 10.5 -3.25 0.01 -j 0 "$DL"
	[ "$status" -eq 64 ]
}

# the spectra and cubes (tests/server/README: spec.main, spec.cubes)
spec_dl() {
	echo "$VT_DACHS_URL/spec/q/sdl/dlmeta?ID=ivo://vo-tools.test/~%3Fspec/data/$1.fits"
}

@test "--band on a spectrum: a unit suffix, fewer points, the declared range enforced" {
	# spec03 covers 600..700 nm in 1001 points of 0.1 nm
	run "$S" --band 650nm 660nm -p FORMAT=text/csv -o s.csv "$(spec_dl spec03)"
	[ "$status" -eq 0 ]
	[ "$(grep -v '^#' s.csv | sed 1d | wc -l)" -eq 101 ]
	grep -v '^#' s.csv | sed -n 2p | grep -q '^650'
	# the same band as a frequency range
	run "$S" --band 454.23THz 461.22THz -p FORMAT=text/csv -o f.csv "$(spec_dl spec03)"
	[ "$status" -eq 0 ]
	[ "$(grep -v '^#' f.csv | sed 1d | wc -l)" -ge 99 ]
	# outside the declared 6e-07 .. 7e-07: refused, nothing sent
	run "$S" -v --band 710nm 800nm -o no.csv "$(spec_dl spec03)"
	[ "$status" -eq 64 ]
	[[ "$output" == *"BAND 7.1e-07 8e-07 is outside the declared range 6e-07 .. 7e-07"* ]]
	[[ "$output" != *"dlget"* ]]
	[ ! -e no.csv ]
	# a FORMAT the service does not offer
	run "$S" --band 650nm 660nm -p FORMAT=image/gif "$(spec_dl spec03)"
	[ "$status" -eq 64 ]
	[[ "$output" == *"FORMAT=image/gif is not one of the values the service declares"* ]]
}

@test "--pol and --band on a cube: the planes asked for, checked against POL's options" {
	DLB="$VT_DACHS_URL/getproduct/spec/data/cube_b.fits"	# 16x16x20x4, 641..679 nm, I Q U V
	run "$S" --pol I -o i.fits "$DLB"
	[ "$status" -eq 0 ]
	[ "$(header NAXIS4 i.fits)" -eq 1 ]
	[ "$(header NAXIS3 i.fits)" -eq 20 ]
	run "$S" --pol Q --pol U --band 650nm 660nm -o qu.fits "$DLB"
	[ "$status" -eq 0 ]
	[ "$(header NAXIS3 qu.fits)" -eq 6 ]
	[ "$(header NAXIS4 qu.fits)" -eq 2 ]
	[ "$(header NAXIS1 qu.fits)" -eq 16 ]
	# refused before sending: a state the cube does not have, a band it misses
	run "$S" --pol RR "$DLB"
	[ "$status" -eq 64 ]
	[[ "$output" == *"POL=RR is not one of the values the service declares"* ]]
	run "$S" --band 800nm 900nm "$DLB"
	[ "$status" -eq 64 ]
	[[ "$output" == *"outside the declared range"* ]]
	# cube_a has no polarisation axis: its service takes no POL
	run "$S" --pol I "$VT_DACHS_URL/getproduct/spec/data/cube_a.fits"
	[ "$status" -eq 64 ]
	[[ "$output" == *"the service takes no parameter POL"* ]]
	[ "$(ls -A | wc -l)" -eq 2 ]
}

@test "batch: a band around each row's own line, from a column" {
	printf 'obs_id\turl\tlo\thi\n' > in.tsv
	for n in 01 03 05; do
		printf 'spec%s\t%s\t655nm\t658nm\n' "$n" "$(spec_dl spec$n)" >> in.tsv
	done
	printf 'spec04\t%s\t655nm\t658nm\n' "$(spec_dl spec04)" >> in.tsv	# 480..520 nm: refused
	run sh -c "'$S' -c url --name-from obs_id --band lo hi -p FORMAT=text/csv < in.tsv 2> err"
	[ "$status" -eq 64 ]
	# the names chosen, with the extension of what came (text/csv)
	[ "$(echo "$output" | awk -F'\t' '$5 == "ok" { print $3 }' | sort | tr '\n' ' ')" = "spec01.csv spec03.csv spec05.csv " ]
	[[ "$(echo "$output" | awk -F'\t' '$1 == 4 { print $5 }')" == *"outside the declared range 4.8e-07 .. 5.2e-07"* ]]
	# spec03: 0.1 nm steps, 655.0 to 657.9 or 658.0
	n=$(grep -v '^#' spec03.csv | sed 1d | wc -l)
	[ "$n" -ge 30 ] && [ "$n" -le 31 ]
}

@test "batch: an SSAP result with its own SODA descriptor, each spectrum cut as it declares" {
	# DaCHS's SSAP answer carries a SODA descriptor whose ID refers to
	# ssa_pubDID: no DataLink documents needed
	curl -s -f "$VT_DACHS_URL/spec/q/ssa/ssap.xml?REQUEST=queryData&POS=10.5,-3.25&SIZE=0.1" > ssa.vot
	grep -q 'ref="ssa_pubDID"' ssa.vot
	run sh -c "'$S' -v -d out --band 650nm 660nm -p FORMAT=text/csv < ssa.vot 2> err"
	# spec01..03 cover H-alpha; spec04 (480..520 nm) has nothing there
	[ "$status" -eq 4 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $2, $5 }' | sort | tr '\n' ',')" = \
	  "ivo://vo-tools.test/~?spec/data/spec01.fits ok,ivo://vo-tools.test/~?spec/data/spec02.fits ok,ivo://vo-tools.test/~?spec/data/spec03.fits ok,ivo://vo-tools.test/~?spec/data/spec04.fits empty," ]
	# named after the IDs, with the extension of what came
	[ "$(ls out | tr '\n' ' ')" = "spec01-cutout.csv spec02-cutout.csv spec03-cutout.csv " ]
	[ "$(grep -v '^#' out/spec03-cutout.csv | sed 1d | wc -l)" -eq 101 ]
	# straight to the service the descriptor names: no DataLink requests
	[ "$(grep -c '^vo-soda: GET .*/sdl/dlget?ID=ivo' err)" -eq 4 ]
	! grep -q '^vo-soda: GET .*/dlmeta' err
	# its declared limits apply: 3.8e-07 .. 9e-07 for this result
	run sh -c "'$S' -d out2 --band 1um 2um < ssa.vot"
	[ "$status" -eq 64 ]
	[[ "$output" == *"outside the declared range 3.8e-07 .. 9e-07; nothing was sent"* ]]
	[ ! -e out2 ] || [ -z "$(ls -A out2)" ]
}

@test "batch with a token: bound to the service's host, needed there" {
	DLA="$VT_DACHS_AUTH_URL/img/q/dl/dlmeta?ID=ivo%3A%2F%2Fvo-tools.test%2F~%3Fimg%2Fdata%2Fimg01.fits"
	printf 'url\n%s\n' "$DLA" > in.tsv
	run sh -c "'$S' -c url --circle 10.5 -3.25 0.01 < in.tsv 2> err"
	[ "$status" -eq 77 ]
	run sh -c "'$S' -v --token-file '$VT_TAP_TOKEN_FILE' -c url --circle 10.5 -3.25 0.01 < in.tsv 2> err"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR == 2 { print $3, $5 }')" = "img01-cutout.fits ok" ]
	# the token never in the trace
	! grep -qF "$(cat "$VT_TAP_TOKEN_FILE")" err
	[ "$(grep -c '^vo-soda: > Authorization: Bearer \[redacted\]$' err)" -eq 2 ]
}
