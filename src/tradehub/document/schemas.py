"""The upload form's fields and the answers of /documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from tradehub.document.domain import MAX_DOCUMENT_BYTES, normalise_document_type
from tradehub.kit.pagination import sort_enum

EntityType = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z][a-z0-9_]{0,49}$"),
]
DocumentType = Annotated[
    str, StringConstraints(max_length=100), AfterValidator(normalise_document_type)
]


class UploadFields(BaseModel):
    """The text fields of ``POST /documents`` (the ``file`` part is handled on its own)."""

    model_config = ConfigDict(extra="forbid")

    entity_type: EntityType = Field(examples=["organization"])
    entity_id: uuid.UUID
    document_type: DocumentType = Field(examples=["gst_certificate"])


# OpenAPI of the multipart body, which the route parses itself (see document/upload.py).
UPLOAD_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "entity_type", "entity_id", "document_type"],
                "properties": {
                    "file": {
                        "type": "string",
                        "contentMediaType": "application/octet-stream",
                        "description": f"PDF, PNG or JPEG, at most {MAX_DOCUMENT_BYTES} bytes",
                    },
                    "entity_type": {
                        "type": "string",
                        "pattern": "^[a-z][a-z0-9_]{0,49}$",
                        "examples": ["organization"],
                    },
                    "entity_id": {"type": "string", "format": "uuid"},
                    "document_type": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 50,
                        "description": "Free text, stored in lower snake case (gst_certificate)",
                        "examples": ["gst_certificate"],
                    },
                },
                "additionalProperties": False,
            }
        }
    },
}


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    entity_type: str
    entity_id: uuid.UUID
    document_type: str
    file_name: str = Field(description="The uploaded name, sanitized")
    content_type: str = Field(examples=["application/pdf"])
    size: int = Field(description="Bytes stored (images are re-encoded)")
    sha256: str = Field(description="SHA-256 of the stored bytes, hex")
    uploaded_by_id: uuid.UUID
    created_at: datetime
    version: int


DocumentSort = sort_enum("DocumentSort", ["created_at"])
