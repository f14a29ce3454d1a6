"""The join URL as QR modules, for every surface that draws it (the TUI's lobby in
half-blocks, the projector page in SVG). Pure: no terminal, no browser."""

from __future__ import annotations

QUIET = 2
"""Modules of white border; scanners want some, terminals have little room."""


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules (True = dark) including the quiet zone."""
    import qrcode  # type: ignore[import-untyped]  # noqa: PLC0415 - ~30 ms, and a resumed session may never show a code

    code = qrcode.QRCode(border=QUIET, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(dark) for dark in row] for row in code.get_matrix()]


def qr_rows(data: str) -> list[str]:
    """The modules as one string of "1" (dark) and "0" per row: how the projector
    page is sent them, to draw as SVG squares."""
    return ["".join("1" if dark else "0" for dark in row) for row in qr_matrix(data)]
