#!/usr/bin/env bats
# VOSI capabilities, tables, availability and DALI examples (lib/vosi.c):
# the expected listings from fixtures in the styles of DaCHS, CADC and the
# Gaia archive, fed whole and in 1-, 7- and 64-byte pieces; errors; a large
# tableset in bounded memory.

setup() {
	FIX="$BATS_TEST_DIRNAME/fixtures/vosi"
}

@test "vosi: every fixture gives its expected listing, whatever the pieces" {
	run "$VT_UNIT/vosi_test" "$FIX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" checks, 0 failures" ]]
}

@test "vosi: a tableset's columns by bare table name, schema added" {
	run "$VT_UNIT/vosi_test" -p columns "$FIX/tables-noschema.xml" GAIA_SOURCE
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'name\tdatatype\tarraysize\tunit\tucd\tutype\tdescription\tflags')" ]
	[ "${lines[1]}" = "$(printf 'source_id\tlong\t\t\t\t\t\tprimary,indexed')" ]
}

@test "vosi: an ambiguous table name is refused, naming the candidates" {
	run "$VT_UNIT/vosi_test" -p columns "$FIX/tables-noschema.xml" obscore
	[ "$status" -eq 65 ]
	[[ "$output" == *"table name 'obscore' is ambiguous: ivoa.ObsCore, gaiadr3.obscore"* ]]
}

@test "vosi: entity declarations are refused" {
	run "$VT_UNIT/vosi_test" -p capabilities "$FIX/bad-billion-laughs.xml"
	[ "$status" -eq 65 ]
	[[ "$output" == *"line 3: entity declarations are not allowed"* ]]
}
