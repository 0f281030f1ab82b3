"""Markdown a model may have written, rendered to HTML that is safe to put on a page.

Two layers: markdown-it in CommonMark mode with raw HTML off (``<script>`` stays text, and
its link validator refuses ``javascript:``/``data:`` targets), then nh3 (ammonia) keeps only an
allow-list of tags, only ``href``/``title`` on links, and only http(s)/mailto URLs. Images are
not allowed: a report has no reason to make the browser fetch anything.
"""

from __future__ import annotations

from typing import Final

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "code", "pre", "blockquote",
        "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Final = {"a": {"href", "title"}}
URL_SCHEMES: Final = frozenset({"https", "http", "mailto"})

_PARSER: Final = MarkdownIt("commonmark", {"html": False}).enable("table")
"""CommonMark plus pipe tables (the writers tabulate numbers); raw HTML stays text."""


def sanitize(html: str) -> str:
    """Only the allow-listed tags, link attributes and URL schemes of ``html``."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML of untrusted markdown, marked safe for Jinja (empty for ``None``)."""
    if not text:
        return Markup("")
    return Markup(sanitize(_PARSER.render(text)))  # noqa: S704 - sanitised by nh3 just above
