"""Just enough PNG decoding (stdlib zlib) to tell a rendered page from a blank one.

Chromium writes 8-bit RGB or RGBA PNGs; each row is un-filtered as the PNG
specification describes, with the common filters done at C speed.
"""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BYTE = (255).__and__


@dataclass(slots=True)
class PixelStats:
    width: int
    height: int
    colours: int  # distinct colours
    background: tuple[int, ...]  # the most common colour
    covered: float  # share of pixels that differ from the most common colour


def pixel_stats(path: Path) -> PixelStats:
    data = path.read_bytes()
    if not data.startswith(_SIGNATURE):
        raise ValueError(f"{path} is not a PNG")
    pos, header, idat = len(_SIGNATURE), b"", bytearray()
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour_type, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG layout: depth {depth}, colour type {colour_type}")
    bpp = 3 if colour_type == 2 else 4
    rows = _unfilter(zlib.decompress(bytes(idat)), width * bpp, height, bpp)
    counts: Counter[bytes] = Counter()
    for row in rows:
        counts.update(row[i : i + bpp] for i in range(0, len(row), bpp))
    background, most = counts.most_common(1)[0]
    total = width * height
    return PixelStats(width, height, len(counts), tuple(background), 1 - most / total)


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> list[bytes]:
    rows: list[bytes] = []
    prev = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub: running sum per channel
            for c in range(bpp):
                line[c::bpp] = bytes(map(_BYTE, accumulate(line[c::bpp])))
        elif kind == 2:  # Up
            line = bytearray(map(_BYTE, map(int.__add__, line, prev)))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        elif kind != 0:
            raise ValueError(f"bad PNG filter type {kind} in row {y}")
        prev = bytes(line)
        rows.append(prev)
    return rows
