#!/usr/bin/env python3
"""Write the deterministic FITS images of the img resource.

    python3 mkdata.py OUTDIR     # writes OUTDIR/img01.fits .. img20.fits,
                                 # OUTDIR/previews/img01.png .. img20.png
                                 # and the calibration frames OUTDIR/cal/*

20 images of 64x64 float32 pixels with a TAN WCS: 5 fields (FIELDS) of
4 images each (filters B V R I, see FILTERS), centred on the field
centre shifted by OFFSETS.  Pixels: background 100 + Gaussian noise
(sigma 1) + 6 Gaussian stars, from numpy's PCG64 seeded with
SEED + image number, so every machine imports identical files.  See
tests/server/README.  q.rd imports them with a fitsProdGrammar.  The
previews (8-bit grey PNGs, 128x128, linear between the 1st and 99.5th
percentile) are pre-computed because DaCHS cannot make automatic previews
of products whose access path is a DataLink document.

Calibration frames (the img/q cal DataLink service associates them with
the images, like ESO's calselector): cal/bias_F.fits and cal/flat_F.fits
for each filter F (64x64 float32, 20160 bytes each) and cal/bpm.fits, a
bad-pixel mask shared by all (64x64 uint8, 8640 bytes); CALTYPE says
which (BIAS, FLAT, BPM), numpy's PCG64 seeded with CALSEED + a number.
No WCS: they are not in img.main, SIAP or ObsCore, only in img.calframes.
"""
import os
import sys

import numpy as np
from astropy.io import fits

SEED = 20240612
CALSEED = 20240613
NPIX = 64
SCALE = 0.002  # deg/pixel: a 0.128 deg field
# name, ra, dec (deg, ICRS)
FIELDS = [
    ("astrom", 10.5, -3.25),
    ("cosmos", 150.1, 2.2),
    ("ngc7000", 314.75, 44.5),
    ("orion", 83.8, -5.4),
    ("cena", 201.4, -43.0),
]
# filter, effective wavelength (m), bandpass low, high (m)
FILTERS = [
    ("B", 4.4e-7, 3.9e-7, 4.9e-7),
    ("V", 5.5e-7, 5.0e-7, 6.0e-7),
    ("R", 6.4e-7, 5.9e-7, 7.3e-7),
    ("I", 7.9e-7, 7.2e-7, 8.8e-7),
]
# centre offsets (dra*cos(dec), ddec) in deg of image k of a field
OFFSETS = [(0.0, 0.0), (0.01, 0.0), (0.0, 0.01), (-0.01, -0.01)]


def image(n, field, k):
    name, ra0, dec0 = field
    filt, wl, lo, hi = FILTERS[k]
    dx, dy = OFFSETS[k]
    ra = (ra0 + dx / np.cos(np.radians(dec0))) % 360.0
    dec = dec0 + dy
    rng = np.random.Generator(np.random.PCG64(SEED + n))
    data = 100.0 + rng.normal(0.0, 1.0, (NPIX, NPIX))
    yy, xx = np.mgrid[0:NPIX, 0:NPIX]
    for _ in range(6):
        x0, y0 = rng.uniform(4, NPIX - 4, 2)
        amp = rng.uniform(50, 1000)
        sig = rng.uniform(1.0, 2.5)
        data += amp * np.exp(-((xx - x0) ** 2 + (yy - y0) ** 2) / (2 * sig**2))
    h = fits.Header()
    h["CTYPE1"] = "RA---TAN"
    h["CTYPE2"] = "DEC--TAN"
    h["CRPIX1"] = (NPIX + 1) / 2.0
    h["CRPIX2"] = (NPIX + 1) / 2.0
    h["CRVAL1"] = round(ra, 10)
    h["CRVAL2"] = round(dec, 10)
    h["CDELT1"] = -SCALE
    h["CDELT2"] = SCALE
    h["CUNIT1"] = "deg"
    h["CUNIT2"] = "deg"
    h["RADESYS"] = "ICRS"
    h["EQUINOX"] = 2000.0
    h["OBJECT"] = name
    h["FILTER"] = filt
    h["WAVELEN"] = (wl, "[m] effective wavelength")
    h["BANDLO"] = (lo, "[m] bandpass low")
    h["BANDHI"] = (hi, "[m] bandpass high")
    h["DATE-OBS"] = "2020-%02d-%02dT%02d:00:00" % (1 + n % 12, 1 + n, n % 24)
    h["EXPTIME"] = (60.0 * (k + 1), "[s]")
    h["BUNIT"] = "adu"
    h["TELESCOP"] = "vo-tools synthetic"
    h["INSTRUME"] = "vtcam"
    return fits.PrimaryHDU(data.astype(np.float32), header=h)


def preview(hdu, path):
    from PIL import Image
    d = hdu.data.astype(np.float64)
    lo, hi = np.percentile(d, [1.0, 99.5])
    g = np.clip((d - lo) / (hi - lo) * 255.0, 0, 255).astype(np.uint8)
    # FITS row 1 is the bottom of the image
    Image.fromarray(g[::-1]).resize((128, 128), Image.NEAREST).save(
        path, format="PNG")


def calframe(kind, filt, n):
    """a calibration frame: kind BIAS, FLAT or BPM (filt None)"""
    rng = np.random.Generator(np.random.PCG64(CALSEED + n))
    yy, xx = np.mgrid[0:NPIX, 0:NPIX]
    if kind == "BIAS":
        data = (100.0 + 0.02 * (xx - NPIX / 2) + rng.normal(0.0, 0.5, (NPIX, NPIX))
                ).astype(np.float32)
    elif kind == "FLAT":
        r2 = ((xx - NPIX / 2) ** 2 + (yy - NPIX / 2) ** 2) / (NPIX / 2) ** 2
        data = (1.0 - 0.05 * r2 + rng.normal(0.0, 0.005, (NPIX, NPIX))
                ).astype(np.float32)
    else:
        data = np.zeros((NPIX, NPIX), np.uint8)
        data[:, 17] = 1  # a bad column
        for y, x in rng.integers(0, NPIX, (12, 2)):
            data[y, x] = 1  # hot pixels
    h = fits.Header()
    h["OBJECT"] = {"BIAS": "master bias", "FLAT": "master flat",
                   "BPM": "bad pixel mask"}[kind]
    h["CALTYPE"] = (kind, "BIAS, FLAT or BPM")
    h["FILTER"] = filt or "ANY"
    h["DATE-OBS"] = "2020-01-01T00:00:00"
    h["TELESCOP"] = "vo-tools synthetic"
    h["INSTRUME"] = "vtcam"
    if kind == "BIAS":
        h["BUNIT"] = "adu"
    return fits.PrimaryHDU(data, header=h)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(os.path.join(out, "previews"), exist_ok=True)
    os.makedirs(os.path.join(out, "cal"), exist_ok=True)
    n = 0
    for field in FIELDS:
        for k in range(len(FILTERS)):
            n += 1
            hdu = image(n, field, k)
            hdu.writeto(os.path.join(out, "img%02d.fits" % n), overwrite=True)
            preview(hdu, os.path.join(out, "previews", "img%02d.png" % n))
    n = 0
    for kind in ("BIAS", "FLAT"):
        for filt, *_ in FILTERS:
            n += 1
            calframe(kind, filt, n).writeto(os.path.join(
                out, "cal", "%s_%s.fits" % (kind.lower(), filt)), overwrite=True)
    calframe("BPM", None, n + 1).writeto(
        os.path.join(out, "cal", "bpm.fits"), overwrite=True)


if __name__ == "__main__":
    main()
