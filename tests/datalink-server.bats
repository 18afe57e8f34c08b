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
	IMG_CAL=$VT_DACHS_URL/img/q/cal
}

# the publisher DID of image NN, and as DaCHS URL-encodes it in product paths
img_did() { printf 'ivo://vo-tools.test/~?img/data/img%s.fits' "$1"; }
img_did_q() { printf 'ivo%%3A%%2F%%2Fvo-tools.test%%2F~%%3Fimg%%2Fdata%%2Fimg%s.fits' "$1"; }

# dlrows: the rows of a DataLink document (TABLEDATA) as TSV: ID access_url
# service_def error_message description semantics content_type
# content_length local_semantics
dlrows() {
	{ cat; echo; } | sed 's/<TR>/\n/g' | sed -n 's/<\/TR>.*//p' | sed 's/<TD>//g; s/<\/TD>/\t/g; s/\t$//'
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
	# a redirect to dlmeta?ID=the publisher DID (DaCHS's \dlMetaURI)
	run curl -s --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$url"
	[ "$output" = "301 $IMG_DL/dlmeta?ID=$(img_did_q 01)" ]
	run curl -s -f -L --max-time 30 "$url"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<VOTABLE"* ]]
	[[ "$output" == *"<TD>$(img_did 01)</TD>"* ]]
	[[ "$output" == *"<TD>#this</TD>"* ]]
	[[ "$output" == *"<TD>#preview</TD>"* ]]
	[[ "$output" == *'<RESOURCE ID="procsvc" name="proc_svc" type="meta" utype="adhoc:service">'* ]]
	[[ "$output" == *'name="standardID" value="ivo://ivoa.net/std/SODA#sync-1.0"'* ]]
	[[ "$output" == *"value=\"$IMG_DL/dlget\""* ]]
	[[ "$output" == *'name="CIRCLE"'* ]]
	[[ "$output" == *'name="POS"'* ]]
}

@test "datalink-server: the DataLink ID is the publisher DID, ivo://vo-tools.test/~?img/data/imgNN.fits" {
	run tap_sync "SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_id = 'img/data/img07.fits'" csv
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | sed -n 2p | tr -d '\r')" = "$(img_did 07)" ]
	run curl -s -f --max-time 30 "$IMG_DL/dlmeta?ID=$(img_did_q 07)"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | dlrows | cut -f1 | sort -u)" = "$(img_did 07)" ]
	# DaCHS's own #this link encodes ':' and '?' but not '/'
	[[ "$output" == *"<TD>$IMG_DL/dlget?ID=ivo%3A//vo-tools.test/~%3Fimg/data/img07.fits</TD>"* ]]
	[[ "$output" == *"<TD>$VT_DACHS_URL/getproduct/img/data/img07.fits?preview=True</TD>"* ]]
	# the same with only the '?' encoded, and by POST
	run curl -s -f --max-time 30 "$IMG_DL/dlmeta?ID=ivo://vo-tools.test/~%3Fimg/data/img07.fits"
	[ "$(printf '%s' "$output" | dlrows | cut -f1 | sort -u)" = "$(img_did 07)" ]
	run curl -s -f --max-time 30 --data-urlencode "ID=$(img_did 07)" "$IMG_DL/dlmeta"
	[ "$(printf '%s' "$output" | dlrows | cut -f1 | sort -u)" = "$(img_did 07)" ]
	# DaCHS still takes the bare accref (and echoes it as the ID)
	run curl -s -f --max-time 30 "$IMG_DL/dlmeta?ID=img/data/img07.fits"
	[ "$(printf '%s' "$output" | dlrows | cut -f1 | sort -u)" = img/data/img07.fits ]
	# another authority: a single error row, HTTP 200
	run curl -s -f --max-time 30 "$IMG_DL/dlmeta?ID=ivo://elsewhere.test/~%3Fimg/data/img07.fits"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | dlrows | wc -l)" -eq 1 ]
	[[ "$(printf '%s' "$output" | dlrows | cut -f4)" == NotFoundFault:* ]]
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
		"$IMG_DL/dlget?ID=ivo://vo-tools.test/~%3Fimg/data/img01.fits"
	[ "$status" -eq 0 ]
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/cut.fits" \
		"$IMG_DL/dlget?ID=ivo://vo-tools.test/~%3Fimg/data/img01.fits&CIRCLE=10.5%20-3.25%200.02"
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
		"$IMG_DL/dlget?ID=$(img_did_q 01)&POS=CIRCLE%2010.5%20-3.25%200.02"
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
	# a DataLink descriptor on the pub_did column
	[[ "$output" == *'<TD>ivo://vo-tools.test/~?img/data/img01.fits</TD>'* ]]
	[[ "$output" == *'<PARAM arraysize="*" datatype="char" name="ID" ref="pub_did"'* ]]
	[[ "$output" == *"value=\"$IMG_DL/dlmeta\""* ]]
}

