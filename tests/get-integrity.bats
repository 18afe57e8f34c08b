#!/usr/bin/env bats
# vo-get, what it must never do: lose a download at -j, replace a file that
# is not this URL's, call a damaged file complete, hide a failure, stop
# when the manifest's reader goes away.  Against the fault server.

bats_require_minimum_version 1.5.0
load lib/faultserver

setup_file() {
	export FS_DIR=$BATS_FILE_TMPDIR/files
	mkdir -p "$FS_DIR"
	fs_start a
}

teardown_file() {
	fs_stop_all
}

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	export XDG_CONFIG_HOME=$T/config VO_CREDENTIALS= VO_TOKEN_FILE=
	fs_clear_log a
}

get() {
	"$VT_BIN/vo-get" "$@"
}

# user extended attributes here?  (the origin records need them)
xattrs_or_skip() {
	python3 -c 'import os,sys; open(sys.argv[1], "w").close(); os.setxattr(sys.argv[1], "user.t", b"1")' \
		"$T/xattr-probe" 2>/dev/null || skip "no user xattrs on this file system"
}

# xattr FILE NAME: the value of the extended attribute, empty if none
xattr() {
	python3 -c 'import os,sys
try: print(os.getxattr(sys.argv[1], sys.argv[2]).decode())
except OSError: print("")' "$1" "$2"
}

@test "get -j 4: 16 URLs ending in one name, half with a Content-Disposition of nothing: 16 files, each its own content, every run" {
	printf 'access_url\n' >race.tsv
	for i in $(seq 1 16); do
		if [ $((i % 2)) -eq 0 ]; then
			printf '%s\n' "$a_URL/dispo/same.dat?name=..&body=content-of-row-$i" >>race.tsv
		else
			printf '%s\n' "$a_URL/stall/same.dat?seconds=0&body=content-of-row-$i" >>race.tsv
		fi
	done
	for run in $(seq 1 20); do
		rm -rf out
		get -j 4 -d out race.tsv >m.tsv
		[ "$(ls -A out | wc -l)" -eq 16 ]
		[ "$(awk -F'\t' 'NR > 1 { print $2 }' m.tsv | sort -u | wc -l)" -eq 16 ]
		[ "$(awk -F'\t' 'NR > 1 && $4 == "ok"' m.tsv | wc -l)" -eq 16 ]
		while IFS=$'\t' read -r url path bytes st; do
			[ "$url" = url ] && continue
			[ "$(cat "$path")" = "content-of-row-${url##*row-}" ]
		done <m.tsv
	done
	# Content-Disposition "/" sanitises to nothing as well
	sed -i 's/name=\.\./name=%2F/' race.tsv
	rm -rf out
	get -j 4 -d out race.tsv >m.tsv
	[ "$(ls -A out | wc -l)" -eq 16 ]
	[ "$(awk -F'\t' 'NR > 1 { print $2 }' m.tsv | sort -u | wc -l)" -eq 16 ]
}

@test "get: a file of another URL keeps its place; the new one gets its own name, with the extension of what arrived" {
	xattrs_or_skip
	fits="$a_URL/dispo/img_08.fits?name=..&ctype=application/fits&body=SIMPLE-the-science-data"
	jpeg="$a_URL/dispo/img_08.fits?name=..&ctype=image/jpeg&body=a-preview"
	other="$a_URL/stall/img_08.fits?seconds=0&ctype=application/fits&body=SIMPLE-other-science"
	printf 'access_url\n%s\n' "$fits" >this.tsv
	printf 'access_url\n%s\n' "$jpeg" >preview.tsv
	printf 'access_url\n%s\n' "$other" >other.tsv
	run get -d d this.tsv
	[ "$status" -eq 0 ]
	run get -d d preview.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'd/img_08.jpg\tok')" ]
	run get -d d other.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'd/img_08-1.fits\tok')" ]
	[ "$(cat d/img_08.fits)" = SIMPLE-the-science-data ]
	[ "$(cat d/img_08.jpg)" = a-preview ]
	[ "$(cat d/img_08-1.fits)" = SIMPLE-other-science ]
	[ "$(ls d | wc -l)" -eq 3 ]
	# the record: where each came from, what it was, its SHA-256
	[ "$(xattr d/img_08-1.fits user.xdg.origin.url)" = "$other" ]
	[ "$(xattr d/img_08.jpg user.mime_type)" = image/jpeg ]
	[ "$(xattr d/img_08.fits user.vo-tools.sha256)" = "$(sha256sum <d/img_08.fits | cut -d' ' -f1)" ]
	# re-runs: each finds its own file, complete
	for t in this preview other; do
		run get -d d $t.tsv
		[ "$status" -eq 0 ]
		[ "$(cut -f4 <<<"${lines[1]}")" = skipped ]
	done
	[ "$(cut -f2 <<<"${lines[1]}")" = d/img_08-1.fits ]
	[ "$(ls d | wc -l)" -eq 3 ]
}

