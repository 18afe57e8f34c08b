#!/usr/bin/env bats
# vo-job (asynchronous TAP, UWS 1.1) against the real local TAP service
# (GAVO DaCHS, scripts/vo-test-server) and, for what a real server cannot be
# made to do, canned job documents served by the fault server (/uws/...).
#
# DaCHS runs at most two TAP jobs at a time ([async]maxTAPRunning) and the
# server is shared: every job a test makes is deleted in teardown, and the
# slow ones are aborted as soon as they have served their purpose.

bats_require_minimum_version 1.5.0

load lib/dachs
load lib/faultserver

# ~4 s and ~13 s on the test server (a COUNT over a cross join of part of
# vot.cat with itself; the condition is never true, so the answer is 0)
SLOW_Q='SELECT COUNT(*) AS n FROM vot.cat AS a, vot.cat AS b WHERE a.id < 15000 AND b.id < 15000 AND a.ra + b.dec > 1000'
SLOWER_Q='SELECT COUNT(*) AS n FROM vot.cat AS a, vot.cat AS b WHERE a.id < 30000 AND b.id < 30000 AND a.ra + b.dec > 1000'

setup_file() {
	dachs_env
	# one real DaCHS job document and its result, for the canned jobs
	local a="$VT_TAP_URL/async" j i
	j=$(curl -s -S -f -o /dev/null -w '%{redirect_url}' -d REQUEST=doQuery -d LANG=ADQL \
		--data-urlencode 'QUERY=SELECT id, name FROM vot.small WHERE id < 3 ORDER BY id' "$a")
	[ -n "$j" ]
	curl -s -S -f -o /dev/null -d PHASE=RUN "$j/phase"
	for ((i = 0; i < 300; i++)); do
		[ "$(curl -s "$j/phase")" = COMPLETED ] && break
		sleep 0.1
	done
	curl -s -S -f "$j" > "$BATS_FILE_TMPDIR/real.xml"
	curl -s -S -f "$j/results/result" > "$BATS_FILE_TMPDIR/real.vot"
	echo "$j" > "$BATS_FILE_TMPDIR/real.url"
	curl -s -o /dev/null -X DELETE "$j"
	grep -q '<uws:phase>COMPLETED<' "$BATS_FILE_TMPDIR/real.xml"
}

setup() {
	dachs_env
	T="$BATS_TEST_TMPDIR"
	S="$VT_TAP_URL"
	A="$VT_TAP_URL/async"
	VJ="$VT_BIN/vo-job"
	TAP="$VT_BIN/vo-tap"
	export VO_JOURNAL="$T/journal"
	export FS_DIR="$T/files"
	unset VO_TAP_SERVICE
}

# Delete on the server every job this test made (tracked or journalled).
teardown() {
	local u
	{
		cat "$T/jobs" 2>/dev/null
		"$VJ" list --local 2>/dev/null | awk -F'\t' 'NR > 1 { print $1 }'
	} | sort -u | while IFS= read -r u; do
		case $u in
		"$VT_DACHS_URL"/*) curl -s -o /dev/null --max-time 10 -X DELETE "$u" ;;
		esac
	done
	fs_stop_all
}

# track URL...: jobs for teardown to delete
track() {
	printf '%s\n' "$@" >> "$T/jobs"
}

# submit ARGS...: vo-job submit -s $S ARGS; sets J to the job URL
submit() {
	J=$("$VJ" submit -s "$S" "$@")
	track "$J"
	[ -n "$J" ]
}

# job_id URL: the last path segment
job_id() {
	printf '%s\n' "${1##*/}"
}

# is_job_url STRING: a DaCHS job URL of this service, nothing else
is_job_url() {
	[[ "$1" =~ ^("$VT_TAP_URL"/async|"$VT_DACHS_URL"/__system__/tap/run/async)/[A-Za-z0-9_-]+$ ]]
}

# info_value KEY: the value of KEY in the vo-job info output in $output
info_value() {
	printf '%s\n' "$output" | awk -F'\t' -v k="$1" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }'
}

# server_ids QUERY-STRING: the ids of DaCHS's own job list, sorted
server_ids() {
	curl -s -S -f "$A${1:+?$1}" | grep -o '<uws:jobref id="[^"]*"' | sed 's/.*id="//; s/"$//'
}

