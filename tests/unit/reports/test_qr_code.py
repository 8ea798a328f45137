"""The invitation's QR code: inline SVG that scales (a viewBox), named for screen readers, same input
same drawing, and a refusal for a text no QR code holds."""

from __future__ import annotations

import pytest
import segno

from acupath.reports.qr_code import qr_svg

LINK = "https://portal.harbour.example/portal/link?token=JGPGQXPZiTCBqNkNbppSm5_UYGKQj-IS9ZDtp0upWuU"


def test_the_svg_is_inline_scalable_and_named() -> None:
    svg = qr_svg(LINK, "QR code for <Anna> & co")
    assert svg.startswith('<svg role="img" viewBox="0 0 ') and 'class="qr-code"' in svg
    assert "<title>QR code for &lt;Anna&gt; &amp; co</title>" in svg
    assert "<?xml" not in svg and "xmlns" not in svg and "style=" not in svg  # the page's policy: no inline style


def test_it_draws_the_code_segno_makes_of_the_link() -> None:
    code = segno.make(LINK, error="m", micro=False)
    assert code.error == "M"
    size = (code.symbol_size(scale=5, border=4))[0]
    assert f'viewBox="0 0 {size} {size}"' in qr_svg(LINK, "t")
    assert qr_svg(LINK, "t") == qr_svg(LINK, "t") != qr_svg(LINK + "x", "t")


def test_a_text_too_long_for_a_qr_code_is_refused() -> None:
    with pytest.raises(ValueError):
        qr_svg("x" * 5000, "t")
    with pytest.raises(ValueError):
        qr_svg(LINK, "t", scale=0)
