from collections.abc import Iterable

from skillcert.events import SubmittedDocument

PHOTO_KIND = "photo"
# Registration accepts ID photos of 40–80 KB; anything far larger is not the photo it checked.
PHOTO_MAX_BYTES = 2 * 1024 * 1024


def photo_of(documents: Iterable[SubmittedDocument]) -> SubmittedDocument | None:
    """The application's ID photo: the last one listed if it lists several."""
    photos = [d for d in documents if d.kind == PHOTO_KIND]
    return photos[-1] if photos else None
