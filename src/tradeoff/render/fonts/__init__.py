"""Text metrics from the font Excalidraw itself draws with (Nunito, its "Normal" font).

Widths are the glyphs' advance widths from the font file (plus its pair kerning), so a label
sized here is the size Excalidraw measures in the browser and the SVG/PNG draw at."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: Excalidraw's font family number for Nunito, and the line height it uses for it
#: (FONT_METADATA in @excalidraw/excalidraw 0.18: unitsPerEm 1000, lineHeight 1.35).
EXCALIDRAW_FAMILY = 6
LINE_HEIGHT = 1.35
FAMILY = "Nunito"
TTF = "Nunito-Regular-latin.ttf"
WOFF2 = "Nunito-Regular-latin.woff2"


@dataclass(frozen=True)
class Metrics:
    units_per_em: int
    advances: dict[int, int]  # code point -> advance width in font units
    kerning: dict[tuple[int, int], int]  # (left, right) code points -> adjustment in font units
    fallback: int  # advance of a character the subset lacks ('?' is what a renderer shows)

    def width(self, text: str, size: float) -> float:
        """Width of one line of text at a font size in px."""
        units = 0
        prev = None
        for ch in text:
            cp = ord(ch)
            units += self.advances.get(cp, self.fallback)
            if prev is not None:
                units += self.kerning.get((prev, cp), 0)
            prev = cp
        return units * size / self.units_per_em


def font_path() -> str:
    return str(resources.files(__package__) / TTF)


@lru_cache(maxsize=1)
def woff2_base64() -> str:
    return base64.b64encode((resources.files(__package__) / WOFF2).read_bytes()).decode("ascii")


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    from fontTools.ttLib import TTFont  # only drawing needs it

    font = TTFont(font_path(), lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    advances = {cp: hmtx[glyph][0] for cp, glyph in cmap.items()}
    by_glyph: dict[str, list[int]] = {}
    for cp, glyph in cmap.items():
        by_glyph.setdefault(glyph, []).append(cp)
    return Metrics(units_per_em=font["head"].unitsPerEm, advances=advances,
                   kerning=_pair_kerning(font, by_glyph), fallback=advances.get(ord("?"), 500))


def _pair_kerning(font, by_glyph: dict[str, list[int]]) -> dict[tuple[int, int], int]:
    """Horizontal pair adjustments from the GPOS 'kern' feature (format 1 and 2 pair lookups)."""
    if "GPOS" not in font:
        return {}
    gpos = font["GPOS"].table
    lookups: set[int] = set()
    for rec in gpos.FeatureList.FeatureRecord:
        if rec.FeatureTag == "kern":
            lookups.update(rec.Feature.LookupListIndex)
    pairs: dict[tuple[str, str], int] = {}
    for index in sorted(lookups):
        lookup = gpos.LookupList.Lookup[index]
        for sub in lookup.SubTable:
            if lookup.LookupType == 9:  # extension: the real subtable is inside
                sub = sub.ExtSubTable
            if getattr(sub, "LookupType", 2) != 2:
                continue
            _pairs_of(sub, pairs)
    out: dict[tuple[int, int], int] = {}
    for (a, b), value in pairs.items():
        for ca in by_glyph.get(a, ()):
            for cb in by_glyph.get(b, ()):
                out[(ca, cb)] = value
    return out


def _pairs_of(sub, pairs: dict[tuple[str, str], int]) -> None:
    firsts = sub.Coverage.glyphs
    if sub.Format == 1:
        for first, pset in zip(firsts, sub.PairSet):
            for rec in pset.PairValueRecord:
                adv = getattr(rec.Value1, "XAdvance", 0) if rec.Value1 else 0
                if adv:
                    pairs.setdefault((first, rec.SecondGlyph), adv)
    elif sub.Format == 2:
        class1 = sub.ClassDef1.classDefs if sub.ClassDef1 else {}
        class2 = sub.ClassDef2.classDefs if sub.ClassDef2 else {}
        seconds: dict[int, list[str]] = {}
        for glyph, cls in class2.items():
            seconds.setdefault(cls, []).append(glyph)
        for first in firsts:
            row = sub.Class1Record[class1.get(first, 0)]
            for cls, rec in enumerate(row.Class2Record):
                adv = getattr(rec.Value1, "XAdvance", 0) if rec.Value1 else 0
                if adv and cls in seconds:
                    for second in seconds[cls]:
                        pairs.setdefault((first, second), adv)


def text_width(text: str, size: float) -> float:
    """Width in px of the widest line of a (possibly multi-line) text."""
    m = metrics()
    return max((m.width(line, size) for line in text.split("\n")), default=0.0)


def text_height(lines: int, size: float) -> float:
    """Height in px of a text of this many lines, as Excalidraw sizes it."""
    return lines * size * LINE_HEIGHT


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap at real widths; a word longer than the line is kept whole."""
    m = metrics()
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            candidate = f"{line} {word}" if line else word
            if line and m.width(candidate, size) > max_width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines
