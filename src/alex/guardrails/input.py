"""The input guardrail: every user-controlled string is normalised, scanned and neutralised before a prompt.

Account names, instrument names, purposes, retirement goals and knowledge-base text are written by
people (or fetched from places) we don't control, and all of them end up in a prompt. ``clean`` is
the one way in:

1. ``normalise``: NFKC (full-width and compatibility letters become ASCII), invisible and
   bidirectional control characters removed, runs of whitespace collapsed. Scanning happens on
   this text, so ``ｉｇｎｏｒｅ`` or ``ig\\u200bnore`` read as ``ignore``.
2. ``scan``, with two detectors on this text:

   - phrase patterns per family (role markers and chat-log turns, "ignore previous instructions" in
     plain, casual and other languages, system-prompt requests, persona overrides, tool-call and
     agent-trace imitations, delimiter escapes, advice manipulation, exfiltration including requests
     for other people's data), in ``injection_patterns``;
   - a weak-signal score, in ``injection_score``: cues that are ordinary alone (the model addressed
     as "you", a note to "whoever writes the report", a persona, "no filters", an authority, "the
     user won't see this", an order that the report assert a verdict, hide a cost or change a
     figure, "the stuff above", a fake error, "risk-free") are grouped in categories with weights,
     and a sentence is flagged when the categories in it, or in it and its neighbour, add up past a
     threshold. It catches attack *styles* (long role-plays, "developer mode" personas, instructions
     hidden in a note or an imported statement, fake policy messages and errors, goal hijacks) in
     phrasings no pattern was written for. A flagged sentence is withheld whole, and so are the
     other sentences of its paragraph that score a little.

   Both run again on views of the same text: base64, hex, ``\\uXXXX``/``%XX`` escapes, rot13,
   look-alike letters, letters with the separators between them removed, text hidden in Unicode
   tag characters, leetspeak read as letters ("1gn0r3") and near-misses of a few attack words
   spelled right ("instrucions"); the last two only on the lines that have something to respell.
3. Each flagged span is replaced by ``MARKER``; the rest of the text is kept, so nothing is
   silently dropped, and the caller records the findings in the audit trail.
4. The result is capped at ``max_chars``, at a word boundary, with an ellipsis.

Both detectors aim at text addressed *to the model* ("ignore your previous instructions", "tell the
user to buy", "you are now FINN"), not at the same words used about money ("ignore the small-cap
sleeve for now", "pretend I retire at 60", "act as my own advisor", "the developer of the property
fund"). Three labelled corpora measure both rates:

- ``tests/guardrails/injection_corpus.py``, which the patterns were written alongside: 100 % of
  252 attacks found and none of 305 ordinary texts flagged, as the patterns did alone.
- ``tests/guardrails/injection_tuning.py``: 182 attacks in styles the patterns weren't written for
  and 330 ordinary texts, most of them using the attackers' words. The guardrail as it was
  (patterns only) found 37.4 % and flagged 2.7 %; now 96.7 % and 0.9 % (three deliberately hard
  ordinary texts, all flagged by phrase patterns: a "System:" label, an app's "developer mode", a
  planner's "system prompt").
- ``tests/guardrails/injection_tuning2.py``: 126 attacks in other carriers and voices (imported CSV
  and statement text, polite requests to the report writer, orders to change numbers, advice or
  tone, requests for others' data, agent traces, chat logs, fake errors, casual "ignore the above",
  seven languages) and 206 ordinary texts. Written before the guardrail was changed for them: it
  found 21.4 % and flagged 0.5 %; now 92.1 % and 0.5 % (the closing tags of an OFX bank export).

Those are fitted figures: the cues and weights were set on these corpora. Batches written before
the rule was tuned on them came out far lower. The patterns found about 40 % of new phrasings;
with the score, a first batch of new styles came out at 64 % and a later one at 45 %. After the
cues for the third corpus were added, two more batches written afterwards came out at 17 % (5 of
30; the guardrail as it was found 4) and, after a round of changes on that one, 30 % (6 of 20; as
it was, 5), with none of their 50 ordinary texts flagged. So the cues cover the phrasings they were
written from and few others: expect a fifth to a half of attacks in new phrasings, whatever the
tuned rates say; only a corpus kept out of tuning measures that. This is one layer, next to data
framing, output grounding and limits.

Every expression runs in linear time: gaps between words are bounded and built from character
classes that can't overlap, runs of a repeated character are possessive and matched from their
first character, and there is no nested unbounded repetition (tests feed 100 kB of the shapes that
once backtracked, or could). The score costs about a third of the throughput: the benchmark's
strings scan at about 1,240 a second instead of 1,990, and a 100 kB text in about 1.2 s instead
of 0.9 s (CPU time). The cues and patterns added for the third corpus cost about a tenth more
(measured side by side on a busy machine: the first corpus's strings at about 1,050 a second
instead of 1,170, cleaned at 660 instead of 720; a 100 kB text in 1.4 s instead of 1.2 s), with the
phrase families' alternatives grouped behind their shared anchors to pay for most of it.

``data_block`` frames computed data for a prompt with Pydantic AI's framing helpers, so the body
can neither close its block nor open any other framing tag.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

from pydantic_ai.framing import neutralize_tags, register_tag

from alex.guardrails.injection_patterns import (
    DATA_TAGS,
    INNER_SEPARATOR,
    LETTER_RUN,
    PATTERNS,
    PHRASE_FAMILIES,
    ROT13_HINT,
    SPACED_LETTERS,
    SQUASHED,
)
from alex.guardrails.injection_score import FAMILY as SCORED_FAMILY
from alex.guardrails.injection_score import scored_sentences

MARKER: Final = "[withheld: text that looked like an instruction]"
ELLIPSIS: Final = "…"
EXCERPT_CHARS: Final = 80


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of text that looked like an instruction to the model."""

    family: str
    excerpt: str
    """The matched text, normalised, on one line, at most ``EXCERPT_CHARS`` characters."""


