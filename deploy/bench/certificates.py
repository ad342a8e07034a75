"""Bulk certificate generation and signing (issue 13): the project's path against bare
reportlab + pyHanko, in the same run, on one core each.

    nice -n 10 uv run --frozen python deploy/bench/certificates.py --count 1000 --level lt

* **project**: what the certificate service does per certificate once the database has
  answered: load the head's and the organisation's identities from their stored encrypted
  PEM (`identities.keystore.decrypt_key`), `render_certificate` (skillcert.pdf: embedded CJK
  font subset, photo, QR code, both stamps, two signature fields) and `render_and_sign` (the
  head's then the organisation's PAdES signature; with ``--level lt`` each gets an RFC 3161
  timestamp over HTTP and its DSS with certificates and CRLs: B-LT).
* **bare**: the same page drawn straight on a reportlab canvas (same font, texts, photo,
  stamps, reportlab's own QR widget) and signed twice with one pyHanko ``SimpleSigner`` per
  signer built once, the same signature settings, pyHanko creating the fields as it signs.

The TSA and the CRL distribution point are `skillcert_devtools.pki.DevPki` on 127.0.0.1, in
this process; each measured batch runs in its own child process pinned to one CPU, so its
peak RSS (``ru_maxrss``) is that path's alone. Batches alternate project / bare (ABBA) to
spread the shared machine's noise over both. Output: a table and, with ``--json``, a record.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "services/certificate/tests/pdf"))  # the test stamp and photo


@dataclass(frozen=True)
class Job:
    path: str  # "project" | "bare"
    start: int
    count: int
    level: str  # "b" | "lt"
    head_key_pem: str
    head_cert_pem: str
    org_key_pem: str
    org_cert_pem: str
    passphrase: bytes
    root_pem: bytes
    issuing_key_pem: bytes
    issuing_cert_pem: bytes
    tsa_url: str
    cpu: int | None


def _content(i: int, stamp: bytes, photo: bytes) -> Any:
    from certificate.pdf import CertificateContent

    number = f"S0000110000{i:08d}"
    return CertificateContent(
        holder_name=("张三丰", "李小龙", "欧阳修远")[i % 3],
        id_number=f"110101199003{i % 10000:04d}14",
        occupation="电子商务师",
        level="一级/高级技师",
        certificate_no=number,
        issue_date=date(2026, 12, 8),
        organisation_name="北京市某某职业技能培训评价有限公司",
        institution_name="北京市第一职业技能考核站",
        verify_url=f"https://skillcert.example.cn/verify?number={number}",
        head_stamp_png=stamp,
        org_stamp_png=stamp,
        holder_photo=photo,
    )


def _run(job: Job) -> dict[str, Any]:
    if job.cpu is not None:
        os.sched_setaffinity(0, {job.cpu})
    from conftest import _photo_jpeg, _stamp_png  # type: ignore[import-not-found]

    stamp, photo = _stamp_png(), _photo_jpeg()
    runner = _project if job.path == "project" else _bare
    sizes = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    for i, pdf in runner(job, stamp, photo):
        sizes += len(pdf)
        if i == job.start:
            # One sample kept per batch would cost I/O; check the first instead.
            assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {
        "path": job.path,
        "count": job.count,
        "elapsed_s": elapsed,
        "cpu_s": cpu,
        "mean_pdf_bytes": sizes / job.count,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _project(job: Job, stamp: bytes, photo: bytes) -> Any:
    from cryptography import x509

    from certificate.certificates.service import render_and_sign
    from certificate.identities.keystore import decrypt_key
    from certificate.pdf import LongTermValidation, SigningIdentity, make_crl

    long_term = None
    if job.level == "lt":
        issuing = SigningIdentity.from_pem(job.issuing_key_pem, job.issuing_cert_pem)
        # The keystore makes the issuing CA's CRL once an hour; once per batch here.
        long_term = LongTermValidation(
            trust_roots=tuple(x509.load_pem_x509_certificates(job.root_pem)),
            tsa_url=job.tsa_url,
            crls=(make_crl(issuing),),
        )
    for i in range(job.start, job.start + job.count):
        head = decrypt_key(job.head_key_pem, job.head_cert_pem, job.passphrase)
        org = decrypt_key(job.org_key_pem, job.org_cert_pem, job.passphrase)
        yield i, render_and_sign(_content(i, stamp, photo), head, org, long_term)


def _bare(job: Job, stamp: bytes, photo: bytes) -> Any:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.stamp import NoOpStampStyle
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from certificate.pdf import SigningIdentity, make_crl

    pdfmetrics.registerFont(
        TTFont("Bare", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0)
    )
    width, height = landscape(A4)

    def der(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    def simple_signer(key_pem: str, cert_pem: str) -> signers.SimpleSigner:
        ident = SigningIdentity.from_pem(
            key_pem.encode(), cert_pem.encode(), password=job.passphrase
        )
        return signers.SimpleSigner(
            signing_cert=der(ident.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                ident.private_key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs([der(c) for c in ident.chain]),
        )

    head = simple_signer(job.head_key_pem, job.head_cert_pem)
    org = simple_signer(job.org_key_pem, job.org_cert_pem)
    roots = [der(c) for c in x509.load_pem_x509_certificates(job.root_pem)]
    issuing = SigningIdentity.from_pem(job.issuing_key_pem, job.issuing_cert_pem)
    crl = asn1_crl.CertificateList.load(make_crl(issuing))
    timestamper = HTTPTimeStamper(job.tsa_url) if job.level == "lt" else None
    stamp_img, photo_img = ImageReader(io.BytesIO(stamp)), ImageReader(io.BytesIO(photo))

    def draw(i: int) -> bytes:
        content = _content(i, stamp, photo)
        buf = io.BytesIO()
        c = Canvas(buf, pagesize=(width, height), pageCompression=1, initialFontName="Bare")
        c.setFont("Bare", 34)
        c.drawCentredString(width / 2, height - 96, "职业技能等级证书")
        y = height - 176
        for label, value in (
            ("姓　　名", content.holder_name),
            ("证件号码", content.id_number),
            ("职业（工种）", content.occupation),
            ("职业技能等级", content.level),
            ("证书编号", content.certificate_no),
            ("发证日期", "2026年12月08日"),
        ):
            c.setFont("Bare", 14)
            c.drawString(110, y, f"{label}：")
            c.setFont("Bare", 16)
            c.drawString(232, y, value)
            y -= 31
        c.setFont("Bare", 12)
        c.drawString(110, y - 6, "经考核评价，成绩合格，达到本职业（工种）相应等级要求，特发此证。")
        c.drawImage(photo_img, 430, height - 276, width=84, height=118)
        qr = QrCodeWidget(content.verify_url)
        drawing = Drawing(124, 124)
        drawing.add(qr)
        renderPDF.draw(drawing, c, 560, height - 314)
        c.drawString(560, height - 330, "扫码查验证书真伪")
        for left, role, party in (
            (96, "考核站点负责人", content.institution_name),
            (width - 336, "培训评价组织", content.organisation_name),
        ):
            c.drawCentredString(left + 120, 70, role)
            c.drawCentredString(left + 120, 52, party)
            c.drawImage(stamp_img, left + 60, 88, width=112, height=112, mask="auto")
        c.showPage()
        c.save()
        return buf.getvalue()

    def sign(pdf: bytes, signer: signers.SimpleSigner, name: str, box: tuple[int, ...]) -> bytes:
        context = None
        if job.level == "lt":
            context = ValidationContext(
                trust_roots=roots, crls=[crl], allow_fetching=True, revocation_mode="require"
            )
        meta = signers.PdfSignatureMetadata(
            field_name=name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            embed_validation_info=job.level == "lt",
            validation_context=context,
        )
        out = io.BytesIO()
        signers.PdfSigner(
            meta,
            signer,
            timestamper=timestamper,
            stamp_style=NoOpStampStyle(),
            new_field_spec=fields.SigFieldSpec(sig_field_name=name, on_page=0, box=box),
        ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
        return out.getvalue()

    for i in range(job.start, job.start + job.count):
        pdf = sign(draw(i), head, "Head", (96, 88, 336, 200))
        yield i, sign(pdf, org, "Org", (int(width) - 336, 88, int(width) - 96, 200))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates per path")
    parser.add_argument("--batches", type=int, default=4, help="alternating batches per path")
    parser.add_argument("--level", choices=("b", "lt"), default="lt", help="PAdES B or B-LT")
    parser.add_argument("--cpu", type=int, default=None, help="pin every batch to this CPU")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from certificate.identities.keystore import encrypt_key
    from certificate.pdf import issue_certificate
    from skillcert_devtools.pki import DevPki

    passphrase = b"bench-signer-keys-passphrase"
    results: list[dict[str, Any]] = []
    with DevPki.create() as pki:
        crl_url = pki.crl_url("issuing")
        head = issue_certificate("王站长 考核站点负责人", "考核站", pki.issuing, crl_url=crl_url)
        org = issue_certificate("某某培训评价组织", "评价组织", pki.issuing, crl_url=crl_url)
        per_batch = args.count // args.batches
        order = []
        for b in range(args.batches):
            order += ["project", "bare"] if b % 2 == 0 else ["bare", "project"]
        context = mp.get_context("spawn")
        for n, path in enumerate(order):
            job = Job(
                path=path,
                start=(n // 2) * per_batch,
                count=per_batch,
                level=args.level,
                head_key_pem=encrypt_key(head, passphrase),
                head_cert_pem=head.cert_pem().decode(),
                org_key_pem=encrypt_key(org, passphrase),
                org_cert_pem=org.cert_pem().decode(),
                passphrase=passphrase,
                root_pem=pki.root.cert_pem(),
                issuing_key_pem=pki.issuing.key_pem(),
                issuing_cert_pem=pki.issuing.cert_pem(),
                tsa_url=pki.tsa_url,
                cpu=args.cpu,
            )
            with context.Pool(1) as pool:
                result = pool.apply(_run, (job,))
            results.append(result)
            print(
                f"{path:8} batch {n // 2 + 1}: {result['count']} in {result['elapsed_s']:.1f} s "
                f"({result['count'] / result['elapsed_s']:.2f}/s, cpu {result['cpu_s']:.1f} s, "
                f"peak RSS {result['maxrss_mib']:.0f} MiB)",
                flush=True,
            )

    summary: dict[str, Any] = {
        "level": args.level,
        "count_per_path": per_batch * args.batches,
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
    }
    for path in ("project", "bare"):
        rows = [r for r in results if r["path"] == path]
        count = sum(r["count"] for r in rows)
        elapsed = sum(r["elapsed_s"] for r in rows)
        cpu = sum(r["cpu_s"] for r in rows)
        summary[path] = {
            "count": count,
            "per_core_per_s": count / elapsed,
            "per_cpu_second": count / cpu,
            "peak_rss_mib": max(r["maxrss_mib"] for r in rows),
            "mean_pdf_kib": sum(r["mean_pdf_bytes"] for r in rows) / len(rows) / 1024,
        }
    summary["ratio_wall"] = summary["project"]["per_core_per_s"] / summary["bare"]["per_core_per_s"]
    summary["ratio_cpu"] = summary["project"]["per_cpu_second"] / summary["bare"]["per_cpu_second"]
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "batches": results}, indent=2))


if __name__ == "__main__":
    main()