# canned NAME MODE PHASE: DIR/NAME.xml, the real job document with PHASE,
# its result href pointing at /uws/MODE/NAME/results/result
canned() {
	local name=$1 mode=$2 phase=$3 real
	real=$(cat "$BATS_FILE_TMPDIR/real.url")
	mkdir -p "$FS_DIR"
	sed -e "s|$real/results/result|$fs_URL/uws/$mode/$name/results/result|g" \
		-e "s|<uws:phase>[A-Z]*<|<uws:phase>$phase<|" \
		"$BATS_FILE_TMPDIR/real.xml" > "$FS_DIR/$name.xml"
	cp "$BATS_FILE_TMPDIR/real.vot" "$FS_DIR/$name.result"
	grep -q "$fs_URL/uws/$mode/$name/results/result" "$FS_DIR/$name.xml"
}

# ---- lifecycle ----

@test "lifecycle: submit, PENDING, run, wait, result as vo-tap gives it, info, delete, gone" {
	Q='SELECT * FROM vot.small ORDER BY id'
	run "$VJ" submit -s "$S" "$Q"
	[ "$status" -eq 0 ]
	track "$output"
	[ "${#lines[@]}" -eq 1 ]
	is_job_url "$output"
	J=$output
	[ "$(curl -s "$J/phase")" = PENDING ]	# a real job on the service

	run "$VJ" phase "$J"
	[ "$status" -eq 0 ]
	[ "$output" = PENDING ]

	run "$VJ" run "$J"
	[ "$status" -eq 0 ]
	run "$VJ" wait --timeout 60 "$J"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\tCOMPLETED' "$J")" ]
	run "$VJ" phase "$J"
	[ "$output" = COMPLETED ]

	run "$VJ" result "$J"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$TAP" -s "$S" "$Q")" ]
	[ "${#lines[@]}" -eq 6 ]

	run "$VJ" info "$J"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'key\tvalue')" ]
	[ "$(info_value job_id)" = "$(job_id "$J")" ]
	[ "$(info_value phase)" = COMPLETED ]
	[ "$(info_value parameter.query)" = "$Q" ]
	[ "$(info_value result.result)" = "$("$VJ" result --url "$J")" ]
	[[ "$(info_value result.result)" == http://* ]]
	[[ "$(info_value start_time)" == 20[0-9][0-9]-* ]]
	[[ "$(info_value end_time)" == 20[0-9][0-9]-* ]]

	run "$VJ" info -f json "$J"
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
o = json.loads(sys.argv[1])
assert o["phase"] == "COMPLETED", o
assert o["job_id"] == sys.argv[2], o
assert sys.argv[3] in json.dumps(o), o' "$output" "$(job_id "$J")" "$Q"

	run "$VJ" delete "$J"
	[ "$status" -eq 0 ]
	[ "$(http_status "$J")" = 404 ]
	run "$VJ" phase "$J"
	[ "$status" -eq 66 ]
}

@test "cron: submit --run, wait --timeout 0 says 75, a later wait 0, then the result (separate processes)" {
	submit --run "$SLOW_Q"
	is_job_url "$J"
	[ "$("$VJ" list --local | awk -F'\t' 'NR > 1 { print $1 }')" = "$J" ]
	start=$(date +%s)
	run "$VJ" wait --timeout 0 "$J"
	[ "$status" -eq 75 ]
	[ $(( $(date +%s) - start )) -lt 5 ]
	run "$VJ" phase "$J"
	[[ "$output" == QUEUED || "$output" == EXECUTING ]]
	# the next cron run, another process
	run "$VJ" wait --timeout 60 "$J"
	if [ "$status" -eq 75 ]; then	# a very slow server: abort instead
		"$VJ" abort "$J"
		run "$VJ" wait --timeout 30 "$J"
		[ "$status" -eq 2 ]
		skip "the slow job did not end within 60 s; aborted"
	fi
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\tCOMPLETED' "$J")" ]
	run "$VJ" result "$J"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'n\n0')" ]
}