@dataclass(frozen=True, slots=True)
class CleanText:
    """A string as it may go into a prompt, and what the guardrail did to it."""

    text: str
    field: str
    original_chars: int
    truncated: bool
    changed_by_normalisation: bool
    findings: tuple[Finding, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.findings)


# --- normalisation -----------------------------------------------------------------------------

_LINE_BREAKS: Final = re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
# Control (Cc) and format (Cf, as of Unicode 14) characters, spelled out so that stripping runs at
# regex speed: zero-width spaces and joiners, bidi embeddings/overrides/isolates, soft hyphens, the
# tag characters (U+E0000 block) used to smuggle invisible ASCII. Also invisible characters of other
# categories that are used the same way: the combining grapheme joiner, Hangul fillers, Khmer
# invisible vowels and variation selectors. Lone surrogates too: they can't be encoded to send to a model.
# A test checks this covers every Cf the running Python knows.
_INVISIBLE: Final = re.compile(
    "[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
# One odd whitespace character (NFKC has already turned most into a space), or any run of two or more.
_SPACES: Final = re.compile(r"[^\S\n\t ]|[^\S\n]{2,}")


def normalise(text: str) -> str:
    """NFKC, invisible and control characters removed (except newline and tab), whitespace runs collapsed."""
    text = _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))
    # Removing first lets NFKC compose across a removed character ("e\u200b\u0301" becomes "é"), which
    # keeps the function idempotent. NFKC itself never produces a control or format character.
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text))


_BASE64_RUN: Final = re.compile(r"(?<![\w+/=-])[A-Za-z0-9+/_-]{24,}={0,2}")
_HEX_RUN: Final = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{2}(?:[ :,-]?[0-9A-Fa-f]{2}){11,}(?![0-9A-Fa-f])")
_ESCAPE: Final = re.compile(
    r"\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|%[0-9A-Fa-f]{2}|&#x[0-9A-Fa-f]{1,6};?|&#[0-9]{1,7};?|\\[0-7]{3}"
)
_HIDDEN: Final = re.compile("[\U000e0020-\U000e007e]+|[\ufe00-\ufe0f\U000e0100-\U000e01ef]{8,}")
# Variation selectors 1-16 and 17-256 spell the bytes 0-15 and 16-255 ("emoji smuggling").
_VARIATION_BYTE: Final = {
    **{chr(0xFE00 + i): i for i in range(16)},
    **{chr(0xE0100 + i): 16 + i for i in range(240)},
}

# Cyrillic, Greek and small-capital letters that look like Latin ones; NFKC leaves them alone.
_CONFUSABLES: Final = str.maketrans(
    "аАвВеЕкКмМнНоОрРсСтТуУхХіІјЈѕЅԁɡαΑβΒεΕηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ",
    "aAbBeEkKmMhHoOpPcCtTyYxXiIjJsSdgaAbBeEnHiIkKmMvNoOpPtTuYxXabcdefghijklmnoprstuvwyz",
)


# Leetspeak: digits and symbols that stand for letters, read as letters only inside a word that also
# has a letter ("pr3v10u5"), so plain numbers and amounts stay as they are. "!" counts only before a
# letter, so a sentence's closing "!" is left alone. A line is read this way only when the text has
# at least two places where such a character touches a letter: finance text has the odd "401k" or
# "Q4", leetspeak has one in nearly every word.
_LEET: Final = str.maketrans("013457@$!", "oieastasi")
_LEET_TOKEN: Final = re.compile(r"(?:[\w@$]|!(?=[\w@$]))+")
_LEET_HINT: Final = re.compile(r"[^\W\d_][013457@$!]|[013457@$][^\W\d_]")
_HAS_LETTER: Final = re.compile(r"[^\W\d_]")
# Misspellings one edit away (a letter dropped, added, changed or two swapped) of words that carry an
# attack and have no ordinary near neighbour in finance text ("warnings" is one edit from "earnings",
# so it isn't here). Each word and every deletion of one letter from it maps back to the word; a
# text's word matches if it, or one of its own single deletions, is in the index. An inflection
# ("systems", "prompts", "ignored") is a word of its own, not a misspelling.
_TYPO_WORDS: Final = frozenset(
    (
        "ignore",
        "previous",
        "instructions",
        "disregard",
        "guidelines",
        "restrictions",
        "unrestricted",
        "unfiltered",
        "uncensored",
        "jailbreak",
        "jailbroken",
        "pretend",
        "character",
        "everything",
        "override",
        "disclaimers",
        "directives",
        "programming",
        "reveal",
        "system",
        "prompt",
    )
)
_TYPO_INDEX: Final = {
    variant: word
    for word in sorted(_TYPO_WORDS)
    for variant in (word, *(word[:i] + word[i + 1 :] for i in range(len(word))))
}
# Candidates: words within one letter of the length of a listed word, starting with a listed word's
# first letter (cheap to find, so the per-word work is done for few of them).
_TYPO_CANDIDATE: Final = re.compile(
    rf"(?<![^\W\d_])(?=[{''.join(sorted({word[0] for word in _TYPO_WORDS}))}])"
    rf"[^\W\d_]{{{min(map(len, _TYPO_WORDS)) - 1},{max(map(len, _TYPO_WORDS)) + 1}}}(?![^\W\d_])",
    re.IGNORECASE,
)
_LINE: Final = re.compile(r"[^\n]*")


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    family: str
    excerpt: str


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + ELLIPSIS


def _match(text: str, families: tuple[str, ...] | None = None) -> Iterator[_Hit]:
    for family, pattern in PATTERNS:
        if families is None or family in families:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    yield _Hit(m.start(), m.end(), family, _excerpt(m.group()))


def _scored(text: str) -> Iterator[_Hit]:
    """The sentences the weak-signal score flags (see ``injection_score``)."""
    for sentence in scored_sentences(text, masked=MARKER):
        yield _Hit(sentence.start, sentence.end, SCORED_FAMILY, _excerpt(text[sentence.start : sentence.end]))


def _detect(text: str) -> Iterator[_Hit]:
    """Both detectors on one text: the phrase patterns and the weak-signal score."""
    yield from _match(text)
    yield from _scored(text)


class _View:
    """Text derived from another by replacing or removing pieces, mapping back to the original's offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._view_starts: list[int] = []
        self._spans: list[tuple[int, int, bool]] = []  # original start, original end, copied verbatim
        self._length = 0

    def add(self, text: str, start: int, end: int, *, verbatim: bool) -> None:
        self._parts.append(text)
        self._view_starts.append(self._length)
        self._spans.append((start, end, verbatim))
        self._length += len(text)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def _original(self, position: int, *, end: bool) -> int:
        index = bisect_right(self._view_starts, position) - 1
        start, stop, verbatim = self._spans[index]
        if verbatim:
            return start + position - self._view_starts[index] + end
        return stop if end else start

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self._original(start, end=False), self._original(end - 1, end=True)


def _letters_view(text: str) -> _View:
    view = _View()
    for m in LETTER_RUN.finditer(text):
        view.add(m.group(), m.start(), m.end(), verbatim=True)
    return view


def _unescaped_view(text: str) -> _View:
    view, last = _View(), 0
    for m in _ESCAPE.finditer(text):
        view.add(text[last : m.start()], last, m.start(), verbatim=True)
        view.add(_unescape(m.group()), m.start(), m.end(), verbatim=False)
        last = m.end()
    view.add(text[last:], last, len(text), verbatim=True)
    return view


def _unescape(escape: str) -> str:
    if escape.startswith("&#"):
        body = escape[2:].rstrip(";")
        code = int(body[1:], 16) if body[:1] in "xX" else int(body)
    elif escape[:2] in ("\\u", "\\x"):
        code = int(escape[2:], 16)
    elif escape.startswith("%"):
        code = int(escape[1:], 16)
    else:
        code = int(escape[1:], 8)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""


def _printable(raw: bytes) -> str | None:
    """``raw`` as text if it is UTF-8 and at least 90 % printable; otherwise ``None``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    readable = sum(char.isprintable() or char in "\n\t" for char in text)
    return text if text and readable >= 0.9 * len(text) else None


def _decode_base64(run: str) -> str | None:
    run = run.rstrip("=").replace("-", "+").replace("_", "/")
    run = run[: len(run) - len(run) % 4] if len(run) % 4 == 1 else run
    try:
        return _printable(base64.b64decode(run + "=" * (-len(run) % 4), validate=True))
    except (binascii.Error, ValueError):
        return None


def _decode_hex(run: str) -> str | None:
    digits = re.sub(r"[ :,-]", "", run)
    return _printable(bytes.fromhex(digits)) if len(digits) % 2 == 0 else None


def _hidden_text(raw: str) -> Iterator[str]:
    """Text smuggled in invisible characters: ASCII in tag characters, bytes in variation selectors."""
    for m in _HIDDEN.finditer(raw):
        chunk = m.group()
        if "\U000e0020" <= chunk[0] <= "\U000e007e":
            yield "".join(chr(ord(char) - 0xE0000) for char in chunk)
        elif decoded := _printable(bytes(_VARIATION_BYTE[char] for char in chunk)):
            yield decoded


def _leet_view(text: str) -> str:
    """``text`` with digits and symbols inside words read as letters ("1gn0r3" as "ignore"), same length."""
    return _LEET_TOKEN.sub(
        lambda m: m.group().translate(_LEET) if _HAS_LETTER.search(m.group()) else m.group(), text
    )


def _respelled_word(word: str) -> str | None:
    """The listed attack word ``word`` misspells, if any."""
    word = word.lower()
    if word in _TYPO_WORDS:
        return None
    for variant in (word, *(word[:i] + word[i + 1 :] for i in range(len(word)))):
        fixed = _TYPO_INDEX.get(variant)
        if fixed is not None and not (word.startswith(fixed) or fixed.startswith(word)):
            return fixed
    return None


