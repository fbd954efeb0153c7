"""The forms that start a procedure: from a template of the gallery, or as a copy that keeps
the parts the administrator chooses (formsvc.admin.gallery, formsvc.admin.copy_parts)."""

from __future__ import annotations

from wtforms import RadioField, SelectMultipleField
from wtforms.validators import ValidationError

from formsvc.admin import copy_parts, gallery
from formsvc.admin.forms import CopyForm, CreateForm, options


class GalleryCreateForm(CreateForm):
    template = RadioField("ひな形", choices=options((t.id, t.name) for t in gallery.TEMPLATES),
                          default=gallery.DEFAULT, validate_choice=False)

    def validate_template(self, field):
        if gallery.template(field.data or "") is None:
            raise ValidationError("ひな形を選んでください")


class PartsCopyForm(CopyForm):
    keep = SelectMultipleField("複製する部分", choices=options((p.key, p.label) for p in copy_parts.PARTS),
                               default=list(copy_parts.DEFAULT_KEPT), validate_choice=False)

    def validate_keep(self, field):
        if any(value not in copy_parts.PART_KEYS | {"pages"} for value in field.data or []):
            raise ValidationError("複製する部分は、表示された選択肢から選んでください")

    def kept_parts(self) -> set[str]:
        """The parts to keep: those ticked, and English whenever an English title is given
        (an English title asks for the whole procedure in English)."""
        kept = set(self.keep.data or [])
        if (self.title_en.data or "").strip():
            kept.add("english")
        return kept
