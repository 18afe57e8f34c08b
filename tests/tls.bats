#!/usr/bin/env bats
# HTTPS against the local DaCHS behind nginx's TLS front (scripts/vo-test-server):
# a test CA made by the server script, given the standard ways
# (CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR); certificates that must be
# refused (expired, for another host name, of an unknown CA); and a
# redirect from https to http, which must not carry the credentials.

load lib/dachs
load lib/faultserver

# dlmeta of img01 and the file itself (its #this link), through the front
ID='ivo%3A%2F%2Fvo-tools.test%2F~%3Fimg%2Fdata%2Fimg01.fits'
DLGET='img/q/dl/dlget?ID=ivo%3A//vo-tools.test/~%3Fimg/data/img01.fits'
Q='SELECT * FROM vot.small ORDER BY id'

setup_file() {
	dachs_env
	export FS_DIR=$BATS_FILE_TMPDIR/files
	mkdir -p "$FS_DIR"
	printf '<VOTABLE><RESOURCE><TABLE><FIELD name="x" datatype="int"/><DATA><TABLEDATA><TR><TD>7</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n' >"$FS_DIR/t.vot"
	fs_start a
	fs_start b
	# the rows of vot.small straight from DaCHS, over plain http
	PLAIN=$("$VT_BIN/vo-tap" -s "$VT_TAP_URL" "$Q") || return 1
	export PLAIN
}

teardown_file() {
	fs_stop_all
}

setup() {
	dachs_env
	T=$BATS_TEST_TMPDIR
	# only what a test sets: no CA, credentials or token from the caller
	unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR
	export XDG_CONFIG_HOME=$T/config VO_CREDENTIALS= VO_TOKEN_FILE=
	TOK=$VT_TAP_TOKEN_FILE
	fs_clear_log a
	fs_clear_log b
}

# requests that reached the servers with refused certificates
refused_requests() {
	cat "$VT_TLS_REFUSED_LOG" 2>/dev/null | wc -l
}

@test "tls: the test CA is unknown by default: refused, exit 69, one line" {
	run "$VT_BIN/vo-tap" -s "$VT_TLS_TAP_URL" --token-file "$TOK" "$Q"
	[ "$status" -eq 69 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "vo-tap: TLS certificate of ${VT_TLS_URL#https://} is not signed by a trusted CA (CURL_CA_BUNDLE or SSL_CERT_FILE can name other CA certificates)" ]
}

@test "tls: CURL_CA_BUNDLE: vo-tap over https gives DaCHS's rows" {
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-tap" -s "$VT_TLS_TAP_URL" --token-file "$TOK" "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$PLAIN" ]
	[ "${#lines[@]}" -ge 4 ]
	# and the service's capabilities, whose URLs nginx made https ones
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-tap" -s "$VT_TLS_TAP_URL" --token-file "$TOK" --capabilities
	[ "$status" -eq 0 ]
	[[ "$output" == *"$VT_TLS_URL/"* ]]
}

@test "tls: SSL_CERT_FILE and SSL_CERT_DIR name the CA too" {
	SSL_CERT_FILE=$VT_TLS_CA run "$VT_BIN/vo-tap" -s "$VT_TLS_TAP_URL" --token-file "$TOK" "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$PLAIN" ]
	mkdir "$T/certs"
	cp "$VT_TLS_CA" "$T/certs/"
	openssl rehash "$T/certs"
	SSL_CERT_DIR=$T/certs run "$VT_BIN/vo-tap" -s "$VT_TLS_TAP_URL" --token-file "$TOK" "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$PLAIN" ]
}

@test "tls: CURL_CA_BUNDLE wins over SSL_CERT_FILE, as in curl(1)" {
	CURL_CA_BUNDLE=$VT_TLS_CA SSL_CERT_FILE=$T/none.pem \
		run "$VT_BIN/vo-tap" -s "$VT_TLS_TAP_URL" --token-file "$TOK" "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$PLAIN" ]
	CURL_CA_BUNDLE=$T/none.pem SSL_CERT_FILE=$VT_TLS_CA \
		run "$VT_BIN/vo-tap" -s "$VT_TLS_TAP_URL" --token-file "$TOK" "$Q"
	[ "$status" -eq 66 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "vo-tap: cannot use the CA certificates in $T/none.pem (\$CURL_CA_BUNDLE): "* ]]
}

@test "tls: vo-vot reads a DataLink document over https" {
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-vot" -c semantics,access_url --token-file "$TOK" \
		"$VT_TLS_URL/img/q/dl/dlmeta?ID=$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'semantics\taccess_url')" ]
	grep -qxF "$(printf '#this\t%s' "$VT_TLS_URL/$DLGET")" <<<"$output"
}

@test "tls: vo-get downloads over https, the file as DaCHS has it" {
	printf 'access_url\n%s\n' "$VT_TLS_URL/$DLGET" >"$T/r.tsv"
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-get" -d "$T/out" --token-file "$TOK" "$T/r.tsv"
	[ "$status" -eq 0 ]
	[ "$(cut -f4 <<<"${lines[1]}")" = ok ]
	path=$(cut -f2 <<<"${lines[1]}")
	cmp "$path" "$VT_DACHS_INPUTS/img/data/img01.fits"
}

