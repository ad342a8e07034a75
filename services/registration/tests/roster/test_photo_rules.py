"""The photo rules of 批量导入考生照片: each photo judged by its content, the zip guarded."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from registration.roster.rules import (
    PHOTO_MAX_BYTES,
    ZIP_MAX_BYTES,
    ZIP_MAX_ENTRIES,
    PhotoOutcome,
    PhotoStatus,
    PhotoZipError,
    exam_blocker,
    photo_id_number,
    photo_verdict,
    read_photo_zip,
    unsafe_entry_name,
)
from tests.roster.support import photo, student_id, zip_of

ID = student_id(1)


class TestPhotoVerdict:
    def test_a_red_jpeg_of_295_by_413_is_accepted(self):
        verdict = photo_verdict(photo())
        assert verdict.outcome is PhotoOutcome.MATCHED
        assert verdict.content_type == "image/jpeg"

    def test_a_png_is_accepted_as_png(self):
        verdict = photo_verdict(photo(image_format="PNG"))
        assert (verdict.outcome, verdict.content_type) == (PhotoOutcome.MATCHED, "image/png")

    @pytest.mark.parametrize(
        "background", [(255, 255, 255), (67, 142, 219), (128, 128, 128), (120, 60, 60)]
    )
    def test_white_blue_grey_or_dull_backgrounds_are_not_red(self, background):
        verdict = photo_verdict(photo(background=background))
        assert verdict.outcome is PhotoOutcome.NOT_RED
        assert verdict.message == "照片底色须为红色"

    def test_other_pixel_sizes_are_refused_with_the_size_found(self):
        verdict = photo_verdict(photo(size=(358, 441)))
        assert verdict.outcome is PhotoOutcome.WRONG_SIZE
        assert verdict.message == "照片像素应为295×413（当前 358×441）"

    def test_a_gif_text_or_truncated_jpeg_is_not_an_image(self):
        gif = io.BytesIO()
        Image.new("RGB", (295, 413), (215, 20, 25)).save(gif, "GIF")
        for data in (gif.getvalue(), b"just text, named .jpg", photo()[:2000]):
            verdict = photo_verdict(data)
            assert verdict.outcome is PhotoOutcome.NOT_IMAGE, data[:20]
            assert verdict.message == "文件不是JPG或PNG图片"

    def test_more_than_5_mb_is_too_big_before_being_decoded(self):
        verdict = photo_verdict(b"\xff\xd8\xff" + bytes(PHOTO_MAX_BYTES))
        assert verdict.outcome is PhotoOutcome.TOO_BIG
        assert verdict.message == "照片不能超过5MB（当前 5.0MB）"

    def test_a_decompression_bomb_is_refused_by_its_declared_size(self):
        # A PNG that declares 30000×30000 pixels: judged by its header, never inflated.
        huge = io.BytesIO()
        Image.new("1", (30000, 30000)).save(huge, "PNG")
        assert len(huge.getvalue()) < 1024 * 1024
        verdict = photo_verdict(huge.getvalue())
        assert verdict.outcome is PhotoOutcome.WRONG_SIZE
        assert verdict.message == "照片像素过大，应为295×413"
        # One Pillow lets open is still judged by its header, before decoding.
        large = io.BytesIO()
        Image.new("1", (9000, 9000)).save(large, "PNG")
        verdict = photo_verdict(large.getvalue())
        assert verdict.message == "照片像素应为295×413（当前 9000×9000）"

    def test_a_phone_photo_stored_sideways_is_judged_as_shown(self):
        upright = Image.open(io.BytesIO(photo()))
        sideways = upright.transpose(Image.Transpose.ROTATE_90)  # stored 413×295
        exif = Image.Exif()
        exif[0x0112] = 6  # "rotate 90° clockwise to show"
        buffer = io.BytesIO()
        sideways.save(buffer, "JPEG", exif=exif, quality=90)
        assert photo_verdict(buffer.getvalue()).outcome is PhotoOutcome.MATCHED


class TestNames:
    @pytest.mark.parametrize(
        ("name", "number"),
        [
            (f"{ID}.jpg", ID),
            (f"{ID[:-1]}x.JPG", ID[:-1] + "X"),
            (f"照片/{ID}.png", ID),
            (f"{ID}", ID),
            ("张三.jpg", None),
            (".jpg", None),
        ],
    )
    def test_the_id_number_is_the_file_name(self, name, number):
        assert photo_id_number(name) == number

    @pytest.mark.parametrize(
        "name", ["../etc/passwd", f"a/../../{ID}.jpg", f"/{ID}.jpg", f"C:\\{ID}.jpg", "..\\x.jpg"]
    )
    def test_traversal_and_absolute_names_are_unsafe(self, name):
        assert unsafe_entry_name(name)

    def test_a_folder_is_not_unsafe(self):
        assert not unsafe_entry_name(f"2023级/{ID}.jpg")


class TestZip:
    def test_entries_in_order_with_folders_and_archiver_litter_skipped(self):
        content = zip_of(
            [
                ("照片/", b""),
                (f"照片/{ID}.jpg", b"one"),
                (f"__MACOSX/照片/._{ID}.jpg", b"fork"),
                ("Thumbs.db", b"x"),
                ("../../evil.jpg", b"two"),
                ("readme.txt", b"three"),
            ]
        )
        photos = read_photo_zip(content)
        assert [(p.name, p.id_number, p.data) for p in photos] == [
            (f"照片/{ID}.jpg", ID, b"one"),
            ("../../evil.jpg", None, None),
            ("readme.txt", None, None),
        ]
        assert [p.refused.outcome for p in photos[1:] if p.refused] == [
            PhotoOutcome.BAD_NAME,
            PhotoOutcome.BAD_NAME,
        ]
        assert photos[1].refused and photos[1].refused.message == "文件名含非法路径"

    def test_an_entry_inflating_past_5_mb_is_too_big_unread(self):
        # 6 MB of zeros compress to a few KB: a small zip that would inflate past the limit.
        content = zip_of({f"{ID}.jpg": bytes(6 * 1024 * 1024)})
        assert len(content) < 64 * 1024
        [entry] = read_photo_zip(content)
        assert entry.data is None
        assert entry.refused and entry.refused.outcome is PhotoOutcome.TOO_BIG

    def test_entries_lying_about_their_size_are_read_no_further(self):
        # Forge the headers: the entry says 10 bytes but inflates to 1 MB.
        honest = zip_of({f"{ID}.jpg": bytes(1024 * 1024)})
        size = (1024 * 1024).to_bytes(4, "little")
        forged = honest.replace(size, (10).to_bytes(4, "little"))
        assert forged != honest
        [entry] = read_photo_zip(forged)
        assert entry.data is None or len(entry.data) <= 10
        if entry.refused is not None:
            assert entry.refused.outcome is PhotoOutcome.NOT_IMAGE

    def test_a_bomb_of_many_entries_is_refused_as_a_whole(self):
        entries = {f"{student_id(n)}.jpg": bytes(PHOTO_MAX_BYTES - 1) for n in range(41)}
        with pytest.raises(PhotoZipError, match="解压后过大"):
            read_photo_zip(zip_of(entries))

    def test_too_many_files(self):
        entries = {f"{n}.jpg": b"" for n in range(ZIP_MAX_ENTRIES + 1)}
        with pytest.raises(PhotoZipError, match=f"不能超过{ZIP_MAX_ENTRIES}个"):
            read_photo_zip(zip_of(entries))

    def test_too_large_a_zip_is_refused_unopened(self):
        with pytest.raises(PhotoZipError, match="压缩包不能超过50MB"):
            read_photo_zip(bytes(ZIP_MAX_BYTES + 1))

    @pytest.mark.parametrize("data", [b"", b"not a zip", photo()])
    def test_not_a_zip(self, data):
        with pytest.raises(PhotoZipError, match="不是有效的ZIP压缩包"):
            read_photo_zip(data)

    def test_an_empty_zip(self):
        with pytest.raises(PhotoZipError, match="没有照片"):
            read_photo_zip(zip_of({"照片/": b""}))

    def test_an_encrypted_entry_cannot_be_read(self):
        content = bytearray(zip_of({f"{ID}.jpg": b"secret"}))
        # set the "encrypted" flag bit in the local and the central header
        with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
            info = archive.infolist()[0]
        local = info.header_offset + 6
        central = bytes(content).rindex(b"PK\x01\x02") + 8
        for offset in (local, central):
            content[offset] |= 0x01
        [entry] = read_photo_zip(bytes(content))
        assert entry.refused and entry.refused.outcome is PhotoOutcome.NOT_IMAGE


class TestExamBlocker:
    def test_only_a_checked_photo_lets_the_student_register(self):
        assert exam_blocker(PhotoStatus.CHECKED) is None
        assert exam_blocker(PhotoStatus.MISSING) == "考生照片未导入或未通过检查，不能报考或发证"
