from sqlalchemy.orm import DeclarativeBase

from skillcert.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
