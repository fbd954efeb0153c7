"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from formsvc.db import Base
from formsvc.forms.models import Form, FormVersion
from formsvc.submissions.models import Draft, Submission, SubmissionEvent, Upload

__all__ = ["Base", "Draft", "Form", "FormVersion", "Submission", "SubmissionEvent", "Upload"]
