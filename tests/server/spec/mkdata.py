#!/usr/bin/env python3
"""Write the deterministic spectra and spectral cubes of the spec resource.

    python3 mkdata.py OUTDIR     # writes OUTDIR/spec01.fits .. spec10.fits,
                                 # OUTDIR/cube_a.fits, OUTDIR/cube_b.fits
                                 # and OUTDIR/previews/*.png

Spectra (SPECTRA): 1D FITS images (IRAF style, float64) with a linear
WAVE axis in nm (CRPIX1 1, CRVAL1 first wavelength, CDELT1 step); flux in
erg/s/cm2/Angstrom: a sloped continuum, Gaussian emission or absorption
lines (LINES) and Gaussian noise from numpy's PCG64 seeded with
SEED + spectrum number.  q.rd serves them as SDM VOTables through SSAP,
ObsCore and DataLink/SODA.

Cubes (CUBES), float32, TAN WCS with 0.002 deg pixels:
  cube_a.fits  32x32x40    RA---TAN DEC--TAN WAVE (CUNIT3 m,
               601.25..698.75 nm in 2.5 nm steps)
  cube_b.fits  16x16x20x4  RA---TAN DEC--TAN WAVE (CUNIT3 nm, 641..679 nm
               in 2 nm steps) STOKES (1..4 = I Q U V)
Each holds a flat background, a Gaussian source at the centre whose
spectrum has H-alpha (656.3 nm) in emission, and a second source without
lines; noise from PCG64 seeded with SEED + 100 + cube number.

The previews (PNG) are pre-computed: DaCHS cannot make previews of
products whose path is a DataLink URL.  See tests/server/README for the
exact contents.

ObsCore needs DaCHS's //obscore imported once: scripts/vo-test-server
does that before importing any resource.
"""
import os
import sys

import numpy as np
from astropy.io import fits
from astropy.time import Time

SEED = 20240613
FLUXUNIT = "erg.s**-1.cm**-2.Angstrom**-1"
C0 = 1e-16  # continuum level at 640 nm

# name, centre of field (ra, dec) as in img/mkdata.py
FIELDS = {
    "astrom": (10.5, -3.25),
    "cosmos": (150.1, 2.2),
    "ngc7000": (314.75, 44.5),
    "orion": (83.8, -5.4),
    "cena": (201.4, -43.0),
    "m13": (250.42, 36.46),
}

# lines: name, rest wavelength (nm)
LINES = {
    "Halpha": 656.3,
    "Hbeta": 486.1,
    "NII6548": 654.8,
    "NII6584": 658.4,
    "OIII5007": 500.7,
    "NaD": 589.0,
    "CaII8498": 849.8,
    "CaII8542": 854.2,
    "CaII8662": 866.2,
}

# number, field, offset (dra*cos dec, ddec) deg, first wavelength (nm),
# step (nm), number of points, continuum slope (per 260 nm),
# [(line, amplitude in units of C0 (negative: absorption), sigma nm)],
# DATE-OBS, EXPTIME (s)
SPECTRA = [
    (1, "astrom", (0.0, 0.0), 380.0, 0.5, 1041, 0.2,
     [("Halpha", 5.0, 0.8), ("Hbeta", 2.0, 0.8)],
     "2021-01-05T01:00:00", 600.0),
    (2, "astrom", (0.01, 0.0), 380.0, 0.5, 1041, -0.3, [],
     "2021-01-05T02:00:00", 600.0),
    (3, "astrom", (0.0, 0.01), 600.0, 0.1, 1001, 0.0,
     [("Halpha", 8.0, 0.3), ("NII6548", 1.0, 0.3), ("NII6584", 3.0, 0.3)],
     "2021-01-06T01:30:00", 1200.0),
    (4, "astrom", (-0.01, -0.01), 480.0, 0.05, 801, 0.0,
     [("Hbeta", 4.0, 0.25)],
     "2021-01-06T03:00:00", 1200.0),
    (5, "cosmos", (0.0, 0.0), 380.0, 0.5, 1041, 0.5,
     [("Halpha", 3.0, 1.0)],
     "2021-03-10T22:00:00", 900.0),
    (6, "cosmos", (0.01, 0.0), 400.0, 0.5, 601, 0.1,
     [("NaD", -0.6, 0.6)],
     "2021-03-11T23:00:00", 900.0),
    (7, "ngc7000", (0.0, 0.0), 550.0, 0.2, 1001, 0.0,
     [("Halpha", 20.0, 0.5), ("NII6548", 2.0, 0.5), ("NII6584", 6.0, 0.5)],
     "2021-07-20T23:30:00", 300.0),
    (8, "orion", (0.0, 0.0), 380.0, 0.5, 1041, -0.1,
     [("Halpha", 10.0, 0.7), ("OIII5007", 6.0, 0.7), ("Hbeta", 3.0, 0.7)],
     "2021-12-01T02:00:00", 300.0),
    (9, "cena", (0.0, 0.0), 380.0, 0.5, 1041, 0.4, [],
     "2022-04-15T03:00:00", 1800.0),
    (10, "m13", (0.0, 0.0), 700.0, 0.25, 801, -0.2,
     [("CaII8498", -0.4, 0.4), ("CaII8542", -0.6, 0.4),
      ("CaII8662", -0.5, 0.4)],
     "2022-06-01T23:00:00", 2400.0),
]