@test "wait: several jobs from stdin, waited on together, each printed as it finishes" {
	submit --run "$SLOW_Q"; slow=$J
	submit --run 'SELECT id FROM vot.small WHERE id = 1'; q1=$J
	submit --run 'SELECT id FROM vot.small WHERE id = 2'; q2=$J
	printf '%s\n' "$slow" "$q1" "$q2" > "$T/list"
	start=$(date +%s.%N)
	# each line stamped as it arrives
	run bash -c 'set -o pipefail; "$1" wait --timeout 90 < "$2" |
		while IFS= read -r l; do printf "%s\t%s\n" "$(date +%s.%N)" "$l"; done' _ "$VJ" "$T/list"
	end=$(date +%s.%N)
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "$output" | cut -f2- | sort)" = "$(printf '%s\tCOMPLETED\n' "$slow" "$q1" "$q2" | sort)" ]
	# the slow one, first on stdin, comes last; the quick ones well before it
	[ "$(printf '%s\n' "${lines[2]}" | cut -f2)" = "$slow" ]  || { echo "$output"; echo "slow=$slow"; false; }
	t_quick=$(printf '%s\n' "${lines[1]}" | cut -f1)
	t_slow=$(printf '%s\n' "${lines[2]}" | cut -f1)
	awk -v a="$t_quick" -v b="$t_slow" 'BEGIN { exit !(b - a >= 1) }'
	# in well under the sum of the jobs' own times (creation to end, per the server)
	sum=0
	for j in "$slow" "$q1" "$q2"; do
		run "$VJ" info "$j"
		c=$(date -d "$(info_value creation_time)" +%s)
		e=$(date -d "$(info_value end_time)" +%s)
		sum=$((sum + e - c))
	done
	awk -v s="$start" -v e="$end" -v sum="$sum" 'BEGIN { exit !(e - s < sum) }'
}

@test "an ADQL error ends in ERROR: wait exits 1, error prints the service's message" {
	submit --run 'SELEC id FROM vot.small'
	run "$VJ" wait --timeout 60 "$J"
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf '%s\tERROR' "$J")" ]
	run "$VJ" error "$J"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Could not parse your query"* ]]
	run "$VJ" info "$J"
	[ "$(info_value phase)" = ERROR ]
	[[ "$(info_value error.message)" == *"Could not parse your query"* ]]
	[ -n "$(info_value error.type)" ]
	# a completed job has no error message
	submit --run 'SELECT id FROM vot.small WHERE id = 1'
	"$VJ" wait --timeout 60 "$J"
	run "$VJ" error "$J"
	[ "$status" -ne 0 ]
	# one job completed, one in error: 1
	run "$VJ" wait --timeout 10 "$J" "$(head -1 "$T/jobs")"
	[ "$status" -eq 1 ]
}

@test "abort: a running and a pending job end ABORTED, wait exits 2; delete: gone" {
	submit --run "$SLOWER_Q"; running=$J
	for ((i = 0; i < 100; i++)); do
		[ "$("$VJ" phase "$running")" = EXECUTING ] && break
		sleep 0.1
	done
	submit 'SELECT id FROM vot.small'; pending=$J
	run "$VJ" abort "$running" "$pending"
	[ "$status" -eq 0 ]
	for j in "$running" "$pending"; do
		for ((i = 0; i < 100; i++)); do
			[ "$(curl -s "$j/phase")" = ABORTED ] && break
			sleep 0.1
		done
		run "$VJ" phase "$j"
		[ "$output" = ABORTED ]
	done
	run "$VJ" wait --timeout 10 "$running"
	[ "$status" -eq 2 ]
	[ "$output" = "$(printf '%s\tABORTED' "$running")" ]
	# one COMPLETED and one ABORTED: 2
	submit --run 'SELECT id FROM vot.small WHERE id = 1'; done_=$J
	run "$VJ" wait --timeout 60 "$done_" "$pending"
	[ "$status" -eq 2 ]
	run "$VJ" delete "$running" "$pending"
	[ "$status" -eq 0 ]
	[ "$(http_status "$running")" = 404 ]
	[ "$(http_status "$pending")" = 404 ]
	run "$VJ" wait --timeout 0 "$running"
	[ "$status" -eq 66 ]
}

