"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from formsvc.db import Base
from formsvc.forms.models import Form, FormVersion

__all__ = ["Base", "Form", "FormVersion"]
