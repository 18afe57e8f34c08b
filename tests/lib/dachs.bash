# Helpers for tests against the local DaCHS TAP service that
# scripts/vo-test-server runs (GAVO DaCHS 2.7 on 127.0.0.1:8087, an nginx
# front requiring a token on 127.0.0.1:8088; tests/server/README says
# what the tables hold).
#
#   load lib/dachs
#   setup_file() { dachs_env; }
#   setup()      { dachs_env; }      # or per test
#
# scripts/run-tests starts the server when a test file loads lib/dachs
# and exports the VT_* variables; dachs_env takes them from
# `scripts/vo-test-server env` when they are missing (a bats run by
# hand), then checks that the service answers.  A server that does not
# answer makes the tests FAIL, never skip.
#
# Variables (see `scripts/vo-test-server env`):
#   VT_TAP_URL         http://127.0.0.1:8087/tap   (DaCHS itself, no auth)
#   VT_TAP_AUTH_URL    http://127.0.0.1:8088/tap   (nginx, needs the token)
#   VT_TAP_TOKEN_FILE  the token, one line, mode 600
#   VT_DACHS_URL, VT_DACHS_AUTH_URL  the server roots (http://127.0.0.1:PORT)
#   VT_DACHS_ROOT      /var/gavo;  VT_DACHS_INPUTS /var/gavo/inputs
#   VT_SERVER_STATE    /var/lib/vo-test-server;  VT_AUTH_REALM vo-tools-test
#   VT_TLS_CA, VT_TLS_URL, VT_TLS_TAP_URL, VT_TLS_EXPIRED_URL,
#   VT_TLS_WRONGHOST_URL, VT_TLS_UNKNOWNCA_URL, VT_TLS_REFUSED_LOG: the
#   https front and its test CA (tests/server/README, tests/tls.bats)

DACHS_SERVER_SCRIPT="${BATS_TEST_DIRNAME}/../scripts/vo-test-server"

dachs_env() {
	if [ -z "${VT_TAP_URL:-}" ] || [ -z "${VT_TAP_AUTH_URL:-}" ] || [ -z "${VT_TLS_URL:-}" ]; then
		local line
		while IFS= read -r line; do
			export "${line?}"
		done < <("$DACHS_SERVER_SCRIPT" env)
	fi
	if ! curl -s -f -o /dev/null --max-time 10 "$VT_TAP_URL/availability"; then
		echo "the test TAP service at $VT_TAP_URL does not answer:" \
			"run the tests with scripts/run-tests (make check) or start it" \
			"with scripts/vo-test-server start (as root)" >&2
		return 1
	fi
}

# dachs_token: the test token
dachs_token() {
	tr -d ' \t\r\n' <"$VT_TAP_TOKEN_FILE"
}

# tap_sync QUERY [FORMAT [URL]]: run ADQL QUERY synchronously with curl and
# print the result (FORMAT: votable (default, BINARY), votable/td,
# votable/b2, tsv, csv, json, ...).  Fails on an HTTP error.  URL defaults
# to $VT_TAP_URL; for $VT_TAP_AUTH_URL the token is sent as a Bearer token.
tap_sync() {
	local q=$1 fmt=${2:-votable} url=${3:-$VT_TAP_URL}
	local auth=()
	if [ "$url" = "$VT_TAP_AUTH_URL" ]; then
		auth=(-H "Authorization: Bearer $(dachs_token)")
	fi
	curl -s -S -f --max-time 120 "${auth[@]}" -d REQUEST=doQuery -d LANG=ADQL \
		--data-urlencode "FORMAT=$fmt" --data-urlencode "QUERY=$q" "$url/sync"
}

# http_status URL [curl options...]: the HTTP status of a GET
http_status() {
	local url=$1; shift
	curl -s -o /dev/null --max-time 30 -w '%{http_code}' "$@" "$url"
}