@test "set --execution-duration and --destruction: info shows what the server kept" {
	submit 'SELECT id FROM vot.small'
	dest=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
	run "$VJ" set --execution-duration 120 --destruction "$dest" "$J"
	[ "$status" -eq 0 ]
	server_ed=$(curl -s -S -f "$J/executionduration")
	server_dest=$(curl -s -S -f "$J/destruction")
	[ "$server_ed" != 3600 ]	# it changed from DaCHS's default
	[ "$server_ed" = 120 ]
	[ "$server_dest" = "$dest" ]
	run "$VJ" info "$J"
	[ "$(info_value execution_duration)" = "$server_ed" ]
	[ "$(info_value destruction)" = "$server_dest" ]
	# one at a time works too
	run "$VJ" set --execution-duration 300 "$J"
	[ "$status" -eq 0 ]
	run "$VJ" info "$J"
	[ "$(info_value execution_duration)" = "$(curl -s "$J/executionduration")" ]
	[ "$(info_value execution_duration)" = 300 ]
	[ "$(info_value destruction)" = "$dest" ]
	# submit sets them at creation
	submit --execution-duration 200 --destruction "$dest" 'SELECT id FROM vot.small'
	[ "$(curl -s "$J/executionduration")" = 200 ]
	[ "$(curl -s "$J/destruction")" = "$dest" ]
}

@test "list: the service's jobs with --phase and --last; --local: the journal with the last phase" {
	submit 'SELECT id FROM vot.small WHERE id = 1'; p1=$J
	submit 'SELECT id FROM vot.small WHERE id = 2'; p2=$J
	submit --run 'SELECT id FROM vot.small WHERE id = 3'; c=$J
	"$VJ" wait --timeout 60 "$c"

	run "$VJ" list -s "$S" --phase PENDING
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'id\tphase\thref\trun_id\tcreation_time\towner_id')" ]
	[ -z "$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 && $2 != "PENDING"')" ]
	ids=$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $1 }')
	grep -qx "$(job_id "$p1")" <<<"$ids"
	grep -qx "$(job_id "$p2")" <<<"$ids"
	! grep -qx "$(job_id "$c")" <<<"$ids"
	# the href of each row is its job
	href=$(printf '%s\n' "$output" | awk -F'\t' -v id="$(job_id "$p1")" '$1 == id { print $3 }')
	[ "$(curl -s "$href/phase")" = PENDING ]

	run "$VJ" list -s "$S" --phase COMPLETED
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $1 "\t" $2 }' | grep -qx "$(job_id "$c")	COMPLETED"

	run "$VJ" list -s "$S" --last 1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# --phase and --last together: what the service's own list says
	before=$(server_ids 'PHASE=PENDING&LAST=2')
	run "$VJ" list -s "$S" --phase PENDING --last 2
	after=$(server_ids 'PHASE=PENDING&LAST=2')
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $1 }' | sort)
	[ "$(printf '%s\n' "$got" | wc -l)" -eq 2 ]
	[ "$got" = "$(sort <<<"$before")" ] || [ "$got" = "$(sort <<<"$after")" ]

	# the journal: the three jobs, with the phase last seen
	run "$VJ" list --local
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'url\tservice\tsubmitted\tphase\tupdated\tdigest\tquery')" ]
	[ "${#lines[@]}" -eq 4 ]
	row() { printf '%s\n' "$output" | awk -F'\t' -v u="$1" '$1 == u'; }
	[ "$(row "$p1" | cut -f4)" = PENDING ]
	[ "$(row "$c" | cut -f4)" = COMPLETED ]
	[ "$(row "$p2" | cut -f7)" = 'SELECT id FROM vot.small WHERE id = 2' ]
	[ -n "$(row "$p2" | cut -f2)" ]
	[[ "$(row "$p2" | cut -f3)" == 20[0-9][0-9]-* ]]
	# a phase learnt later is recorded
	"$VJ" abort "$p1"
	"$VJ" wait --timeout 10 "$p1" || true
	run "$VJ" list --local
	[ "$(row "$p1" | cut -f4)" = ABORTED ]
}

