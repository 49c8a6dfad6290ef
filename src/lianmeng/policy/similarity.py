"""中文相似度：判断两个联盟是否属于同一领域、产业或产品。

Character-level comparison (no word segmentation needed): the Indel ratio of rapidfuzz on
normalised text, character-bigram overlap, and containment ("铝加工" in "铝精深加工" is not
contained, "新能源" in "新能源汽车" is). Generic words such as 产业技术创新战略联盟 and region
names are removed from alliance names first, so 河南省铝加工产业技术创新战略联盟 compares as 铝加工.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

__all__ = ["SIMILARITY_THRESHOLD", "alliance_core", "normalise", "similarity"]

#: Score (0–100) from which two fields count as the same. A project choice, not a policy value:
#: the finding is ``principle`` and a person decides, so it leans towards flagging.
SIMILARITY_THRESHOLD = 80.0

_GENERIC = (
    "产业技术创新战略联盟",
    "产业创新战略联盟",
    "产业技术创新联盟",
    "产业创新联盟",
    "技术创新战略联盟",
    "创新战略联盟",
    "技术创新联盟",
    "创新联盟",
    "战略联盟",
    "联盟",
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


#: the duplicate search compares one proposal with thousands whose industries and products
#: repeat (a few hundred fields): the functions below are pure, and their answers are kept
_CACHE = 65536


@lru_cache(maxsize=_CACHE)
def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, no spaces or punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


def alliance_core(name: str, regions: Iterable[str] = ()) -> str:
    """The distinctive part of an alliance name: without region names and generic words."""
    return _core(name, _regions(tuple(regions)))


@lru_cache(maxsize=256)
def _regions(regions: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({normalise(r) for r in (*regions, "中国") if r}, key=len, reverse=True))


@lru_cache(maxsize=_CACHE)
def _core(name: str, regions: tuple[str, ...]) -> str:
    core = normalise(name)
    for region in regions:
        if core.startswith(region):
            core = core[len(region) :]
    for word in _GENERIC:
        core = core.replace(word, "")
    return core or normalise(name)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


@lru_cache(maxsize=_CACHE)
def similarity(left: str, right: str) -> float:
    """0–100: the best of Indel ratio, bigram Dice and containment of normalised texts."""
    a, b = normalise(left), normalise(right)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 2 and shorter in longer:
        return 90.0
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    dice = 200.0 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))
    return round(max(fuzz.ratio(a, b), dice), 1)
