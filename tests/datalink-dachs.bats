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
	run "$VT_BIN/vo-datalink" --services "$VT_DACHS_URL/img/q/dl/dlmeta?ID=img/data/img01.fits"
	[ "$status" -eq 0 ]
	echo "$output" | awk -F'\t' '$2 == "ivo://ivoa.net/std/SODA#sync-1.0" { print $4 }' | grep -qx CIRCLE
	echo "$output" | awk -F'\t' '$2 == "ivo://ivoa.net/std/SODA#sync-1.0" { print $4 }' | grep -qx POS
	ra=$(echo "$output" | awk -F'\t' '$4 == "RA" { print $9, $10 }')
	[ -n "$ra" ]
}

@test "-s dlmeta --id: several datasets in one batched request" {
	run sh -c "'$VT_BIN/vo-datalink' -v -s '$VT_DACHS_URL/img/q/dl/dlmeta' --id img/data/img01.fits --id img/data/img02.fits --id img/data/img03.fits --semantics this 2> '$T/err'"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk -F'\t' 'NR > 1 { print $1 }' | sort | tr '\n' ' ')" = "img/data/img01.fits img/data/img02.fits img/data/img03.fits " ]
	[ "$(grep -c '^vo-datalink: > POST' "$T/err")" -eq 1 ]
}
