#!/usr/bin/env python3
"""Write the deterministic test data of the vot resource as JSON Lines.

    python3 mkdata.py OUTDIR      # writes OUTDIR/cat.jsonl, small.jsonl, astral.jsonl

Output depends only on this file (numpy's PCG64 with a fixed seed), so
every machine imports identical tables.  See tests/server/README for what
the tables contain.  q.rd reads these files with an embeddedGrammar.
"""
import datetime
import json
import os
import sys

import numpy as np

NROWS = 100000
SEED = 20240611

# Rows 1..5 of vot.cat are written by hand (see README); the rest is random.
SPECIAL = {
    1: dict(ra=10.5, dec=-3.25, pmra=1.5, pmdec=-2.25, bmag=13.0, vmag=12.5,
            name="Åström", flag=True, cls=1, nobs=7, epoch_mjd=58849.0,
            obs_time="2020-01-01T00:00:00", flux3=[1.5, 2.5, -0.25]),
    2: dict(ra=314.75, dec=44.5, pmra=None, pmdec=None, bmag=None, vmag=4.0,
            name="NGC 7000 ε", flag=False, cls=0, nobs=0, epoch_mjd=51544.5,
            obs_time="2000-01-01T12:00:00", flux3=[0.0, 0.0, 0.0]),
    3: dict(ra=0.0, dec=0.0, pmra=None, pmdec=None, bmag=None, vmag=None,
            name=None, flag=None, cls=None, nobs=None, epoch_mjd=None,
            obs_time=None, flux3=None),
    4: dict(ra=359.5, dec=-89.5, pmra=-100.0, pmdec=100.0, bmag=-1.5,
            vmag=-1.25, name="tab\there\nnewline", flag=True, cls=5,
            nobs=2147483647, epoch_mjd=60000.25,
            obs_time="2023-02-25T06:00:00", flux3=[1e30, -1e-30, 3.0]),
    5: dict(ra=180.0, dec=89.5, pmra=0.0, pmdec=0.0, bmag=20.0, vmag=19.5,
            name="quote \" backslash \\ semicolon ; comma , <&>",
            flag=False, cls=-1, nobs=-1, epoch_mjd=0.0,
            obs_time="1858-11-17T00:00:00", flux3=[-1.0, -2.0, -3.0]),
}

NAMES = ["Åström", "NGC 7000 ε", "Hoʻoleilana", "Сириус", "天狼星",
         "Ærø Ω", "Müller–Wolf", "α Cen", "Ophiuchus Ŝ", "plain"]

SMALL = [
    dict(id=1, name="Åström", ra=10.5, dec=-3.25, mag=12.5, flag=True, n=7,
         t="2020-01-01T00:00:00", vec=[1.5, 2.5, -0.25]),
    dict(id=2, name="NGC 7000 ε", ra=314.75, dec=44.5, mag=None, flag=False,
         n=-1, t=None, vec=None),
    dict(id=3, name="tab\there\nnewline", ra=0.0, dec=90.0, mag=-1.5,
         flag=None, n=None, t="2000-01-01T12:00:00", vec=[0.0, -0.0, 1e30]),
    dict(id=4, name=None, ra=359.875, dec=-90.0, mag=0.0, flag=True, n=0,
         t="1858-11-17T00:00:00", vec=[-1.0, 0.5, 0.25]),
    dict(id=5, name="", ra=180.0, dec=0.0, mag=99.5, flag=False,
         n=2147483647, t="2023-02-25T06:30:15", vec=[3.0, 2.0, 1.0]),
]


def astral_name(i):
    """The name of row i of vot.astral (tests/dachs.bats recomputes it)."""
    if i % 11 == 0:
        return None
    if i % 7 == 0:
        return "\U0001D6FC Cen \U0001F600 %d" % i
    if i % 5 == 0:
        return "\U0001F52D star %d" % i
    if i % 3 == 0:
        return "\u00C5str\u00F6m %d" % i
    return "plain %d" % i


def f32(x):
    """A float32 value as the shortest Python float that round-trips."""
    return float(np.float32(x))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    rng = np.random.Generator(np.random.PCG64(SEED))
    n = NROWS
    ra = rng.uniform(0.0, 360.0, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    pmra = rng.normal(0.0, 20.0, n)
    pmdec = rng.normal(0.0, 20.0, n)
    pm_null = rng.random(n) < 0.05
    vmag = rng.uniform(6.0, 21.0, n)
    bv = rng.normal(0.6, 0.3, n)
    vmag_null = rng.random(n) < 0.02
    bmag_null = rng.random(n) < 0.10
    name_idx = rng.integers(0, len(NAMES), n)
    name_null = rng.random(n) < 0.20
    flag = rng.random(n) < 0.5
    flag_null = rng.random(n) < 0.01
    cls = rng.integers(0, 6, n)
    nobs = rng.integers(1, 500, n)
    mjd = rng.uniform(50000.0, 60000.0, n)
    t_null = rng.random(n) < 0.03
    flux = rng.lognormal(0.0, 1.0, (n, 3))
    base = datetime.datetime(1858, 11, 17)

    with open(os.path.join(out, "cat.jsonl.tmp"), "w", encoding="utf-8") as f:
        for i in range(n):
            rid = i + 1
            if rid in SPECIAL:
                row = dict(id=rid, **SPECIAL[rid])
            else:
                m = round(float(mjd[i]), 6)
                row = dict(
                    id=rid,
                    ra=float(ra[i]), dec=float(dec[i]),
                    pmra=None if pm_null[i] else f32(pmra[i]),
                    pmdec=None if pm_null[i] else f32(pmdec[i]),
                    bmag=None if (bmag_null[i] or vmag_null[i])
                    else f32(vmag[i] + bv[i]),
                    vmag=None if vmag_null[i] else f32(vmag[i]),
                    name=None if name_null[i]
                    else "%s %d" % (NAMES[name_idx[i]], rid),
                    flag=None if flag_null[i] else bool(flag[i]),
                    cls=int(cls[i]), nobs=int(nobs[i]),
                    epoch_mjd=m,
                    obs_time=None if t_null[i] else
                    (base + datetime.timedelta(days=m)).replace(
                        microsecond=0).isoformat(),
                    flux3=[f32(v) for v in flux[i]])
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(os.path.join(out, "cat.jsonl.tmp"), os.path.join(out, "cat.jsonl"))

    with open(os.path.join(out, "astral.jsonl"), "w", encoding="utf-8") as f:
        for i in range(1, 3001):
            row = dict(id=i, name=astral_name(i), n=3 * i, tag="t%d" % i)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    with open(os.path.join(out, "small.jsonl"), "w", encoding="utf-8") as f:
        for row in SMALL:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
