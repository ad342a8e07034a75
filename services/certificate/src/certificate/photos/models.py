from uuid import UUID

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from certificate.base import Base


class HolderPhoto(Base):
    """Where the candidate's ID photo (白底证件照) of an application lies in object storage,
    kept from registration's submitted/resubmitted events: the latest revision wins."""

    __tablename__ = "holder_photos"

    application_id: Mapped[UUID] = mapped_column(primary_key=True)
    object_key: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int] = mapped_column(Integer)
