#!/usr/bin/env bats
# The examples in the man pages run: every literal block in man/*.[157]
# that starts with a vo-tools command or printf, on a sample result named
# result.vot (blocks that need a network service or a token are skipped).

setup() {
	cd "$BATS_TEST_TMPDIR"
	cp "$BATS_TEST_DIRNAME/fixtures/sample.vot" result.vot
	PATH="$VT_BIN:$PATH"
}

# Print each runnable example block of a man page, blocks separated by a
# line "----".
examples() {
	awk '
		/^\.Bd -literal/ { inblock = 1; block = ""; next }
		/^\.Ed/ { if (inblock && block ~ /^(vo-|printf)/ && block !~ /URL|token|https?:/) print block "\n----"; inblock = 0; next }
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
