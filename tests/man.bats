#!/usr/bin/env bats
# The examples in the man pages run: every literal block in man/*.[157]
# that starts with a vo-tools command or printf, on a sample result named
# result.vot and against the local test server: the service name "gavo"
# and the URL http://127.0.0.1:8087/tap stand for it.  Blocks that need a
# remote service or a token are skipped.

load lib/dachs

setup() {
	dachs_env
	cd "$BATS_TEST_TMPDIR"
	cp "$BATS_TEST_DIRNAME/fixtures/sample.vot" result.vot
	printf 'gavo %s\n' "$VT_TAP_URL" > services
	export VO_SERVICES="$PWD/services" VO_JOURNAL="$PWD/journal"
	PATH="$VT_BIN:$PATH"
}

# Print each runnable example block of a man page, blocks separated by a
# line "----".
examples() {
	awk '
		/^\.Bd -literal/ { inblock = 1; block = ""; next }
		/^\.Ed/ {
			gsub(/http:\/\/127\.0\.0\.1:8087\/tap/, ENVIRON["VT_TAP_URL"], block)
			if (inblock && block ~ /^(vo-|printf|job=|for )/ && block !~ /URL|token|https?:\/\/[^1]/) print block "\n----"
			inblock = 0; next
		}
		inblock { gsub(/\\e/, "\\"); block = block (block == "" ? "" : "\n") $0 }
	' "$1"
}

@test "man page examples run and print something" {
	n=0
	for page in "$BATS_TEST_DIRNAME"/../man/*.[157]; do
		block=""
		while IFS= read -r line; do
			if [ "$line" = "----" ]; then
				n=$((n + 1))
				run sh -c "set -e; $block"
				echo "# $page: $block" >&3
				[ "$status" -eq 0 ] || { echo "failed: $block: $output"; return 1; }
				[ -n "$output" ] || [ -s copy.vot ] || { echo "no output: $block"; return 1; }
				block=""
			else
				block="${block:+$block
}$line"
			fi
		done < <(examples "$page")
	done
	[ "$n" -ge 5 ]
}