@test "datalink-server: SIAP far from every field finds nothing" {
	run curl -s -f --max-time 30 "$IMG_SIAP?POS=100,80&SIZE=0.1&RESPONSEFORMAT=votabletd"
	[ "$status" -eq 0 ]
	[[ "$output" == *'<INFO name="QUERY_STATUS" value="OK">'* ]]
	[[ "$output" == *"<TABLEDATA"* ]]
	[[ "$output" != *"img/data/img"* ]]
}

@test "datalink-server: an image's DataLink document links its calibration association twice" {
	run curl -s -f --max-time 30 "$IMG_DL/dlmeta?ID=$(img_did_q 06)"
	[ "$status" -eq 0 ]
	rows=$(printf '%s' "$output" | dlrows)
	# ESO-style: a custom semantics, a plain VOTable content type
	[ "$(printf '%s\n' "$rows" | awk -F'\t' '$6 == "http://vo-tools.test/rdf/datalink#calibration_association" { print $2 "|" $7 "|" $8 }')" = \
		"$IMG_CAL/dlmeta?ID=$(img_did_q 06)|application/x-votable+xml|-1" ]
	# the standard way: #calibration, a DataLink content type
	[ "$(printf '%s\n' "$rows" | awk -F'\t' '$6 == "#calibration" { print $2 "|" $7 }')" = \
		"$IMG_CAL/dlmeta?ID=$(img_did_q 06)|application/x-votable+xml;content=datalink" ]
	[ "$(printf '%s\n' "$rows" | cut -f6 | tr '\n' ' ')" = \
		"http://vo-tools.test/rdf/datalink#calibration_association #calibration #proc #this #preview " ]
}

@test "datalink-server: the calibration association lists #this, #bias, #flat and #calibration" {
	run curl -s -f --max-time 30 "$IMG_CAL/dlmeta?ID=$(img_did_q 06)"
	[ "$status" -eq 0 ]
	[[ "$output" == *'<INFO name="QUERY_STATUS" value="OK">'* ]]
	exp="$(img_did 06)	$IMG_DL/dlget?ID=ivo%3A//vo-tools.test/~%3Fimg/data/img06.fits			The science image	#this	application/fits	20160
$(img_did 06)	$VT_DACHS_URL/getproduct/img/data/cal/bias_V.fits			Master bias (filter V)	#bias	application/fits	20160
$(img_did 06)	$VT_DACHS_URL/getproduct/img/data/cal/flat_V.fits			Master flat field (filter V)	#flat	application/fits	20160
$(img_did 06)	$VT_DACHS_URL/getproduct/img/data/cal/bpm.fits			Bad-pixel mask (all filters)	#calibration	application/fits	8640"
	[ "$(printf '%s' "$output" | dlrows | cut -f1-8)" = "$exp" ]
	# several IDs in one POST: four rows each, the frames of each filter
	run curl -s -f --max-time 30 --data-urlencode "ID=$(img_did 01)" \
		--data-urlencode "ID=$(img_did 20)" "$IMG_CAL/dlmeta"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | dlrows | awk -F'\t' '{ print $1 }' | uniq -c | awk '{ print $1 }' | tr '\n' ' ')" = "4 4 " ]
	[ "$(printf '%s' "$output" | dlrows | awk -F'\t' '$6 == "#flat" { n = split($2, p, "/"); print p[n] }' | tr '\n' ' ')" = "flat_B.fits flat_I.fits " ]
}

