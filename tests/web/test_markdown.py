"""Model-written markdown comes out as inert HTML: no scripts, no handlers, no dangerous URLs."""

from __future__ import annotations

from markupsafe import Markup

from alex.web.markdown import render_markdown, sanitize


def test_markdown_becomes_the_allowed_html() -> None:
    html = render_markdown("## Summary\n\nYou hold **60 %** equity and *some* `cash`.\n\n- one\n- two\n")
    assert isinstance(html, Markup)
    assert "<h2>Summary</h2>" in html
    assert "<strong>60 %</strong>" in html
    assert "<em>some</em>" in html
    assert "<code>cash</code>" in html
    assert "<li>one</li>" in html


def test_raw_html_is_shown_as_text_never_run() -> None:
    html = render_markdown(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\nok <b onclick=x()>b</b>"
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "<b " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_only_web_and_mail_links_survive() -> None:
    html = render_markdown(
        "[bad](javascript:alert(1)) [data](data:text/html,x) [vb](vbscript:x) "
        "[good](https://example.com/a) [mail](mailto:a@example.com)"
    )
    assert 'href="javascript' not in html
    assert 'href="data' not in html
    assert 'href="vbscript' not in html
    assert 'href="https://example.com/a"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_images_are_dropped() -> None:
    html = render_markdown("![pixel](https://tracker.example/p.png)")
    assert "<img" not in html
    assert "tracker.example" not in html


def test_the_sanitiser_alone_strips_what_a_renderer_might_let_through() -> None:
    dirty = (
        '<p onclick="x()">hi <a href="javascript:alert(1)" onmouseover="y()">a</a>'
        '<iframe src="https://e.com"></iframe><style>p{}</style><span class="c">s</span></p>'
    )
    clean = sanitize(dirty)
    assert "onclick" not in clean
    assert "onmouseover" not in clean
    assert "javascript:" not in clean
    assert "<iframe" not in clean
    assert "<style" not in clean
    assert "<span" not in clean
    assert clean.startswith("<p>hi <a")


def test_nothing_renders_as_nothing() -> None:
    assert render_markdown(None) == ""
    assert render_markdown("") == ""


def test_pipe_tables_become_tables() -> None:
    html = render_markdown("| Year | Median |\n| --- | ---: |\n| 0 | $1,000 |\n")
    assert "<table>" in html
    assert "<th>Year</th>" in html
    assert "<td>$1,000</td>" in html
