import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alex.guardrails.size import NOTE, cap_markdown

WORDS = ("allocation", "drift", "bonds", "equities", "rebalance", "retirement", "fees", "cash")


def _paragraph(seed: int, words: int) -> str:
    sentence: list[str] = []
    for n in range(words):
        sentence.append(WORDS[(seed + n * 7) % len(WORDS)])
    text = " ".join(sentence)
    return re.sub(r"(\w+ \w+ \w+ \w+ \w+ \w+ \w+ \w+ \w+ \w+) ", r"\1. ", text).capitalize() + "."


def _long_report() -> str:
    """About 8,000 words: a title, then 40 "## " sections of two 100-word paragraphs."""
    parts = ["# Portfolio report", _paragraph(0, 40)]
    for section in range(1, 41):
        parts += [f"## Section {section}", _paragraph(section, 100), _paragraph(section + 1, 100)]
    return "\n\n".join(parts)


def _fences_balanced(text: str) -> bool:
    """No code block left open at the end (CommonMark: a closing fence is bare and long enough)."""
    opened = ""
    for line in text.splitlines():
        fence = re.match(r" {0,3}(`{3,}|~{3,})(.*)", line)
        if fence is None:
            continue
        marker, rest = fence.groups()
        if not opened and not (marker[0] == "`" and "`" in rest):
            opened = marker
        elif opened and marker[0] == opened[0] and len(marker) >= len(opened) and not rest.strip():
            opened = ""
    return not opened


def test_short_text_is_unchanged() -> None:
    capped = cap_markdown("## Summary\n\nAll fine.", max_chars=100)
    assert capped.text == "## Summary\n\nAll fine."
    assert not capped.truncated
    assert (capped.kept_sections, capped.dropped_sections) == (1, 0)


def test_a_long_report_is_cut_just_before_a_heading() -> None:
    report = _long_report()
    assert len(report.split()) > 8_000
    capped = cap_markdown(report, max_chars=20_000)
    assert capped.truncated
    assert capped.original_chars == len(report)
    assert len(capped.text) <= 20_000
    assert capped.text.endswith(NOTE)
    assert capped.text.startswith("# Portfolio report\n\n")
    kept = capped.text.removesuffix(NOTE)
    assert report.startswith(kept)
    assert report[len(kept) :].startswith("\n\n## Section ")
    # The longest such prefix: the next section would not have fitted.
    next_heading = report.index("\n\n## Section ", len(kept) + 1)
    assert next_heading + len(NOTE) > 20_000
    assert capped.kept_sections == kept.count("\n## ") + 1
    assert capped.kept_sections + capped.dropped_sections == 41


def test_the_first_section_is_kept_even_when_a_heading_is_close_to_the_start() -> None:
    text = "Intro line.\n\n## First\n\n" + "Long sentence here. " * 100 + "\n\n## Second\n\nMore."
    capped = cap_markdown(text, max_chars=600)
    kept = capped.text.removesuffix(NOTE)
    assert "## First" in kept
    assert len(capped.text) <= 600
    assert capped.dropped_sections == 1


def test_without_headings_the_cut_is_at_a_paragraph_boundary() -> None:
    paragraphs = [_paragraph(n, 60) for n in range(20)]
    text = "\n\n".join(paragraphs)
    capped = cap_markdown(text, max_chars=2_000)
    kept = capped.text.removesuffix(NOTE)
    assert capped.text.endswith(NOTE)
    assert len(capped.text) <= 2_000
    assert kept == "\n\n".join(paragraphs[: kept.count("\n\n") + 1])
    assert (capped.kept_sections, capped.dropped_sections) == (0, 0)


def test_one_long_paragraph_is_cut_at_a_sentence_end_then_at_a_word() -> None:
    sentences = cap_markdown("First sentence here. Second one is longer than that.", max_chars=30, note="")
    assert sentences.text == "First sentence here."
    words = cap_markdown("alpha beta gamma delta epsilon", max_chars=14, note="")
    assert words.text == "alpha beta"


def test_a_cut_inside_a_code_block_moves_before_the_fence() -> None:
    text = "Intro.\n\n```python\n# a comment, not a heading\nx = 1\n\ny = 2\n```\n\nAfter " + "z " * 80
    capped = cap_markdown(text, max_chars=60 + len(NOTE))
    assert capped.text == "Intro." + NOTE
    assert capped.kept_sections == 0
    assert _fences_balanced(capped.text)


def test_fences_close_only_on_a_bare_fence_of_the_same_kind() -> None:
    # "```python" inside a block is content, not its end: the blank line after it is in the block.
    text = "Intro.\n\n```\ncode\n```python\n\nmore\n```\n\nAfter the code, words and words."
    inside = cap_markdown(text, max_chars=text.index("more\n```") + 4, note="")
    assert inside.text == "Intro."
    # A ``` line inside a ~~~ block neither opens nor closes anything.
    mixed = "~~~\n```\n~~~\n\nAfter the block, words and words."
    assert cap_markdown(mixed, max_chars=20, note="").text == "~~~\n```\n~~~"


def test_an_unclosed_code_block_is_dropped_whole() -> None:
    text = "## Data\n\nSome text.\n\n```\nrow 1\n\nrow 2\n\nrow 3 " + "x " * 200
    capped = cap_markdown(text, max_chars=120)
    assert capped.text == "## Data\n\nSome text." + NOTE
    assert _fences_balanced(capped.text)


def test_a_note_that_does_not_fit_is_left_out() -> None:
    capped = cap_markdown("word " * 40, max_chars=20)
    assert capped.text == "word word word word"
    assert capped.truncated


def test_negative_limits_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        cap_markdown("text", max_chars=-1)


_LINES = st.one_of(
    st.text(alphabet="abc .!?,\t", max_size=40),
    st.sampled_from(["", "## Heading", "# Title", "```", "```python", "~~~", "````", "- item", "    code"]),
    st.builds(lambda word: f"### {word}", st.text(alphabet="xyz", min_size=1, max_size=8)),
)
_MARKDOWN = st.lists(_LINES, max_size=40).map("\n".join)


@given(text=_MARKDOWN, max_chars=st.integers(min_value=0, max_value=400))
def test_capped_markdown_fits_and_is_a_prefix_of_the_input(text: str, max_chars: int) -> None:
    capped = cap_markdown(text, max_chars=max_chars)
    assert len(capped.text) <= max_chars
    assert capped.truncated == (len(text) > max_chars)
    kept = capped.text.removesuffix(NOTE)
    assert text.startswith(kept)
    if capped.truncated:
        assert _fences_balanced(kept)
        assert kept == "" or text[len(kept)].isspace()  # never mid-word