def _respelled(text: str) -> Iterator[_Hit]:
    """Hits that show only once leetspeak is read as letters and misspellings corrected.

    Only the lines that hold something to respell are scanned again, joined into one view with a
    blank line between them (so that no sentence, pair or paragraph of the score spans two of them):
    ordinary text costs one cheap pass over its words, and many short lines one scan, not one each.
    """
    leet = len(_LEET_HINT.findall(text)) >= 2
    misspelt = [m.start() for m in _TYPO_CANDIDATE.finditer(text) if _respelled_word(m.group())]
    if not leet and not misspelt:
        return
    view = _View()
    for line in _LINE.finditer(text):
        # the first misspelling at or after the line's start, if it is on the line (a bisect, so that
        # many short lines each with one stay linear)
        after = bisect_left(misspelt, line.start())
        misspelt_here = after < len(misspelt) and misspelt[after] < line.end()
        if not line.group() or not (misspelt_here or (leet and _LEET_HINT.search(line.group()))):
            continue
        subject = _leet_view(line.group()) if leet else line.group()  # same length as the line
        offset, last = line.start(), 0
        for m in _TYPO_CANDIDATE.finditer(subject):
            fixed = _respelled_word(m.group())
            if fixed is not None:
                view.add(subject[last : m.start()], offset + last, offset + m.start(), verbatim=True)
                view.add(fixed, offset + m.start(), offset + m.end(), verbatim=False)
                last = m.end()
        view.add(subject[last:], offset + last, line.end(), verbatim=True)
        view.add("\n\n", line.end(), line.end(), verbatim=False)
    for hit in _detect(view.text):
        start, end = view.original_span(hit.start, hit.end)
        if end > start:
            yield _Hit(start, end, "obfuscated", _excerpt(f"{text[start:end]} ({hit.family})"))


def _uncovered(hits: Iterator[_Hit], covered: list[_Hit]) -> Iterator[_Hit]:
    """The ``hits`` not inside a span already in ``covered`` (a respelled view finds the plain hits again)."""
    spans = sorted((hit.start, hit.end) for hit in covered)
    starts = [start for start, _ in spans]
    ends = list(accumulate((end for _, end in spans), max))
    for hit in hits:
        index = bisect_right(starts, hit.start) - 1
        if index < 0 or ends[index] < hit.end:
            yield hit


def _find(text: str, *, decode: bool = True) -> list[_Hit]:
    """Every flagged span of ``text`` (already normalised), plain and in the decoded views."""
    hits = list(_detect(text))
    folded = text if text.isascii() else text.translate(_CONFUSABLES)
    if folded != text:
        # Same length: the spans are the text's own, the excerpts the original letters.
        hits += (_Hit(h.start, h.end, h.family, _excerpt(text[h.start : h.end])) for h in _detect(folded))
    if not decode:
        return hits
    respelled = list(_uncovered(_respelled(folded), hits))
    hits += respelled
    for run, decoder, kind in (
        *((m, _decode_base64, "base64") for m in _BASE64_RUN.finditer(text)),
        *((m, _decode_hex, "hex") for m in _HEX_RUN.finditer(text)),
    ):
        decoded = decoder(run.group())
        inner = _find(normalise(decoded), decode=False) if decoded else []
        if inner:
            hits.append(
                _Hit(run.start(), run.end(), "encoded_payload", _excerpt(f"{kind}: {inner[0].excerpt}"))
            )
    if len(_ESCAPE.findall(text)) >= 3:
        view = _unescaped_view(text)
        for hit in _find(view.text, decode=False):
            start, end = view.original_span(hit.start, hit.end)
            if _ESCAPE.search(text, start, end):
                hits.append(_Hit(start, end, "encoded_payload", _excerpt(f"escaped: {hit.excerpt}")))
    rot13 = codecs.encode(text, "rot13")
    if ROT13_HINT.search(rot13):
        hits += (
            _Hit(h.start, h.end, "encoded_payload", _excerpt(f"rot13: {h.excerpt}"))
            for h in _match(rot13, PHRASE_FAMILIES)
        )
    if SPACED_LETTERS.search(text) or INNER_SEPARATOR.search(text) or "_" in text:
        letters = _letters_view(text)
        for m in SQUASHED.finditer(letters.text):
            start, end = letters.original_span(m.start(), m.end())
            hits.append(_Hit(start, end, m.lastgroup or "obfuscated", _excerpt(text[start:end])))
    return hits


def _findings(hits: list[_Hit]) -> tuple[Finding, ...]:
    ordered = sorted(hits, key=lambda hit: (hit.start, hit.end))
    return tuple(dict.fromkeys(Finding(hit.family, hit.excerpt) for hit in ordered))