@test "tls: an expired certificate is refused, naming the problem; nothing is sent" {
	n=$(refused_requests)
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-tap" -s "$VT_TLS_EXPIRED_URL/tap" --token-file "$TOK" "$Q"
	[ "$status" -eq 69 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "vo-tap: TLS certificate of ${VT_TLS_EXPIRED_URL#https://} has expired" ]
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-vot" --token-file "$TOK" "$VT_TLS_EXPIRED_URL/img/q/dl/dlmeta?ID=$ID"
	[ "$status" -eq 69 ]
	[ "$output" = "vo-vot: $VT_TLS_EXPIRED_URL/img/q/dl/dlmeta?ID=$ID: TLS certificate of ${VT_TLS_EXPIRED_URL#https://} has expired" ]
	[ "$(refused_requests)" -eq "$n" ]
}

@test "tls: a certificate for another host name is refused" {
	n=$(refused_requests)
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-tap" -s "$VT_TLS_WRONGHOST_URL/tap" --token-file "$TOK" "$Q"
	[ "$status" -eq 69 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "vo-tap: TLS certificate of ${VT_TLS_WRONGHOST_URL#https://} is not for the host name 127.0.0.1" ]
	[ "$(refused_requests)" -eq "$n" ]
}

@test "tls: a certificate of an unknown CA is refused, naming the CA file used" {
	n=$(refused_requests)
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-tap" -s "$VT_TLS_UNKNOWNCA_URL/tap" --token-file "$TOK" "$Q"
	[ "$status" -eq 69 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "vo-tap: TLS certificate of ${VT_TLS_UNKNOWNCA_URL#https://} is not signed by a CA in $VT_TLS_CA (\$CURL_CA_BUNDLE)" ]
	SSL_CERT_FILE=$VT_TLS_CA run "$VT_BIN/vo-tap" -s "$VT_TLS_UNKNOWNCA_URL/tap" --token-file "$TOK" "$Q"
	[ "$status" -eq 69 ]
	[[ "$output" == *"is not signed by a CA in $VT_TLS_CA (\$SSL_CERT_FILE)" ]]
	[ "$(refused_requests)" -eq "$n" ]
}

@test "tls: vo-get reports a refused certificate in its row and on exit" {
	printf 'access_url\n%s\n' "$VT_TLS_EXPIRED_URL/$DLGET" >"$T/r.tsv"
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-get" -d "$T/out" --token-file "$TOK" "$T/r.tsv"
	[ "$status" -eq 69 ]
	[[ "$output" == *"TLS certificate of ${VT_TLS_EXPIRED_URL#https://} has expired"* ]]
	[ -z "$(ls -A "$T/out")" ]
}

@test "tls: a refused certificate is not retried" {
	start=$SECONDS
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-vot" "$VT_TLS_WRONGHOST_URL/x.vot"
	[ "$status" -eq 69 ]
	[[ "$output" != *attempts* ]]
	[ $((SECONDS - start)) -le 2 ]
}

@test "tls: a redirect from https to http drops the token (token file)" {
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-vot" --token-file "$TOK" \
		"$VT_TLS_URL/redirect?to=$a_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x\n7')" ]
	# nginx answers /redirect only with the token: it went to https ...
	[ "$(fs_requests "$a_LOG")" -eq 1 ]
	# ... and not to http
	[ -z "$(fs_header "$a_LOG" 1 Authorization)" ]
	! grep -qF "$(dachs_token)" "$a_LOG"
}

@test "tls: a redirect from https to http drops a credential valid for that host" {
	# a credentials file entry for 127.0.0.1 on any port: it does go
	# from one http server to another on this host ...
	mkdir -p "$T/config/vo-tools"
	printf '127.0.0.1 bearer %s\n' "$TOK" >"$T/config/vo-tools/credentials"
	run "$VT_BIN/vo-vot" "$b_URL/redirect?code=302&to=$a_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$(fs_header "$a_LOG" 1 Authorization)" = "Bearer $(dachs_token)" ]
	fs_clear_log a
	# ... but never from https down to http
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-vot" "$VT_TLS_URL/redirect?to=$a_URL/files/t.vot"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x\n7')" ]
	[ "$(fs_requests "$a_LOG")" -eq 1 ]
	[ -z "$(fs_header "$a_LOG" 1 Authorization)" ]
	! grep -qF "$(dachs_token)" "$a_LOG"
}

@test "tls: a redirect within the https service keeps the token" {
	CURL_CA_BUNDLE=$VT_TLS_CA run "$VT_BIN/vo-vot" -c semantics --token-file "$TOK" \
		"$VT_TLS_URL/redirect?to=$VT_TLS_URL/img/q/dl/dlmeta?ID=$ID"
	[ "$status" -eq 0 ]
	grep -qx '#this' <<<"$output"
}
