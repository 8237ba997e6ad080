"""HTML pages to PDF, one at a time or many at once in worker processes (WeasyPrint is pure
Python, so one process uses one core; a statement run uses every core it is given).

The workers only lay out HTML: they never touch the database, so they are started with ``spawn``
(no inherited connections) and each keeps one font configuration for all its pages. Pages go in
chunks so that a worker's start-up is paid once per run, not once per page.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_FONTS: Any = None
_FETCHER: Any = None
# An opening tag, its attributes quoted or not (a ">" inside a quoted value does not end it).
_TAG = re.compile(
    r"""<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=<>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*)"""
    r"""\s*(/?)>"""
)
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_CLASS = re.compile(r'\sclass="([^"]*)"')


def hoist_inline_styles(html: str) -> str:
    """The same page with each distinct ``style="..."`` attribute turned into a class and one
    rule in the page's stylesheet (``!important``, as an inline style wins over the rest).

    The document templates carry inline styles because the email's HTML part needs them; laid
    out as PDF, WeasyPrint parses an inline style once per element, a rule once per page: a
    statement lays out a third faster."""
    rules: dict[str, str] = {}

    def tag(match: re.Match[str]) -> str:
        name, attrs, close = match.group(1), match.group(2) or "", match.group(3)
        found = _STYLE.search(attrs)
        if not found:
            return match.group(0)
        css = found.group(1)
        cls = rules.setdefault(css, f"s-{len(rules)}")
        attrs = attrs[: found.start()] + attrs[found.end() :]
        if _CLASS.search(attrs):
            attrs = _CLASS.sub(lambda c: f' class="{c.group(1)} {cls}"', attrs, count=1)
        else:
            attrs += f' class="{cls}"'
        return f"<{name}{attrs}{close}>"

    head, marker, body = html.partition("<body")
    if not marker:
        return html
    body = _TAG.sub(tag, body)
    if not rules:
        return html
    sheet = "".join(f".{cls} {{ {_important(css)} }}\n" for css, cls in rules.items())
    head = head.replace("</head>", f"<style>\n{sheet}</style></head>", 1)
    return head + marker + body


def _important(css: str) -> str:
    decls = [d.strip() for d in css.replace("&quot;", '"').split(";") if d.strip()]
    return " ".join(f"{d} !important;" for d in decls)


def render_one(html: str) -> bytes:
    """One page to PDF, reusing this process's font configuration and URL fetcher (WeasyPrint
    builds a TLS context for each new fetcher: a third of a small page's time)."""
    global _FONTS, _FETCHER
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    if _FONTS is None:
        _FONTS, _FETCHER = FontConfiguration(), URLFetcher()
    page = HTML(string=hoist_inline_styles(html), base_url=None, url_fetcher=_FETCHER)
    return page.write_pdf(font_config=_FONTS)


def _render_chunk(pages: list[str]) -> list[bytes]:
    return [render_one(page) for page in pages]


def default_workers() -> int:
    from django.conf import settings

    wanted = int(getattr(settings, "OPENAR_PDF_WORKERS", 0) or 0)
    return max(1, wanted or min(2, os.cpu_count() or 1))


class PdfPool:
    """A pool of PDF workers for one run: ``render(pages)`` yields the PDFs in order."""

    def __init__(self, workers: int | None = None, chunk: int = 8) -> None:
        self.workers = workers or default_workers()
        self.chunk = chunk
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> PdfPool:
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def render(self, pages: Iterable[str]) -> Iterator[bytes]:
        pages = list(pages)
        if self._executor is None or len(pages) <= 1:
            for page in pages:
                yield render_one(page)
            return
        size = max(1, min(self.chunk, -(-len(pages) // self.workers)))
        chunks = [pages[i : i + size] for i in range(0, len(pages), size)]
        for done in self._executor.map(_render_chunk, chunks):
            yield from done