@test "get: a file without a record is skipped at the server's size, else kept and the download named apart" {
	printf 'hand-made\n' >"$FS_DIR/plain.txt"
	mkdir d
	printf 'mine, not yours\n' >d/plain.txt	# another size
	printf 'access_url\n%s\n' "$a_URL/files/plain.txt" >p.tsv
	run get -d d p.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'd/plain-1.txt\tok')" ]
	[ "$(cat d/plain.txt)" = "mine, not yours" ]
	cmp d/plain-1.txt "$FS_DIR/plain.txt"
	# of the size the server declares: taken for complete, never rewritten
	rm d/plain-1.txt
	printf 'same size\n' >d/plain.txt
	run get -d d p.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'd/plain.txt\tskipped')" ]
	[ "$(cat d/plain.txt)" = "same size" ]
	# ... unless the table's content_length (DataLink) says another size
	printf 'access_url\tcontent_length\n%s\t12345\n' "$a_URL/files/plain.txt" >q.tsv
	run get -d d q.tsv
	[ "$(cut -f2 <<<"${lines[1]}")" = d/plain-1.txt ]
	[ "$(cat d/plain.txt)" = "same size" ]
	# a directory or a symbolic link in the way is never written through
	mkdir -p e/plain.txt
	ln -s /etc/passwd e/plain-1.txt
	run get -d e p.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'e/plain-2.txt\tok')" ]
	[ -d e/plain.txt ] && [ -L e/plain-1.txt ]
}

@test "get: a damaged file of the right size is not skipped: it is fetched again" {
	xattrs_or_skip
	head -c 20000 /dev/urandom >"$FS_DIR/data.bin"
	printf 'access_url\n%s\n' "$a_URL/files/data.bin" >t.tsv
	run get -d d t.tsv
	[ "$status" -eq 0 ]
	# one byte changed in place, size and name unchanged
	printf 'X' | dd of=d/data.bin bs=1 seek=777 conv=notrunc status=none
	! cmp -s d/data.bin "$FS_DIR/data.bin"
	run get -d d t.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2-4 <<<"${lines[1]}")" = "$(printf 'd/data.bin\t20000\tok')" ]
	cmp d/data.bin "$FS_DIR/data.bin"
	[ "$(ls -A d)" = data.bin ]
	# intact: skipped
	run get -d d t.tsv
	[ "$(cut -f4 <<<"${lines[1]}")" = skipped ]
	# the DataLink content_length of the table must agree, too
	printf 'access_url\tcontent_length\n%s\t20001\n' "$a_URL/files/data.bin" >u.tsv
	run get -d d u.tsv
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'd/data.bin\tok')" ]
}