@test "journal: two concurrent submitters of 10 jobs each leave 20 whole records" {
	for k in a b; do
		(
			for ((i = 1; i <= 10; i++)); do
				"$VJ" submit -s "$S" "SELECT id FROM vot.small WHERE id = $i" >> "$T/out-$k" || echo fail >> "$T/fail"
			done
		) &
	done
	wait
	cat "$T/out-a" "$T/out-b" >> "$T/jobs"
	[ ! -e "$T/fail" ]
	[ "$(sort -u "$T/jobs" | wc -l)" -eq 20 ]
	run "$VJ" list --local
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 21 ]
	[ "$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print NF }' | sort -u)" = 7 ]
	[ "$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $1 }' | sort)" = "$(sort "$T/jobs")" ]
	[ "$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $7 }' | sort -u | wc -l)" -eq 10 ]
}

@test "upload of one job's result URL into another query (the pyVO course's Exercise 10)" {
	submit --run 'SELECT id, ra FROM vot.small WHERE id <= 2'
	run "$VJ" wait --timeout 60 "$J"
	[ "$status" -eq 0 ]
	run "$VJ" result --url "$J"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	U=$output
	[[ "$U" == http://* ]]
	[ "$(http_status "$U")" = 200 ]
	run "$TAP" -s "$S" -u prev="$U" \
		'SELECT p.id, s.name FROM TAP_UPLOAD.prev AS p JOIN vot.small AS s ON s.id = p.id ORDER BY p.id'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\tname\n1\tÅström\n2\tNGC 7000 ε')" ]
}

@test "result: formats, -c and -o like vo-tap" {
	submit --run 'SELECT id, name, mag FROM vot.small ORDER BY id'
	"$VJ" wait --timeout 60 "$J"
	run "$VJ" result -f csv -c mag,id "$J"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$TAP" -s "$S" -f csv -c mag,id 'SELECT id, name, mag FROM vot.small ORDER BY id')" ]
	[ "${lines[0]%$'\r'}" = mag,id ]	# (CSV lines end in CRLF)
	run "$VJ" result -o "$T/r.tsv" "$J"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(cat "$T/r.tsv")" = "$("$TAP" -s "$S" 'SELECT id, name, mag FROM vot.small ORDER BY id')" ]
	run "$VJ" result -f votable "$J"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | "$VT_BIN/vo-vot")" = "$(cat "$T/r.tsv")" ]
}

@test "vo-tap --async: the rows of a sync query; no job left behind, unless --keep" {
	tag="t$$_$RANDOM"
	Q="SELECT id, name, '$tag' AS tag FROM vot.small ORDER BY id"
	# new jobs on the server whose query carries the tag
	tagged() {
		local id
		comm -13 <(sort <<<"$before") <(server_ids | sort) | while read -r id; do
			if curl -s "$A/$id" | grep -q "$tag"; then echo "$id"; fi
		done
		return 0
	}
	before=$(server_ids)
	run "$TAP" -s "$S" --async "$Q"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$TAP" -s "$S" "$Q")" ]
	[ "${#lines[@]}" -eq 6 ]
	[ -z "$(tagged)" ]

	run "$TAP" -s "$S" --async --keep "$Q"
	[ "$status" -eq 0 ]
	kept=$(tagged)
	[ "$(printf '%s\n' "$kept" | grep -c .)" -eq 1 ]
	track "$A/$kept"
	[ "$(curl -s "$A/$kept/phase")" = COMPLETED ]
	[ "$(printf '%s\n' "$output" | tail -n 6)" = "$("$TAP" -s "$S" "$Q" | tail -n 6)" ]
}

# ---- faults (canned job documents on the fault server) ----