NPIX_CUBE_SCALE = 0.002  # deg/pixel
# number, file, field, (nx, ny, nwave), wave axis: CUNIT3, CRVAL3, CDELT3
# (in CUNIT3), Stokes planes (None: no STOKES axis), DATE-OBS, EXPTIME
CUBES = [
    (1, "cube_a", "astrom", (32, 32, 40), ("m", 6.0125e-07, 2.5e-09),
     None, "2021-01-07T02:00:00", 3600.0),
    (2, "cube_b", "orion", (16, 16, 20), ("nm", 641.0, 2.0),
     (1, 2, 3, 4), "2021-12-02T01:00:00", 3600.0),
]
# Stokes plane fractions of I (Q, U, V) for cube_b
POLFRAC = {1: 1.0, 2: 0.1, 3: -0.05, 4: 0.02}


def position(field, offset):
    ra0, dec0 = FIELDS[field]
    ra = (ra0 + offset[0] / np.cos(np.radians(dec0))) % 360.0
    return round(ra, 10), round(dec0 + offset[1], 10)


def wavelengths(start, step, n):
    # rounded so that the grid is exactly start + i*step in decimal
    return np.round(start + step * np.arange(n), 6)


def spectrum(spec):
    (n, field, offset, start, step, npts, slope, lines, dateobs,
     exptime) = spec
    rng = np.random.Generator(np.random.PCG64(SEED + n))
    wl = wavelengths(start, step, npts)
    flux = 1.0 + slope * (wl - 640.0) / 260.0
    for name, amp, sig in lines:
        flux = flux + amp * np.exp(-(wl - LINES[name]) ** 2 / (2 * sig ** 2))
    flux = (flux + rng.normal(0.0, 0.02, npts)) * C0
    ra, dec = position(field, offset)
    h = fits.Header()
    h["CTYPE1"] = "WAVE"
    h["CUNIT1"] = "nm"
    h["CRPIX1"] = 1.0
    h["CRVAL1"] = start
    h["CDELT1"] = step
    h["BUNIT"] = FLUXUNIT
    h["OBJECT"] = field
    h["RA"] = (ra, "[deg] ICRS")
    h["DEC"] = (dec, "[deg] ICRS")
    h["RADESYS"] = "ICRS"
    h["DATE-OBS"] = dateobs
    h["EXPTIME"] = (exptime, "[s]")
    h["TELESCOP"] = "vo-tools synthetic"
    h["INSTRUME"] = "vtspec"
    h["SPECRES"] = (2 * step, "[nm] FWHM resolution")
    h["LINES"] = " ".join(name for name, _, _ in lines) or "none"
    return fits.PrimaryHDU(flux.astype(np.float64), header=h)


