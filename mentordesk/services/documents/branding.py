"""A programme's look on paper: organisation, colours, logo, signature, template and paper.

Stored on the programme (schema 0005), read as a frozen :class:`Branding` by every document
and changed through :func:`save_branding`, which checks each value first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import Programme
from mentordesk.services import audit
from mentordesk.services.documents.layout import PAPER_SIZES, Branding
from mentordesk.services.validation import check_colour, check_length

TEMPLATES = ("classic", "modern", "elegant")
MAX_IMAGE_BYTES = 5_000_000
MAX_IMAGE_SIDE = 4000


LABELS = {"organisation": "Organisation", "primary": "Primary colour",
          "accent": "Accent colour", "logo_png": "Logo", "signature_png": "Signature",
          "signer_name": "Signer's name", "signer_title": "Signer's title",
          "certificate_template": "Certificate template", "paper": "Paper"}


class BrandingError(UserError):
    """Branding values that cannot be saved, with a reason per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{LABELS.get(field, field)} {reason}"
                                   for field, reason in errors.items()) + ".")
        self.errors = errors


def load_branding(session: Session, programme_id: int) -> Branding:
    """The branding of programme ``programme_id``."""
    p = session.get(Programme, programme_id)
    if p is None:
        raise UserError(f"There is no programme {programme_id}.")
    return Branding(
        programme=p.name, organisation=p.organisation_name, primary=p.brand_primary_color,
        accent=p.brand_accent_color, logo_png=p.logo_png, signature_png=p.signature_png,
        signer_name=p.signer_name, signer_title=p.signer_title,
        certificate_template=p.certificate_template, paper=p.paper_size,
        coordinator_name=p.coordinator_name, coordinator_email=p.coordinator_email)


@dataclass(frozen=True)
class BrandingChanges:
    """The values to change; a field left as None stays as it is.

    ``logo_png`` and ``signature_png`` take image bytes (PNG or JPEG), or ``b""`` to remove.
    """

    organisation: str | None = None
    primary: str | None = None
    accent: str | None = None
    logo_png: bytes | None = None
    signature_png: bytes | None = None
    signer_name: str | None = None
    signer_title: str | None = None
    certificate_template: str | None = None
    paper: str | None = None


def check_image(data: bytes) -> str | None:
    """Why ``data`` cannot be a logo or signature, or None when it can."""
    if len(data) > MAX_IMAGE_BYTES:
        return f"is larger than {MAX_IMAGE_BYTES // 1_000_000} MB"
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("PNG", "JPEG"):
                return "must be a PNG or JPEG image"
            if max(img.size) > MAX_IMAGE_SIDE:
                return f"is larger than {MAX_IMAGE_SIDE} pixels on a side"
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "is not a readable PNG or JPEG image"
    return None


def validate_branding(changes: BrandingChanges) -> dict[str, str]:
    """The errors in ``changes`` by field name (empty when all can be saved)."""
    errors: dict[str, str] = {}
    for field in ("primary", "accent"):
        value = getattr(changes, field)
        if value is not None and (reason := check_colour(value)):
            errors[field] = reason
    for field in ("organisation", "signer_name", "signer_title"):
        value = getattr(changes, field)
        if value is not None:
            check_length(errors, field, value, 200)
    for field in ("logo_png", "signature_png"):
        value = getattr(changes, field)
        if value and (reason := check_image(value)):
            errors[field] = reason
    if changes.certificate_template is not None and (
            changes.certificate_template not in TEMPLATES):
        errors["certificate_template"] = f"must be one of {', '.join(TEMPLATES)}"
    if changes.paper is not None and changes.paper not in PAPER_SIZES:
        errors["paper"] = f"must be one of {', '.join(PAPER_SIZES)}"
    return errors


def save_branding(session: Session, programme_id: int, changes: BrandingChanges) -> Branding:
    """Apply ``changes`` to the programme after checking them all; returns the result.

    Raises:
        BrandingError: a value cannot be saved (nothing is changed).
    """
    if errors := validate_branding(changes):
        raise BrandingError(errors)
    p = session.get(Programme, programme_id)
    if p is None:
        raise UserError(f"There is no programme {programme_id}.")
    columns = {"organisation": "organisation_name", "primary": "brand_primary_color",
               "accent": "brand_accent_color", "signer_name": "signer_name",
               "signer_title": "signer_title", "certificate_template": "certificate_template",
               "paper": "paper_size"}
    changed = []
    for field, column in columns.items():
        value = getattr(changes, field)
        if value is not None:
            value = " ".join(value.split()) if field not in ("primary", "accent") else value
            if getattr(p, column) != value:
                setattr(p, column, value)
                changed.append(field)
    for field in ("logo_png", "signature_png"):
        value = getattr(changes, field)
        if value is not None:
            setattr(p, field, value or None)
            changed.append(field)
    if changed:
        audit.record(session, "update_branding", "programme", programme_id, changed)
    session.flush()
    return load_branding(session, programme_id)
