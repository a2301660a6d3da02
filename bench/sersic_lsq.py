"""The least-squares reference of bench/sersic.ts: SciPy's least_squares fit of the same elliptical Sérsic model
(exact b_n, R on sqrt(q x'^2 + y'^2 / q), total flux from the magnitude and zero point, pixels supersampled 2x2
with 8x8 within 3 px of the centre, a pixel-integrated Gaussian PSF) to each cutout, weighted by the same noise
(sky + read + the model's Poisson term). Reads images.npy [N, 1, H, W] and a JSON of settings; writes fits.json.
Run by bench/sersic.ts with Debian's /usr/bin/python3 (python3-scipy)."""
import json
import sys
import time

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import fftconvolve
from scipy.special import erf, gammaincinv, gamma

cfg = json.load(open(sys.argv[1]))
imgs = np.load(cfg["images"]).astype(np.float64)
N, _, H, W = imgs.shape
s = cfg["pixel_scale"]
zp = cfg["zero_point"]
sigma2 = cfg["sigma"] ** 2
texp = cfg["exposure"]
fwhm = cfg["seeing"]
lo = np.array(cfg["lo"])
hi = np.array(cfg["hi"])
count = min(N, cfg["count"])


def gauss_kernel(size, sig):
    h = (size - 1) / 2
    x = np.arange(size) - h
    k = erf((x + 0.5) / (sig * np.sqrt(2))) - erf((x - 0.5) / (sig * np.sqrt(2)))
    k /= k.sum()
    return np.outer(k, k)


kernel = gauss_kernel(int(2 * np.ceil(4 * fwhm / 2.3548 / s) + 1), fwhm / 2.3548 / s)


def grid(f):
    # sample points of every pixel, f x f, centred on the pixel; pixel (r, c) at x = (c - (W-1)/2) s, y up
    o = (np.arange(f) + 0.5) / f - 0.5
    c = (np.arange(W)[None, :, None, None] + o[None, None, None, :]) - (W - 1) / 2
    r = (np.arange(H)[:, None, None, None] + o[None, None, :, None]) - (H - 1) / 2
    x = np.broadcast_to(c * s, (H, W, f, f))
    y = np.broadcast_to(-r * s, (H, W, f, f))
    return x, y


G2 = grid(2)
G8 = grid(8)
rr, cc = np.mgrid[0:H, 0:W]
central = np.hypot(rr - (H - 1) / 2, cc - (W - 1) / 2) <= 3


def sersic(x, y, mag, R, n, q, phi, cx, cy):
    b = gammaincinv(2 * n, 0.5)
    flux = 10 ** (-0.4 * (mag - zp))
    # I_e from the total flux: F = 2 pi n R^2 e^b b^-2n Gamma(2n) (q enters the radius as a product average)
    Ie = flux / (2 * np.pi * n * R * R * np.exp(b) * b ** (-2 * n) * gamma(2 * n))
    a = np.deg2rad(phi)
    dx, dy = x - cx, y - cy
    xp = np.cos(a) * dx + np.sin(a) * dy
    yp = -np.sin(a) * dx + np.cos(a) * dy
    rad = np.sqrt(q * xp * xp + yp * yp / q)
    return Ie * np.exp(-b * ((np.maximum(rad, 1e-12) / R) ** (1 / n) - 1))


def model(p):
    mag, R, n, q, phi, cx, cy = p
    img = sersic(*G2, *p).mean(axis=(2, 3))
    img[central] = sersic(G8[0][central], G8[1][central], *p).mean(axis=(1, 2))
    img *= s * s
    return fftconvolve(img, kernel, mode="same")


def residuals(p, data):
    m = model(p)
    return ((data - m) / np.sqrt(sigma2 + np.maximum(m, 0) / texp)).ravel()


fits = []
t0 = time.perf_counter()
cpu0 = time.process_time()
for i in range(count):
    data = imgs[i, 0]
    # a generic start: the prior's middle, a round galaxy at the brightest pixel
    r0, c0 = np.unravel_index(np.argmax(data), data.shape)
    tot = max(data.sum(), 1e-3)
    p0 = np.array([zp - 2.5 * np.log10(tot), np.sqrt(lo[1] * hi[1]), 2.0, 0.7, 45.0,
                   (c0 - (W - 1) / 2) * s, ((H - 1) / 2 - r0) * s])
    p0 = np.clip(p0, lo + 1e-6, hi - 1e-6)
    res = least_squares(residuals, p0, args=(data,), bounds=(lo, hi), method="trf", x_scale="jac")
    fits.append({"params": res.x.tolist(), "nfev": int(res.nfev), "success": bool(res.success)})
t = time.perf_counter() - t0
cpu = time.process_time() - cpu0
json.dump(
    {"count": count, "seconds": t, "per_galaxy_ms": 1000 * t / count, "cpu_per_galaxy_ms": 1000 * cpu / count, "fits": fits},
    open(cfg["out"], "w"),
)
