"""Pinyin keys for names: the order people expect a name list in, and what they type in a
person picker ("lf" for 林芳)."""
from __future__ import annotations

import functools


@functools.cache
def _pypinyin():
    """pypinyin, imported when a name is first written: its dictionaries take about 55 MB of a
    worker's memory, and most workers only read names (the keys are stored with the person)."""
    import pypinyin

    return pypinyin


def sort_key(name: str) -> str:
    """ "lin2fang1" for 林芳: syllables with their tone digit, lower case.

    The digit ends each syllable, and digits sort before letters in every collation (byte
    order in SQLite, the locale's order in PostgreSQL, which would skip a space), so 李娜
    (li3na4) comes before 林芳 (lin2fang1), as in a dictionary."""
    pypinyin = _pypinyin()
    syllables = pypinyin.lazy_pinyin(name.strip(), style=pypinyin.Style.TONE3, neutral_tone_with_five=True,
                                     errors=lambda text: [text.replace(" ", "")])
    return "".join(s.lower() for s in syllables)[:200]


def search_key(name: str) -> str:
    """ "lf linfang" for 林芳: the initials, then the full pinyin, both without tones."""
    plain = _pypinyin().lazy_pinyin(name.strip(), errors=lambda text: [text.replace(" ", "")])
    initials = "".join(s[:1] for s in plain)
    return f"{initials} {''.join(plain)}".lower()[:200]
