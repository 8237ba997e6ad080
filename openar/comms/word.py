"""A letter as a Word document (python-docx), for a person to edit by hand before it goes out.

Written from the same HTML page as the letter PDF (``documents.letter_page``), so the Word copy
says what the PDF says: the letterhead's name and lines, the address block, the date, the
subject, the body with its items and totals tables, the payment instructions and the aging. The
logo (SVG) and the page styles are left out: Word users restyle freely."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Pt
from lxml import html as lxml_html

_SKIP = {"style", "script", "svg", "head", "title", "meta"}
_BLOCKS = {"p", "div", "table", "h1", "h2", "h3", "section", "ul", "ol"}
# Blocks whose line breaks are the text's own (CSS white-space: pre-line on the page).
_PRE_LINE = {"who", "address", "footer"}


def _tag(el: Any) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def _runs(paragraph: Any, el: Any, *, bold: bool = False, pre_line: bool = False) -> None:
    """``el``'s text and inline children into ``paragraph``: <br> (and, in pre-line blocks,
    newlines) as line breaks, <strong>/<b> as bold."""

    def add(text: str | None, is_bold: bool) -> None:
        if not text:
            return
        if pre_line:
            lines = text.strip("\n").split("\n") if text.strip() else []
            for i, line in enumerate(lines):
                if i:
                    paragraph.add_run().add_break()
                paragraph.add_run(line.strip()).bold = is_bold or None
        else:
            words = " ".join(text.split())
            if text[:1].isspace() and paragraph.runs and words:
                words = " " + words
            if text[-1:].isspace() and words:
                words += " "
            if words:
                paragraph.add_run(words).bold = is_bold or None

    add(el.text, bold)
    for child in el:
        tag = _tag(child)
        if tag in _SKIP:
            add(child.tail, bold)
            continue
        if tag == "br":
            paragraph.add_run().add_break()
        else:
            _runs(paragraph, child, bold=bold or tag in ("strong", "b"), pre_line=pre_line)
        add(child.tail, bold)


def _table(doc: Any, el: Any) -> None:
    rows = [row for row in el.iter("tr")]
    if not rows:
        return
    width = max(
        sum(int(cell.get("colspan", "1") or 1) for cell in row if _tag(cell) in ("td", "th"))
        for row in rows
    )
    table = doc.add_table(rows=0, cols=max(width, 1))
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        col = 0
        for cell in row:
            if _tag(cell) not in ("td", "th"):
                continue
            span = int(cell.get("colspan", "1") or 1)
            target = cells[col]
            if span > 1:
                target = target.merge(cells[min(col + span, width) - 1])
            paragraph = target.paragraphs[0]
            _runs(paragraph, cell, bold=_tag(cell) == "th")
            for run in paragraph.runs:
                run.font.size = Pt(9)
            col += span


def _blocks(doc: Any, el: Any) -> None:
    for child in el:
        tag = _tag(child)
        if not tag or tag in _SKIP:
            continue
        classes = set((child.get("class") or "").split())
        if tag == "table":
            _table(doc, child)
        elif tag in ("h1", "h2", "h3"):
            doc.add_heading(child.text_content().strip(), level=int(tag[1]))
        elif tag in _BLOCKS and any(_tag(c) in _BLOCKS for c in child):
            if child.text and child.text.strip():
                doc.add_paragraph(child.text.strip())
            _blocks(doc, child)
        elif child.text_content().strip():
            paragraph = doc.add_paragraph()
            _runs(paragraph, child, bold="name" in classes, pre_line=bool(classes & _PRE_LINE))
            if "date" in classes:
                paragraph.alignment = 2  # right, as on the printed letter


def letter_docx(page_html: str) -> bytes:
    """The letter page (``documents.letter_page``) as a .docx file."""
    root = lxml_html.document_fromstring(page_html)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    body = root.find("body")
    _blocks(doc, body if body is not None else root)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