@test "fault: a job URL answering 503 twice while polling, then the document: wait succeeds" {
	fs_start fs
	canned c1 flaky2 COMPLETED
	run "$VJ" wait --timeout 30 "$fs_URL/uws/flaky2/c1"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\tCOMPLETED' "$fs_URL/uws/flaky2/c1")" ]
	[ "$(grep -c '"path": "/uws/flaky2/c1' "$fs_LOG")" -ge 3 ]
	# and the result, through the href the document gives
	run "$VJ" result "$fs_URL/uws/flaky2/c1"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\tname\n1\tÅström\n2\tNGC 7000 ε')" ]
}

@test "fault: an executing job: --timeout 0 says 75 at once, --timeout 2 after about 2 s" {
	fs_start fs
	canned e1 ok EXECUTING
	start=$(date +%s)
	run "$VJ" wait --timeout 0 "$fs_URL/uws/ok/e1"
	[ "$status" -eq 75 ]
	[ $(( $(date +%s) - start )) -lt 2 ]
	start=$(date +%s)
	run "$VJ" wait --timeout 2 "$fs_URL/uws/ok/e1"
	[ "$status" -eq 75 ]
	el=$(( $(date +%s) - start ))
	[ "$el" -ge 1 ] && [ "$el" -lt 6 ]
}

@test "fault: a stalled poll with --timeout 2: exit 75 in time" {
	fs_start fs
	canned s1 stall30 EXECUTING
	start=$(date +%s)
	run "$VJ" wait --timeout 2 "$fs_URL/uws/stall30/s1"
	[ "$status" -eq 75 ]
	[ $(( $(date +%s) - start )) -lt 8 ]
	grep -q '"path": "/uws/stall30/s1' "$fs_LOG"
}

@test "fault: a truncated result download: an error, and no -o file" {
	fs_start fs
	canned t1 truncate COMPLETED
	run "$VJ" wait --timeout 10 "$fs_URL/uws/truncate/t1"
	[ "$status" -eq 0 ]
	mkdir "$T/out"
	run "$VJ" result -o "$T/out/r.tsv" "$fs_URL/uws/truncate/t1"
	[ "$status" -ne 0 ]
	[ "$status" -ne 64 ]
	[[ "$output" == "vo-job: "* ]]
	[ ! -e "$T/out/r.tsv" ]
	[ -z "$(ls -A "$T/out")" ]
	grep -q '"path": "/uws/truncate/t1/results/result"' "$fs_LOG"
}

@test "fault: connections reset while polling: wait goes on and succeeds" {
	fs_start fs
	canned r1 reset3 COMPLETED
	run "$VJ" wait --timeout 60 "$fs_URL/uws/reset3/r1"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\tCOMPLETED' "$fs_URL/uws/reset3/r1")" ]
	[ "$(grep -c '"path": "/uws/reset3/r1' "$fs_LOG")" -ge 4 ]
}

@test "vo-tap --async: SIGTERM aborts and deletes the remote job" {
	"$VT_BIN/vo-tap" --async -v -s "$VT_TAP_URL" \
		'SELECT COUNT(*) AS n FROM vot.cat AS a JOIN vot.cat AS b ON a.cls = b.cls' 2> "$T/err" &
	pid=$!
	for i in $(seq 100); do grep -q '^vo-tap: job ' "$T/err" && break; sleep 0.1; done
	job=$(sed -n 's/^vo-tap: job //p' "$T/err")
	[ -n "$job" ]
	sleep 1
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	grep -q 'interrupted: the job was aborted and deleted' "$T/err"
	run "$VJ" phase "$job"
	[ "$status" -eq 66 ]
}

@test "fault: a result download that breaks is resumed with Range" {
	fs_start fs
	canned b1 breakonce COMPLETED
	run "$VJ" result -o "$T/r.tsv" "$fs_URL/uws/breakonce/b1"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/r.tsv")" = "$(printf 'id\tname\n1\tÅström\n2\tNGC 7000 ε')" ]
	[ "$(grep -c '"path": "/uws/breakonce/b1/results/result"' "$fs_LOG")" -eq 2 ]
	grep '"path": "/uws/breakonce/b1/results/result"' "$fs_LOG" | tail -n 1 | grep -q '"Range": "bytes='
}

@test "fault: a broken download from a service without Range: read again, nothing doubled" {
	fs_start fs
	canned b2 breaknorange COMPLETED
	run "$VJ" result "$fs_URL/uws/breaknorange/b2"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'id\tname\n1\tÅström\n2\tNGC 7000 ε')" ]
	[ "$(grep -c '"path": "/uws/breaknorange/b2/results/result"' "$fs_LOG")" -eq 2 ]
}