@test "datalink-server: the calibration frames download with the declared sizes" {
	run curl -s -f --max-time 30 "$IMG_CAL/dlmeta?ID=$(img_did_q 15)"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | dlrows | cut -f2,6,8 >"$BATS_TEST_TMPDIR/links"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/links")" -eq 4 ]
	grep -q '/getproduct/img/data/cal/bias_R.fits	#bias	20160$' "$BATS_TEST_TMPDIR/links"
	while IFS='	' read -r url sem len; do
		ct=$(curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/f.fits" -w '%{content_type}' "$url")
		[ "$(wc -c <"$BATS_TEST_TMPDIR/f.fits")" -eq "$len" ]
		[ "$(head -c 6 "$BATS_TEST_TMPDIR/f.fits")" = SIMPLE ]
		# #this says application/fits, but dlget answers image/fits
		if [ "$sem" = "#this" ]; then [ "$ct" = image/fits ]; else [ "$ct" = application/fits ]; fi
	done <"$BATS_TEST_TMPDIR/links"
	grep -q "CALTYPE = 'BPM" "$BATS_TEST_TMPDIR/f.fits"
}

@test "datalink-server: the calibration association of an unknown or non-image ID is an error row" {
	run curl -s -f --max-time 30 "$IMG_CAL/dlmeta?ID=ivo://vo-tools.test/~%3Fimg/data/img99.fits"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | dlrows | wc -l)" -eq 1 ]
	[[ "$(printf '%s' "$output" | dlrows | cut -f4)" == NotFoundFault:* ]]
	run curl -s -f --max-time 30 "$IMG_CAL/dlmeta?ID=ivo://vo-tools.test/~%3Fimg/data/cal/bpm.fits"
	[ "$status" -eq 0 ]
	[[ "$(printf '%s' "$output" | dlrows | cut -f4)" == AuthenticationFault:* ]]
}

# --- spectra and spectral cubes (tests/server/spec/) -------------------------
# IDs are standard publisher DIDs; their "?" must be sent as %3F.

@test "datalink-server: SSAP POS=10.5,-3.25 SIZE=0.1 finds spec01..spec04 (field astrom)" {
	run curl -s -f --max-time 30 "$VT_DACHS_URL/spec/q/ssa/ssap.xml?REQUEST=queryData&POS=10.5,-3.25&SIZE=0.1&RESPONSEFORMAT=votabletd"
	[ "$status" -eq 0 ]
	[[ "$output" == *'<INFO name="QUERY_STATUS" value="OK">'* ]]
	n=$(printf '%s' "$output" | grep -o '<TD>ivo://vo-tools.test/~?spec/data/spec[0-9]*\.fits</TD>' | sort -u | tr '\n' ' ')
	[ "$n" = "<TD>ivo://vo-tools.test/~?spec/data/spec01.fits</TD> <TD>ivo://vo-tools.test/~?spec/data/spec02.fits</TD> <TD>ivo://vo-tools.test/~?spec/data/spec03.fits</TD> <TD>ivo://vo-tools.test/~?spec/data/spec04.fits</TD> " ]
	# the access reference is the SDM VOTable, and the response declares
	# DataLink and the SODA service
	[[ "$output" == *"<TD>$VT_DACHS_URL/getproduct/spec/data/spec01.fits</TD><TD>application/x-votable+xml</TD>"* ]]
	[[ "$output" == *'name="standardID" value="ivo://ivoa.net/std/DataLink#links-1.0"'* ]]
	[[ "$output" == *'name="standardID" value="ivo://ivoa.net/std/SODA#sync-1.0"'* ]]
}

