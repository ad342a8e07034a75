"""Checks a test makes on a PDF as its reader gets it, with poppler (pdffonts, pdftoppm).

Rendering runs with an empty fontconfig, so a glyph shows only if the PDF carries it: a page
that needs the machine's Chinese fonts renders blank here. deploy/dev/pdf-tools.sh installs
poppler-utils and zbar-tools (zbarimg reads QR codes
as a phone would); a missing tool fails the test rather than skipping it.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

__all__ = [
    "EMPTY_FONTCONFIG",
    "PdfFont",
    "ink_pixels",
    "pdf_fonts",
    "pdf_text",
    "read_qr_codes",
    "render_page",
]

EMPTY_FONTCONFIG = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n'
)


@dataclass(frozen=True, slots=True)
class PdfFont:
    name: str
    type: str
    embedded: bool
    subset: bool


def _no_system_fonts(tmp: Path) -> dict[str, str]:
    conf = tmp / "fonts.conf"
    conf.write_text(EMPTY_FONTCONFIG)
    return {"FONTCONFIG_FILE": str(conf), "HOME": str(tmp), "PATH": "/usr/bin:/bin"}


def _run(args: list[str], pdf: bytes, tmp: Path, after: tuple[str, ...] = ()) -> str:
    source = tmp / "in.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        [*args, str(source), *after],
        capture_output=True,
        text=True,
        env=_no_system_fonts(tmp),
        check=True,
        timeout=60,
    )
    return done.stdout


def pdf_fonts(pdf: bytes) -> list[PdfFont]:
    """Every font the PDF uses, as `pdffonts` lists them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = _run(["pdffonts"], pdf, Path(tmp))
    fonts = []
    # Columns: name type(words) encoding emb sub uni object ID; split from the right.
    for line in out.splitlines()[2:]:
        parts = line.split()
        emb, sub = parts[-5], parts[-4]
        fonts.append(
            PdfFont(
                name=parts[0],
                type=" ".join(parts[1:-6]),
                embedded=emb == "yes",
                subset=sub == "yes",
            )
        )
    return fonts


def pdf_text(pdf: bytes) -> str:
    """The text a reader can copy out (`pdftotext -layout`)."""
    with tempfile.TemporaryDirectory() as tmp:
        return _run(["pdftotext", "-layout", "-enc", "UTF-8"], pdf, Path(tmp), ("-",))


def render_page(pdf: bytes, page: int = 1, dpi: int = 72) -> Image.Image:
    """Page ``page`` (1-based) as an RGB image, rendered without any system font."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                str(tmp / "page"),
            ],
            capture_output=True,
            env=_no_system_fonts(tmp),
            check=True,
            timeout=60,
        )
        with Image.open(io.BytesIO((tmp / "page.png").read_bytes())) as image:
            return image.convert("RGB")


def ink_pixels(
    image: Image.Image, box: tuple[float, float, float, float] | None = None, *, dpi: int = 72
) -> int:
    """Non-paper pixels in ``box`` (x0, y0, x1, y1 in PDF points from the bottom-left)."""
    if box is not None:
        scale = dpi / 72
        x0, y0, x1, y1 = box
        height = image.height
        image = image.crop(
            (int(x0 * scale), int(height - y1 * scale), int(x1 * scale), int(height - y0 * scale))
        )
    # Anything visibly darker than paper counts, grey placeholder text included.
    return sum(image.convert("L").histogram()[:200])


def read_qr_codes(image: Image.Image) -> list[str]:
    """What a phone reads from the QR codes on a rendered page (`zbarimg`)."""
    with tempfile.TemporaryDirectory() as tmp_name:
        path = Path(tmp_name) / "page.png"
        image.save(path)
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    # zbarimg exits 4 when it finds no code: an empty list, for the test to judge.
    if done.returncode not in (0, 4):
        raise RuntimeError(f"zbarimg failed: {done.stderr}")
    return [line for line in done.stdout.splitlines() if line]