@test "fault: an unknown job: 66 from wait, phase and info" {
	fs_start fs
	run "$VJ" wait --timeout 5 "$fs_URL/uws/ok/nosuch"
	[ "$status" -eq 66 ]
	run "$VJ" phase "$fs_URL/uws/ok/nosuch"
	[ "$status" -eq 66 ]
	run "$VJ" info "$fs_URL/uws/ok/nosuch"
	[ "$status" -eq 66 ]
}

# ---- authentication: permanent, never waited out (issue 9, item 13) ----

@test "wait on a job of an authenticated service without a token: 77 at once, with the message" {
	J=$("$VJ" submit --run -s "$VT_TAP_AUTH_URL" --token-file "$VT_TAP_TOKEN_FILE" 'SELECT TOP 1 id FROM vot.small')
	track "$J"
	[[ "$J" == "$VT_DACHS_AUTH_URL/"* ]]
	for t in "--timeout 10" "--timeout 0" ""; do
		start=$(date +%s)
		# shellcheck disable=SC2086
		run --separate-stderr timeout 60 "$VJ" wait $t "$J"
		[ "$status" -eq 77 ]
		[ "$output" = "$(printf '%s\tUNKNOWN' "$J")" ]
		[[ "$stderr" == "vo-job: $J: HTTP 401"*"--token-file"* ]]
		[ $(( $(date +%s) - start )) -lt 5 ]
	done
	# a wrong token: the same
	printf 'wrong-token\n' >"$T/wrong"
	chmod 600 "$T/wrong"
	run --separate-stderr timeout 60 "$VJ" wait --token-file "$T/wrong" "$J"
	[ "$status" -eq 77 ]
	[[ "$stderr" == "vo-job: $J: HTTP 401"* ]]
	# 77 wins over the others when several jobs are waited on
	run --separate-stderr timeout 60 "$VJ" wait --timeout 10 "$J" "$VT_TAP_URL/async/nosuchjob"
	[ "$status" -eq 77 ]
	# with the token: it completes
	run timeout 60 "$VJ" wait --timeout 30 --token-file "$VT_TAP_TOKEN_FILE" "$J"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\tCOMPLETED' "$J")" ]
	"$VJ" delete --token-file "$VT_TAP_TOKEN_FILE" "$J"
}

@test "wait: a blocking WAIT stays within the stall timeout (VO_STALL_TIMEOUT=4: WAIT=2)" {
	submit --run "$SLOW_Q"
	VO_STALL_TIMEOUT=4 run --separate-stderr timeout 120 "$VJ" wait -v "$J"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\tCOMPLETED' "$J")" ]
	grep -q "^vo-job: GET $J?WAIT=2&PHASE=" <<<"$stderr"
	! grep -q "WAIT=30" <<<"$stderr"
	! grep -q "stalled" <<<"$stderr"
}

@test "fault: a job URL answering 403: wait exits 77 at once, one request, no retry" {
	fs_start fs
	start=$(date +%s)
	run --separate-stderr timeout 60 "$VJ" wait "$fs_URL/status?code=403"
	[ "$status" -eq 77 ]
	[[ "$stderr" == "vo-job: $fs_URL/status?code=403: HTTP 403"* ]]
	[ $(( $(date +%s) - start )) -lt 5 ]
	[ "$(fs_requests "$fs_LOG" /status)" -eq 1 ]
}

# ---- gc ----

@test "gc: finished jobs deleted on the server and dropped from the journal; pending kept" {
	submit --run 'SELECT id FROM vot.small WHERE id = 1'; done_=$J
	submit --run 'SELEC id FROM vot.small'; err=$J
	submit 'SELECT id FROM vot.small WHERE id = 2'; pending=$J
	submit 'SELECT id FROM vot.small WHERE id = 3'; vanished=$J
	"$VJ" wait --timeout 60 "$done_" || true
	"$VJ" wait --timeout 60 "$err" || true
	curl -s -o /dev/null -X DELETE "$vanished"	# behind the journal's back
	[ "$(http_status "$vanished")" = 404 ]
	run "$VJ" gc
	[ "$status" -eq 0 ]
	[ "$(http_status "$done_")" = 404 ]
	[ "$(http_status "$err")" = 404 ]
	[ "$(curl -s "$pending/phase")" = PENDING ]
	run "$VJ" list --local
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(printf '%s\n' "${lines[1]}" | cut -f1)" = "$pending" ]
}