@test "datalink-server: ivoa.obscore holds 10 spectra and 2 cubes of collection 'vo-tools spec'" {
	run tap_sync "SELECT dataproduct_type, COUNT(*) AS n FROM ivoa.obscore WHERE obs_collection = 'vo-tools spec' AND access_format = 'application/x-votable+xml;content=datalink' GROUP BY dataproduct_type ORDER BY dataproduct_type" csv
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | tr -d '\r')" = $'dataproduct_type,n\ncube,2\nspectrum,10' ]
	run tap_sync "SELECT obs_publisher_did, access_url, em_min, em_max, pol_states FROM ivoa.obscore WHERE obs_id = 'spec/data/cube_b.fits'" csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"ivo://vo-tools.test/~?spec/data/cube_b.fits,$VT_DACHS_URL/getproduct/spec/data/cube_b.fits,6.4e-07,6.8e-07,/I/Q/U/V/"* ]]
}

@test "datalink-server: a spectrum's access_url is its DataLink document with SODA BAND limits" {
	run tap_sync "SELECT access_url FROM ivoa.obscore WHERE obs_id = 'spec/data/spec03.fits'" csv
	[ "$status" -eq 0 ]
	url=$(printf '%s\n' "$output" | sed -n 2p | tr -d '\r')
	[ "$url" = "$VT_DACHS_URL/spec/q/sdl/dlmeta?ID=ivo%3A//vo-tools.test/~%3Fspec/data/spec03.fits" ]
	run curl -s -f --max-time 30 "$url"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<TD>#this</TD><TD>application/x-votable+xml</TD>"* ]]
	[[ "$output" == *"<TD>#preview</TD>"* ]]
	[[ "$output" == *"value=\"$VT_DACHS_URL/spec/q/sdl/dlget\""* ]]
	[[ "$output" == *'name="BAND" ucd="em.wl" unit="m" value="" xtype="interval"><DESCRIPTION>Spectral cutout interval</DESCRIPTION><VALUES><MIN value="6e-07"></MIN><MAX value="7e-07"></MAX></VALUES>'* ]]
}

@test "datalink-server: the DataLink document of cube B declares POL I Q U V and BAND limits" {
	run curl -s -f --max-time 30 "$VT_DACHS_URL/spec/q/cdl/dlmeta?ID=ivo://vo-tools.test/~%3Fspec/data/cube_b.fits"
	[ "$status" -eq 0 ]
	[[ "$output" == *'<RESOURCE ID="procsvc" name="proc_svc" type="meta" utype="adhoc:service">'* ]]
	[[ "$output" == *"value=\"$VT_DACHS_URL/spec/q/cdl/dlget\""* ]]
	[[ "$output" == *'name="POL" ucd="meta.code;phys.polarization" value=""><DESCRIPTION>'*'</DESCRIPTION><VALUES><OPTION name="I" value="I"/><OPTION name="Q" value="Q"/><OPTION name="U" value="U"/><OPTION name="V" value="V"/></VALUES>'* ]]
	[[ "$output" == *'name="BAND" ucd="em.wl" unit="m" value="" xtype="interval"><DESCRIPTION>Vacuum wavelength limits</DESCRIPTION><VALUES><MIN value="6.410000000000001e-07"></MIN><MAX value="6.790000000000001e-07"></MAX></VALUES>'* ]]
	[[ "$output" == *"<TD>$VT_DACHS_URL/spec/q/cdl/dlget?ID=ivo%3A//vo-tools.test/~%3Fspec/data/cube_b.fits</TD><TD></TD><TD></TD><TD>The full dataset.</TD><TD>#this</TD><TD>image/fits</TD><TD>89280</TD>"* ]]
}

