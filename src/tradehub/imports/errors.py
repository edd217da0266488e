"""The problems the imports answer with (stable ``code``s)."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, PayloadTooLarge, Unprocessable, UnsupportedMediaType


class RowsInvalid(Unprocessable):
    """Some rows break a rule: nothing was imported; ``errors`` lists row, column and message."""

    code = "import.rows_invalid"


class UnreadableImport(Unprocessable):
    """The file is not a readable table, or the upload is malformed: nothing per row."""

    code = "import.unreadable_file"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail, code=code, errors=[{"row": None, "column": None, "msg": detail}])


class UnsupportedImport(UnsupportedMediaType):
    code = "import.unsupported_file"


class NotMultipart(UnsupportedMediaType):
    code = "import.not_multipart"


class ImportTooLarge(PayloadTooLarge):
    code = "import.too_large"


class ImportConflict(Conflict):
    """A row collided with one written while the import ran; nothing was imported."""

    code = "import.conflict"
