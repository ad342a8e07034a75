"""QR codes of an order's code_url (微信扫码支付) for the web app."""

from __future__ import annotations

import io

import segno


def _qr(code_url: str) -> segno.QRCode:
    return segno.make(code_url, error="m", micro=False)


def svg(code_url: str) -> str:
    """An inline <svg> element (no XML declaration), ready to drop into a page."""
    return str(_qr(code_url).svg_inline(scale=5, border=2))


def png(code_url: str) -> bytes:
    buffer = io.BytesIO()
    _qr(code_url).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
