#!/usr/bin/env bats
# vo-datalink against the local DaCHS: ObsCore -> DataLink -> products.

load lib/dachs

setup() {
	dachs_env
	T="$BATS_TEST_TMPDIR"
	Q="SELECT obs_publisher_did, access_url, access_format FROM ivoa.obscore WHERE obs_collection = 'vo-tools img'"
}

@test "an ObsCore query piped to vo-datalink: the previews of all 20 images, each a PNG" {
	run sh -c "'$VT_BIN/vo-tap' -s '$VT_TAP_URL' -f votable \"$Q\" | '$VT_BIN/vo-datalink' --semantics '#preview' 2> '$T/err'"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -eq 20 ]
	[ ! -s "$T/err" ]
	url=$(echo "$output" | awk -F'\t' 'NR == 2 { print $2 }')
	curl -s -f -L "$url" | head -c 4 | od -An -c | grep -q 'P   N   G'
}

@test "vo-tap -f votable keeps the result's DataLink descriptor; vo-datalink batches its IDs" {
	"$VT_BIN/vo-tap" -s "$VT_TAP_URL" -f votable "SELECT obs_id, obs_publisher_did FROM ivoa.obscore WHERE obs_collection = 'vo-tools img'" > "$T/oc.vot"
	grep -q '<RESOURCE name="links" type="meta" utype="adhoc:service">' "$T/oc.vot"
	grep -q '<PARAM name="ID" .*ref="obs_publisher_did"' "$T/oc.vot"
	run sh -c "'$VT_BIN/vo-datalink' -v --keep obs_id --semantics this < '$T/oc.vot' 2> '$T/err'"
	[ "$status" -eq 0 ]
	# no access_url in the input: the IDs went to the descriptor's service
	grep -q '^vo-datalink: POST .*/dlmeta$' "$T/err"
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -eq 20 ]
	# each link with the obs_id of its own row
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 && substr($2, length($2) - length($1) + 1) != $1' | wc -l)" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 }' | sort -u | wc -l)" -eq 20 ]
}

@test "the same from TSV, with --keep joining the links back to the ObsCore rows" {
	"$VT_BIN/vo-tap" -s "$VT_TAP_URL" "$Q ORDER BY obs_publisher_did" > "$T/obscore.tsv"
	run sh -c "'$VT_BIN/vo-datalink' --keep obs_publisher_did --semantics this < '$T/obscore.tsv' 2>/dev/null"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -eq 20 ]
	# every link's dataset is the row it was kept with
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 && index($1, $2) == 0' | wc -l)" -eq 0 ]
}

@test "--services: the SODA descriptor with its parameters and declared limits" {
	run "$VT_BIN/vo-datalink" --services "$VT_DACHS_URL/img/q/dl/dlmeta?ID=ivo%3A%2F%2Fvo-tools.test%2F~%3Fimg%2Fdata%2Fimg01.fits"
	[ "$status" -eq 0 ]
	echo "$output" | awk -F'\t' '$2 == "ivo://ivoa.net/std/SODA#sync-1.0" { print $4 }' | grep -qx CIRCLE
	echo "$output" | awk -F'\t' '$2 == "ivo://ivoa.net/std/SODA#sync-1.0" { print $4 }' | grep -qx POS
	ra=$(echo "$output" | awk -F'\t' '$4 == "RA" { print $9, $10 }')
	[ -n "$ra" ]
}

@test "-s dlmeta --id: several datasets in one batched request" {
	# publisher DIDs, with '?', '~' and '/' to encode in the POST
	run sh -c "'$VT_BIN/vo-datalink' -v -s '$VT_DACHS_URL/img/q/dl/dlmeta' --id 'ivo://vo-tools.test/~?img/data/img01.fits' --id 'ivo://vo-tools.test/~?img/data/img02.fits' --id 'ivo://vo-tools.test/~?img/data/img03.fits' --semantics this 2> '$T/err'"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 }' | sort | tr '\n' ' ')" = "ivo://vo-tools.test/~?img/data/img01.fits ivo://vo-tools.test/~?img/data/img02.fits ivo://vo-tools.test/~?img/data/img03.fits " ]
	[ "$(grep -c '^vo-datalink: > POST' "$T/err")" -eq 1 ]
}

@test "the ESO calibration download: a custom-term association followed, its calibrations fetched, re-run skipped" {
	DL="$VT_DACHS_URL/getproduct/img/data/img06.fits"	# cosmos, filter V
	term='http://vo-tools.test/rdf/datalink#calibration_association'
	# like ESO's calSelector link: a plain VOTable under a term of its own
	run "$VT_BIN/vo-datalink" --semantics "$term" "$DL"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $7 }')" = "application/x-votable+xml" ]
	run sh -c "'$VT_BIN/vo-datalink' --semantics calibration --content-type application/fits --follow-semantics '$term' '$DL' |
		'$VT_BIN/vo-get' -d '$T/calib' 2> '$T/err'"
	[ "$status" -eq 0 ]
	# bias and flat of the V filter, the bad-pixel mask: not the image itself
	[ "$(ls "$T/calib" | sort | tr '\n' ' ')" = "bias_V.fits bpm.fits flat_V.fits " ]
	[ "$(wc -c < "$T/calib/bias_V.fits")" -eq 20160 ]
	[ "$(wc -c < "$T/calib/bpm.fits")" -eq 8640 ]
	[ "$(head -c 6 "$T/calib/flat_V.fits")" = "SIMPLE" ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 && $4 == "ok"' | wc -l)" -eq 3 ]
	# a second run downloads nothing, and does not wait on DaCHS's HEAD
	run timeout 60 sh -c "'$VT_BIN/vo-datalink' --semantics calibration --content-type application/fits --follow-semantics '$term' '$DL' |
		'$VT_BIN/vo-get' -d '$T/calib'"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 && $4 == "skipped"' | wc -l)" -eq 3 ]
}
