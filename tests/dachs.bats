#!/usr/bin/env bats
# Smoke tests of the local DaCHS TAP service and its nginx auth front
# (scripts/vo-test-server), with curl only.

load lib/dachs

setup_file() {
	dachs_env
}

setup() {
	dachs_env
}

@test "dachs: /tap/availability answers available" {
	run curl -s -f --max-time 10 "$VT_TAP_URL/availability"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<avl:available>true</avl:available>"* ]]
}

@test "dachs: sync COUNT(*) FROM vot.cat is 100000 in a VOTable" {
	run tap_sync 'SELECT COUNT(*) AS n FROM vot.cat' votable/td
	[ "$status" -eq 0 ]
	[[ "$output" == *"<VOTABLE"* ]]
	[[ "$output" == *'<INFO name="QUERY_STATUS" value="OK">'* ]]
	[[ "$output" == *"<TD>100000</TD>"* ]]
}

@test "dachs: the default sync format is a BINARY VOTable" {
	run tap_sync 'SELECT TOP 5 id, ra, dec FROM vot.cat'
	[ "$status" -eq 0 ]
	[[ "$output" == *"<BINARY><STREAM encoding=\"base64\">"* ]]
}

@test "dachs: vot.cat columns carry UCDs and units" {
	run tap_sync 'SELECT TOP 1 id, ra, dec, pmra, vmag FROM vot.cat' votable/td
	[ "$status" -eq 0 ]
	[[ "$output" == *'ucd="meta.id;meta.main"'* ]]
	[[ "$output" == *'ucd="pos.eq.ra;meta.main" unit="deg"'* ]]
	[[ "$output" == *'ucd="pos.pm;pos.eq.ra" unit="mas/yr"'* ]]
	[[ "$output" == *'ucd="phot.mag;em.opt.V" unit="mag"'* ]]
}

@test "dachs: vot.small as TSV holds UTF-8, a tab and a newline" {
	run tap_sync 'SELECT id, name FROM vot.small ORDER BY id' tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *$'1\tÅström'* ]]
	[[ "$output" == *$'2\tNGC 7000 ε'* ]]
	# DaCHS's TSV writer escapes the tab and the newline
	[[ "$output" == *'3	tab\there\nnewline'* ]]
}

@test "dachs: a cone (CONTAINS/CIRCLE) finds row 1 of vot.cat" {
	run tap_sync "SELECT id FROM vot.cat WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 10.5, -3.25, 0.001))" tsv
	[ "$status" -eq 0 ]
	# DaCHS's TSV has no header line
	[ "$output" = 1 ]
}

@test "dachs: the token file is mode 600" {
	[ -s "$VT_TAP_TOKEN_FILE" ]
	[ "$(stat -c %a "$VT_TAP_TOKEN_FILE")" = 600 ]
}

@test "dachs auth: no token gives 401 with Bearer and Basic challenges" {
	run curl -s -i --max-time 10 "$VT_TAP_AUTH_URL/availability"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "HTTP/1.1 401"* ]]
	[[ "$output" == *'WWW-Authenticate: Bearer realm="vo-tools-test"'* ]]
	[[ "$output" == *'WWW-Authenticate: Basic realm="vo-tools-test"'* ]]
}

@test "dachs auth: a wrong token gives 401, Bearer and Basic" {
	[ "$(http_status "$VT_TAP_AUTH_URL/availability" -H 'Authorization: Bearer wrong')" = 401 ]
	[ "$(http_status "$VT_TAP_AUTH_URL/availability" -u x-oauth-basic:wrong)" = 401 ]
	# the right token with another user name is refused, too
	[ "$(http_status "$VT_TAP_AUTH_URL/availability" -u "someone:$(dachs_token)")" = 401 ]
}

@test "dachs auth: Bearer and Basic x-oauth-basic are accepted" {
	[ "$(http_status "$VT_TAP_AUTH_URL/availability" -H "Authorization: Bearer $(dachs_token)")" = 200 ]
	[ "$(http_status "$VT_TAP_AUTH_URL/availability" -u "x-oauth-basic:$(dachs_token)")" = 200 ]
}

@test "dachs auth: a sync query through the front, URLs point at the front" {
	run tap_sync 'SELECT COUNT(*) FROM vot.small' votable/td "$VT_TAP_AUTH_URL"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<TD>5</TD>"* ]]
	run curl -s -f --max-time 10 -H "Authorization: Bearer $(dachs_token)" "$VT_TAP_AUTH_URL/capabilities"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$VT_DACHS_AUTH_URL/"* ]]
	[[ "$output" != *"$VT_DACHS_URL/"* ]]
}
