"""Input text types shared by the features' request models: trimmed, non-empty, bounded."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

# A code is looked up in the database: control characters (NUL above all, which PostgreSQL
# cannot even compare) are refused as input, not passed on.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=20, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
Text50 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text500 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text1000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Region = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]
# A mainland mobile number (联系人手机).
Mobile = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^1[3-9]\d{9}$")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=100, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