@test "get: a .part of another URL is not resumed; one of this URL is" {
	xattrs_or_skip
	head -c 3000 /dev/urandom >"$FS_DIR/r.bin"
	printf 'access_url\n%s\n' "$a_URL/breakfirst/r.bin?key=pa&bytes=1000&file=r.bin" >a.tsv
	run get -d d a.tsv	# broken once, resumed at once
	[ "$status" -eq 0 ]
	cmp d/r.bin "$FS_DIR/r.bin"
	# a .part left by another URL's download
	head -c 1000 "$FS_DIR/r.bin" >d/.s.bin.part
	python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.xdg.origin.url", b"http://elsewhere/s.bin")' d/.s.bin.part
	cp "$FS_DIR/r.bin" "$FS_DIR/s.bin"
	printf 'access_url\n%s\n' "$a_URL/files/s.bin" >b.tsv
	fs_clear_log a
	run get -d d b.tsv
	[ "$status" -eq 0 ]
	[ -z "$(fs_header "$a_LOG" 1 Range)" ]
	[ "$(cut -f2 <<<"${lines[1]}")" = d/s-1.bin ]
	cmp d/s-1.bin "$FS_DIR/s.bin"
}

@test "get: a .part under the name the Content-Type gives is resumed with Range" {
	seq 1 3000 >"$FS_DIR/cat.txt"
	u="$a_URL/files/cat.txt"
	# an earlier run stopped after 1000 bytes: the name was cat.txt
	mkdir d
	head -c 1000 "$FS_DIR/cat.txt" >d/.cat.txt.part
	printf 'access_url\n%s\n' "$u" >t.tsv
	run get -d d t.tsv
	[ "$status" -eq 0 ]
	[ "$(fs_header "$a_LOG" 1 Range)" = "bytes=1000-" ]
	cmp d/cat.txt "$FS_DIR/cat.txt"
	# the URL names no extension; the .part is found after the headers
	rm d/cat.txt
	head -c 1000 "$FS_DIR/cat.txt" >d/.x.txt.part
	printf 'access_url\n%s\n' "$a_URL/stall/x?seconds=0&file=cat.txt" >v.tsv
	fs_clear_log a
	run get -d d v.tsv
	[ "$status" -eq 0 ]
	[ "$(cut -f2,4 <<<"${lines[1]}")" = "$(printf 'd/x.txt\tok')" ]
	cmp d/x.txt "$FS_DIR/cat.txt"
}

@test "get: a 401 is on stderr, one line, and in the exit status" {
	printf 'access_url\n%s\n%s\n' "$a_URL/auth/secret.fits?token=t0k" "$a_URL/stall/f.txt?seconds=0" >t.tsv
	run --separate-stderr get -d d t.tsv
	[ "$status" -eq 77 ]
	[ "$stderr" = "vo-get: $a_URL/auth/secret.fits?token=t0k: HTTP status 401 Unauthorized" ]
	[ "$(cut -f4 <<<"${lines[1]}")" = "error: HTTP status 401 Unauthorized" ]
	[ "$(cut -f4 <<<"${lines[2]}")" = ok ]
	# a password in a URL is not printed
	printf 'access_url\n%s\n' "http://me:pa55@127.0.0.1:$a_PORT/status?code=403" >p.tsv
	run --separate-stderr get -d d p.tsv
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"HTTP status 403 Forbidden" ]]
	[[ "$stderr" != *pa55* ]]
}

@test "get | head -1: the downloads go on to the end; the exit status says the manifest is incomplete" {
	printf 'access_url\n' >t.tsv
	for i in $(seq 1 20); do
		printf '%s\n' "$a_URL/stall/f$i.txt?seconds=0.1&body=file-$i" >>t.tsv
	done
	run bash -c "'$VT_BIN/vo-get' -j 2 -d d t.tsv 2>err | head -1; echo \"status \${PIPESTATUS[0]}\""
	[ "${lines[0]}" = "$(printf 'url\tpath\tbytes\tstatus')" ]
	[ "${lines[1]}" = "status 74" ]
	[ "$(ls d | wc -l)" -eq 20 ]
	for i in $(seq 1 20); do [ "$(cat d/f$i.txt)" = "file-$i" ]; done
	grep -q '^vo-get: stdout: Broken pipe: the manifest is incomplete' err
	[ "$(wc -l <err)" -eq 1 ]
	# a failed row's code comes first
	printf '%s\n' "$a_URL/status/f21.txt?code=404" >>t.tsv
	run bash -c "'$VT_BIN/vo-get' -j 2 -d d t.tsv 2>err | head -1 >/dev/null; echo \"\${PIPESTATUS[0]}\""
	[ "$output" = 76 ]
}