def cube(spec):
    n, fname, field, (nx, ny, nw), (cunit, crval, cdelt), stokes, \
        dateobs, exptime = spec
    rng = np.random.Generator(np.random.PCG64(SEED + 100 + n))
    ra, dec = FIELDS[field]
    # wavelengths in nm
    scale = 1e9 if cunit == "m" else 1.0
    wl = (crval + cdelt * np.arange(nw)) * scale
    yy, xx = np.mgrid[0:ny, 0:nx]
    src1 = np.exp(-((xx - (nx - 1) / 2) ** 2 + (yy - (ny - 1) / 2) ** 2) / (2 * 2.0 ** 2))
    src2 = np.exp(-((xx - nx / 4) ** 2 + (yy - ny / 4) ** 2) / (2 * 1.5 ** 2))
    spec1 = 1.0 + 5.0 * np.exp(-(wl - LINES["Halpha"]) ** 2 / (2 * 1.5 ** 2))
    spec2 = 1.0 + 0.5 * (wl - 640.0) / 60.0
    icube = (10.0 + 50.0 * spec1[:, None, None] * src1[None, :, :]
             + 20.0 * spec2[:, None, None] * src2[None, :, :])
    if stokes is None:
        data = icube + rng.normal(0.0, 0.1, icube.shape)
    else:
        planes = [POLFRAC[s] * icube + rng.normal(0.0, 0.1, icube.shape)
                  for s in stokes]
        data = np.stack(planes)
    h = fits.Header()
    h["CTYPE1"] = "RA---TAN"
    h["CTYPE2"] = "DEC--TAN"
    h["CTYPE3"] = "WAVE"
    h["CRPIX1"] = (nx + 1) / 2.0
    h["CRPIX2"] = (ny + 1) / 2.0
    h["CRPIX3"] = 1.0
    h["CRVAL1"] = ra
    h["CRVAL2"] = dec
    h["CRVAL3"] = crval
    h["CDELT1"] = -NPIX_CUBE_SCALE
    h["CDELT2"] = NPIX_CUBE_SCALE
    h["CDELT3"] = cdelt
    h["CUNIT1"] = "deg"
    h["CUNIT2"] = "deg"
    h["CUNIT3"] = cunit
    if stokes is not None:
        h["CTYPE4"] = "STOKES"
        h["CRPIX4"] = 1.0
        h["CRVAL4"] = float(stokes[0])
        h["CDELT4"] = 1.0
    h["RADESYS"] = "ICRS"
    h["EQUINOX"] = 2000.0
    h["SPECSYS"] = "TOPOCENT"
    h["OBJECT"] = field
    h["DATE-OBS"] = dateobs
    # (astropy.wcs adds it with a warning otherwise)
    h["MJD-OBS"] = round(Time(dateobs, format="isot", scale="utc").mjd, 6)
    h["EXPTIME"] = (exptime, "[s]")
    h["BUNIT"] = "adu"
    h["TELESCOP"] = "vo-tools synthetic"
    h["INSTRUME"] = "vtifu"
    return fits.PrimaryHDU(data.astype(np.float32), header=h)


def spectrum_preview(hdu, path, w=300, h=120):
    from PIL import Image, ImageDraw
    f = hdu.data.astype(np.float64)
    lo, hi = f.min(), f.max()
    x = np.linspace(0, w - 1, len(f))
    y = (h - 6) - (f - lo) / (hi - lo) * (h - 12)
    img = Image.new("L", (w, h), 255)
    ImageDraw.Draw(img).line(list(zip(x.tolist(), y.tolist())), fill=0)
    img.save(path, format="PNG")


def cube_preview(hdu, path):
    from PIL import Image
    d = hdu.data.astype(np.float64)
    while d.ndim > 2:
        d = d[0] if d.ndim == 4 else d.sum(axis=0)
    lo, hi = np.percentile(d, [1.0, 99.5])
    g = np.clip((d - lo) / (hi - lo) * 255.0, 0, 255).astype(np.uint8)
    Image.fromarray(g[::-1]).resize((128, 128), Image.NEAREST).save(
        path, format="PNG")


def main():
    args = sys.argv[1:]
    out = args[0] if args else "."
    os.makedirs(os.path.join(out, "previews"), exist_ok=True)
    for spec in SPECTRA:
        name = "spec%02d" % spec[0]
        hdu = spectrum(spec)
        hdu.writeto(os.path.join(out, name + ".fits"), overwrite=True)
        spectrum_preview(hdu, os.path.join(out, "previews", name + ".png"))
    for spec in CUBES:
        hdu = cube(spec)
        hdu.writeto(os.path.join(out, spec[1] + ".fits"), overwrite=True)
        cube_preview(hdu, os.path.join(out, "previews", spec[1] + ".png"))


if __name__ == "__main__":
    main()