@test "datalink-server: cube A (no STOKES axis) declares BAND but no POL" {
	run curl -s -f --max-time 30 "$VT_DACHS_URL/spec/q/cdl/dlmeta?ID=ivo://vo-tools.test/~%3Fspec/data/cube_a.fits"
	[ "$status" -eq 0 ]
	[[ "$output" == *'name="BAND" ucd="em.wl" unit="m" value="" xtype="interval"><DESCRIPTION>Vacuum wavelength limits</DESCRIPTION><VALUES><MIN value="6.0125e-07"></MIN><MAX value="6.9875e-07"></MAX></VALUES>'* ]]
	[[ "$output" != *'name="POL"'* ]]
}

@test "datalink-server: a SODA BAND cutout of a spectrum returns fewer rows" {
	dlget="$VT_DACHS_URL/spec/q/sdl/dlget?ID=ivo://vo-tools.test/~%3Fspec/data/spec03.fits&FORMAT=text/csv"
	run curl -s -f --max-time 30 "$dlget"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^[0-9]')" -eq 1001 ]
	run curl -s -f --max-time 30 "$dlget&BAND=6.5e-7%206.6e-7"
	[ "$status" -eq 0 ]
	rows=$(printf '%s\n' "$output" | grep '^[0-9]')
	[ "$(printf '%s\n' "$rows" | wc -l)" -eq 101 ]
	[ "$(printf '%s\n' "$rows" | head -n 1 | cut -d, -f1)" = 650.0 ]
	[ "$(printf '%s\n' "$rows" | tail -n 1 | cut -d, -f1)" = 660.0 ]
}

@test "datalink-server: a SODA POL=I cutout of cube B has NAXIS4=1" {
	dlget="$VT_DACHS_URL/spec/q/cdl/dlget?ID=ivo://vo-tools.test/~%3Fspec/data/cube_b.fits"
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/pol.fits" -w '%{http_code} %{content_type}' "$dlget&POL=I"
	[ "$status" -eq 0 ]
	[ "$output" = "200 image/fits" ]
	[ "$(head -c 6 "$BATS_TEST_TMPDIR/pol.fits")" = SIMPLE ]
	[ "$(wc -c <"$BATS_TEST_TMPDIR/pol.fits")" -eq 28800 ]
	grep -q 'NAXIS3  =                   20' "$BATS_TEST_TMPDIR/pol.fits"
	grep -q 'NAXIS4  =                    1' "$BATS_TEST_TMPDIR/pol.fits"
	# POL and BAND together
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/cut.fits" "$dlget&POL=Q&POL=U&BAND=6.5e-7%206.6e-7"
	[ "$status" -eq 0 ]
	grep -q 'NAXIS3  =                    6' "$BATS_TEST_TMPDIR/cut.fits"
	grep -q 'NAXIS4  =                    2' "$BATS_TEST_TMPDIR/cut.fits"
	# only contiguous ranges of planes
	run curl -s --max-time 30 -w '\n%{http_code}' "$dlget&POL=I&POL=V"
	[[ "$output" == *$'\n422' ]]
}

@test "datalink-server: a SODA BAND cutout of cube A has fewer planes" {
	run curl -s -f --max-time 30 -o "$BATS_TEST_TMPDIR/band.fits" \
		"$VT_DACHS_URL/spec/q/cdl/dlget?ID=ivo://vo-tools.test/~%3Fspec/data/cube_a.fits&BAND=6.5e-7%206.6e-7"
	[ "$status" -eq 0 ]
	[ "$(head -c 6 "$BATS_TEST_TMPDIR/band.fits")" = SIMPLE ]
	[ "$(wc -c <"$BATS_TEST_TMPDIR/band.fits")" -eq 25920 ]
	grep -q 'NAXIS3  =                    5' "$BATS_TEST_TMPDIR/band.fits"
}
