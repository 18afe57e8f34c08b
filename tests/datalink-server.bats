#!/usr/bin/env bats
# Smoke tests of the images on the local DaCHS (tests/server/img/): ObsCore,
# DataLink, SODA cutouts, previews and SIAP v1, with curl only.

load lib/dachs

setup_file() {
	dachs_env
}

setup() {
	dachs_env
	IMG_DL=$VT_DACHS_URL/img/q/dl
	IMG_SIAP=$VT_DACHS_URL/img/q/i/siap.xml
}

@test "datalink-server: ivoa.obscore holds the 20 images of collection 'vo-tools img'" {
	run tap_sync "SELECT COUNT(*) AS n FROM ivoa.obscore WHERE obs_collection = 'vo-tools img' AND dataproduct_type = 'image' AND access_format = 'application/x-votable+xml;content=datalink'" csv
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n20'* ]]
}

@test "datalink-server: an image's access_url leads to a DataLink document" {
	run tap_sync "SELECT access_url FROM ivoa.obscore WHERE obs_id = 'img/data/img01.fits'" csv
	[ "$status" -eq 0 ]
	url=$(printf '%s\n' "$output" | sed -n 2p | tr -d '\r')
	[ "$url" = "$VT_DACHS_URL/getproduct/img/data/img01.fits" ]
	run curl -s -f -L --max-time 30 "$url"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<VOTABLE"* ]]
	[[ "$output" == *"<TD>#this</TD>"* ]]
	[[ "$output" == *"<TD>#preview</TD>"* ]]
	[[ "$output" == *'<RESOURCE ID="procsvc" name="proc_svc" type="meta" utype="adhoc:service">'* ]]
	[[ "$output" == *'name="standardID" value="ivo://ivoa.net/std/SODA#sync-1.0"'* ]]
	[[ "$output" == *"value=\"$IMG_DL/dlget\""* ]]
	[[ "$output" == *'name="CIRCLE"'* ]]
	[[ "$output" == *'name="POS"'* ]]
}

@test "datalink-server: the DataLink document answers at dlmeta?ID=accref" {
	run curl -s -f --max-time 30 "$IMG_DL/dlmeta?ID=img/data/img07.fits"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<TD>$IMG_DL/dlget?ID=img/data/img07.fits</TD>"* ]]
	[[ "$output" == *"<TD>$VT_DACHS_URL/getproduct/img/data/img07.fits?preview=True</TD>"* ]]
}

@test "datalink-server: #preview is a PNG" {
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/p.png" \
		-w '%{content_type}' "$VT_DACHS_URL/getproduct/img/data/img01.fits?preview=True"
	[ "$status" -eq 0 ]
	[ "$output" = image/png ]
	[ "$(head -c 4 "$BATS_TEST_TMPDIR/p.png" | tail -c 3)" = PNG ]
}

@test "datalink-server: a SODA CIRCLE cutout is a FITS file smaller than the image" {
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/full.fits" \
		"$IMG_DL/dlget?ID=img/data/img01.fits"
	[ "$status" -eq 0 ]
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/cut.fits" \
		"$IMG_DL/dlget?ID=img/data/img01.fits&CIRCLE=10.5%20-3.25%200.02"
	[ "$status" -eq 0 ]
	[ "$(head -c 6 "$BATS_TEST_TMPDIR/cut.fits")" = SIMPLE ]
	full=$(wc -c <"$BATS_TEST_TMPDIR/full.fits")
	cut=$(wc -c <"$BATS_TEST_TMPDIR/cut.fits")
	[ "$full" -eq 20160 ]
	[ "$cut" -lt "$full" ]
	grep -q 'NAXIS1  =                   22' "$BATS_TEST_TMPDIR/cut.fits"
}

@test "datalink-server: a SODA POS=CIRCLE cutout works too" {
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/cut.fits" \
		"$IMG_DL/dlget?ID=img/data/img01.fits&POS=CIRCLE%2010.5%20-3.25%200.02"
	[ "$status" -eq 0 ]
	[ "$(head -c 6 "$BATS_TEST_TMPDIR/cut.fits")" = SIMPLE ]
	[ "$(wc -c <"$BATS_TEST_TMPDIR/cut.fits")" -lt 20160 ]
}

@test "datalink-server: SIAP POS=10.5,-3.25 SIZE=0.1 finds img01..img04 (field astrom)" {
	run curl -s -f --max-time 30 "$IMG_SIAP?POS=10.5,-3.25&SIZE=0.1&RESPONSEFORMAT=votabletd"
	[ "$status" -eq 0 ]
	[[ "$output" == *'<INFO name="QUERY_STATUS" value="OK">'* ]]
	n=$(printf '%s' "$output" | grep -o 'img/data/img[0-9]*\.fits' | sort -u | tr '\n' ' ')
	[ "$n" = "img/data/img01.fits img/data/img02.fits img/data/img03.fits img/data/img04.fits " ]
}

@test "datalink-server: SIAP far from every field finds nothing" {
	run curl -s -f --max-time 30 "$IMG_SIAP?POS=100,80&SIZE=0.1&RESPONSEFORMAT=votabletd"
	[ "$status" -eq 0 ]
	[[ "$output" == *'<INFO name="QUERY_STATUS" value="OK">'* ]]
	[[ "$output" == *"<TABLEDATA"* ]]
	[[ "$output" != *"img/data/img"* ]]
}
