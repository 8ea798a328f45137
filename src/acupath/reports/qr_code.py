"""A QR code as inline SVG (segno), for the portal invitation a clinician shows the patient.

segno is pure Python and writes the SVG itself: no image file, no request to any service, and the
page's policy (no inline style) holds, since the SVG carries presentation attributes only. Error
correction level M (15 % of the code may be damaged or covered and it still reads) and the standard
quiet zone of 4 modules, so a phone camera finds it on a screen or on paper.
"""

from __future__ import annotations


def qr_svg(text: str, title: str, scale: int = 5) -> str:
    """Return an ``<svg>`` element (no XML declaration) encoding ``text``, titled ``title``.

    Raises ``ValueError`` when ``text`` does not fit a QR code (over about 2,300 characters at M) or
    ``scale`` is below 1.
    """
    import segno  # here: most commands and pages never draw one

    if scale < 1:
        raise ValueError("scale must be at least 1")
    code = segno.make(text, error="m", micro=False)
    svg = str(code.svg_inline(scale=scale, border=4, title=title, svgclass="qr-code", lineclass="qr-line",
                              omitsize=True, dark="#000", light="#fff"))
    # An image to screen readers, named by its <title> (segno escapes the title's text).
    return svg.replace("<svg ", '<svg role="img" ', 1)
