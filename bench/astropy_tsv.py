#!/usr/bin/python3
"""astropy_tsv.py FILE [OUT]: convert a VOTable to TSV with astropy.

The bench's astropy contender: astropy.io.votable reads the whole table
into memory, then astropy.io.ascii writes it tab-separated (NULLs empty).
Array columns (float[3]) are first turned into space-separated strings,
as the ascii writers take only scalar columns."""
import sys
import warnings

from astropy.io.votable import parse


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: astropy_tsv.py FILE [OUT]")
    out = sys.argv[2] if len(sys.argv) == 3 else "/dev/stdout"
    warnings.simplefilter("ignore")
    table = parse(sys.argv[1]).get_first_table().to_table()
    for name in table.colnames:
        col = table[name]
        if col.ndim > 1:
            table[name] = [" ".join(str(x) for x in v) for v in col]
    table.write(out, format="ascii.tab", overwrite=True)


if __name__ == "__main__":
    main()
