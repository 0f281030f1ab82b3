"""Response size caps that cut where a reader would: at a section, paragraph, sentence or word.

An over-long model answer is not re-asked (the tokens are already spent); it is shortened. The
reference cut blindly at 50,000 characters, which can end a report mid-word or inside a code
block that then swallows the rest of the page. ``cap_markdown`` instead keeps the longest
prefix ending at the best boundary available, never leaves a ``` fence open, and says it
shortened the text, so the reader knows something is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

NOTE: Final = "\n\n*This section was shortened to fit the report's length limit.*"
"""Appended to a shortened markdown text."""

_FENCE: Final = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)
_HEADING: Final = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)
_PARAGRAPH_END: Final = re.compile(r"\n[ \t]*\n")
_SENTENCE_END: Final = re.compile(r"[.!?][\"'”’)\]*_]*(?=\s)")
_BARE_HEADING: Final = re.compile(r"(?:^|\n) {0,3}#{1,6}\Z")
"""A heading marker left alone at the end by a word cut ("# Ti|tle" cut to "#")."""
_LAST_SPACE: Final = re.compile(r"\s\S*\Z")


@dataclass(frozen=True, slots=True)
class Capped:
    """A possibly shortened text and what was cut.

    ``kept_sections`` counts the markdown headings left in the text (a section cut short in
    the middle still counts as kept) and ``dropped_sections`` those removed; both are 0 for a
    text without headings.
    """

    text: str
    truncated: bool
    original_chars: int
    kept_sections: int
    dropped_sections: int


def cap_markdown(text: str, *, max_chars: int, note: str = NOTE) -> Capped:
    """``text`` if it fits in ``max_chars``, else its best prefix followed by ``note``.

    The prefix is the longest one that ends just before a heading and still holds the first
    section; failing that, the longest ending at a blank line, then at a sentence end, then at
    a space (never mid-word). A cut inside a code fence moves to before the fence. The result,
    note included, is at most ``max_chars`` long; the note is left out if it alone does not fit.
    """
    if max_chars < 0:
        raise ValueError(f"max_chars must not be negative, got {max_chars}")
    fences = _fenced_spans(text)
    headings = [m.start() for m in _HEADING.finditer(text) if not _inside(m.start(), fences)]
    if len(text) <= max_chars:
        return Capped(text, False, len(text), len(headings), 0)
    if len(note) >= max_chars:
        note = ""
    budget = max_chars - len(note)
    cut = _section_cut(headings, budget)
    if cut is None:
        cut = _outside_fences(_boundary_cut(text, budget), fences)
    kept = _BARE_HEADING.sub("", text[:cut].rstrip()).rstrip()
    kept_sections = sum(start < len(kept) for start in headings)
    return Capped(kept + note, True, len(text), kept_sections, len(headings) - kept_sections)


def _section_cut(headings: list[int], budget: int) -> int | None:
    """Just before the last heading that fits, if the first section comes before it."""
    fitting = [start for start in headings[1:] if start <= budget]
    return fitting[-1] if fitting else None


def _boundary_cut(text: str, budget: int) -> int:
    """The end of the last paragraph, else sentence, else word that fits in ``budget``."""
    window = text[: budget + 1]  # one more, to see whether a boundary sits right at the budget
    paragraphs = [m.start() for m in _PARAGRAPH_END.finditer(window) if 0 < m.start() <= budget]
    sentences = [m.end() for m in _SENTENCE_END.finditer(window) if 0 < m.end() <= budget]
    for ends in (paragraphs, sentences):
        if ends:
            return ends[-1]
    return _word_cut(text, budget)


def _word_cut(text: str, budget: int) -> int:
    """The start of the last whitespace at or before ``budget`` (0 when one word fills it all)."""
    match = _LAST_SPACE.search(text, 0, budget + 1)
    return match.start() if match else 0


def _fenced_spans(text: str) -> list[tuple[int, int]]:
    """Each code block as (start of its opening fence line, end of its closing one).

    As in CommonMark, a block closes at a fence line of the same character, at least as long
    as the opening one and with nothing after it ("```python" opens a block but never closes
    one); an unclosed block runs to the end of the text.
    """
    spans = []
    opened: tuple[int, str] | None = None
    for match in _FENCE.finditer(text):
        fence, rest = match.group(1), match.group(2)
        if opened is None:
            if not (fence[0] == "`" and "`" in rest):  # "```x```" is inline code, not a fence
                opened = (match.start(), fence)
        elif fence[0] == opened[1][0] and len(fence) >= len(opened[1]) and not rest.strip():
            spans.append((opened[0], match.end()))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in spans)


def _outside_fences(cut: int, spans: list[tuple[int, int]]) -> int:
    """Move a cut that falls inside a code block to just before the block's opening fence."""
    for start, end in spans:
        if start < cut < end:
            return start
    return cut
