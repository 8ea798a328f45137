"""Reading the PDF documents in tests as a person reads them: their text (``pdftotext``), their pages.

poppler-utils (``make pdf-libs``) gives ``pdftotext`` and ``pdfinfo``. Text is read in reading order
(each table cell's words together, not the page's lines across columns) with every run of white space,
line ends included, squeezed to one space, so an assertion names words as a sentence or a cell holds
them even when the page wraps them.
"""

from __future__ import annotations

import re
import subprocess


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page of ``pdf``, white space squeezed to single spaces. Raises if it is not a PDF."""
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def pdf_pages(pdf: bytes) -> int:
    """Return how many pages ``pdf`` has (``pdfinfo``)."""
    done = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    return int(re.search(rb"^Pages:\s+(\d+)", done.stdout, re.MULTILINE).group(1))