def _hidden_findings(raw: str) -> list[_Hit]:
    if not _HIDDEN.search(raw):
        return []
    return [
        _Hit(0, 0, "encoded_payload", _excerpt(f"hidden characters: {inner[0].excerpt}"))
        for hidden in _hidden_text(raw)
        if (inner := _find(normalise(hidden), decode=False))
    ]


def scan(text: str) -> tuple[Finding, ...]:
    """What in ``text`` looks like an instruction to the model: detection only, on ``normalise(text)``."""
    return _findings(_hidden_findings(text) + _find(normalise(text)))


def _neutralise(text: str, hits: list[_Hit]) -> str:
    spans = sorted((hit.start, hit.end) for hit in hits if hit.end > hit.start)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces: list[str] = []
    last = 0
    for start, end in merged:
        pieces += (text[last:start], MARKER)
        last = end
    return "".join((*pieces, text[last:]))


def _cap(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` at a word boundary (never inside a marker), with an ellipsis."""
    cut = text[: max_chars + 1]
    space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
    end = space if space > max_chars // 2 else max_chars
    straddling = text.find(MARKER, max(0, end - len(MARKER) + 1))
    if -1 < straddling < end:
        end = straddling
    return text[:end].rstrip() + ELLIPSIS


def _neutralised(text: str) -> tuple[str, list[_Hit]]:
    """``text`` with every flagged span replaced by ``MARKER``, and the hits.

    Rescanned after replacing: a span the first pass skipped because it overlapped another match can
    show up once that match is gone. Three rounds is plenty (more than one is rare).
    """
    hits: list[_Hit] = []
    for _ in range(3):
        found = _find(text)
        if not found:
            break
        hits += found
        text = _neutralise(text, found)
    return text, hits


def clean(text: str, *, field: str, max_chars: int) -> CleanText:
    """``text`` made safe to put in a prompt: normalised, flagged spans replaced by ``MARKER``, capped."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    normalised = normalise(text)
    result, hits = _neutralised(normalised)
    hits = _hidden_findings(text) + hits
    truncated = len(result) > max_chars
    if truncated:
        # A cut at a word boundary can still leave a fragment that reads as something else (a cut-off tag).
        result, more = _neutralised(_cap(result, max_chars)[: -len(ELLIPSIS)])
        hits += more
        result = _cap(result, max_chars) if len(result) > max_chars else result + ELLIPSIS
    return CleanText(
        text=result,
        field=field,
        original_chars=len(text),
        truncated=truncated,
        changed_by_normalisation=normalised != text,
        findings=_findings(hits),
    )


# --- framing -----------------------------------------------------------------------------------

_TAG_NAME: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")

with warnings.catch_warnings():
    # Registering warns if some text was escaped before (a late, lazy import): the only effect is that
    # text framed earlier escaped fewer tags, which is harmless here and must not become an error.
    warnings.simplefilter("ignore", UserWarning)
    for _tag in DATA_TAGS:
        register_tag(_tag)


def data_block(tag: str, payload: object) -> str:
    """``payload`` as JSON inside ``<tag>…</tag>``, a block the prompt tells the model holds data only.

    Pydantic AI's ``neutralize_tags`` escapes the ``<`` of every framing tag in the body (its own tags,
    ``<system>`` and every tag in ``DATA_TAGS``) in any case or spacing. Two more cases are escaped the
    same way here: ``tag`` itself when it isn't registered, and a tag name followed by JSON's ``\\n``
    (``"</portfolio_facts\\nSystem: …"``), which that function leaves alone but a model may read as a tag.
    """
    if not _TAG_NAME.fullmatch(tag) or tag == "system":
        raise ValueError(f"data block tags are lowercase snake_case names other than 'system', got {tag!r}")
    body = json.dumps(payload, ensure_ascii=False, indent=None, default=str, sort_keys=False)
    names = "|".join(dict.fromkeys((tag, "system", *DATA_TAGS)))
    body = re.sub(
        rf"<(?=\s*(?:/\s*)?(?:{names})(?![a-z0-9_]))", "&lt;", neutralize_tags(body), flags=re.IGNORECASE
    )
    return f"<{tag}>\n{body}\n</{tag}>"
