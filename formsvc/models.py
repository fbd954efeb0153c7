"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from formsvc.authentication.models import ResidentLogin
from formsvc.db import Base
from formsvc.forms.models import Form, FormVersion
from formsvc.mock_idp.models import MockIdpAccessToken, MockIdpAuthorizationCode, MockIdpCardState
from formsvc.review.models import AccessLog, ApiToken, OutboxMessage
from formsvc.staff.models import StaffLoginFailure, StaffUser
from formsvc.submissions.models import Draft, Submission, SubmissionEvent, Upload

__all__ = [
    "AccessLog", "ApiToken", "Base", "Draft", "Form", "FormVersion", "MockIdpAccessToken",
    "MockIdpAuthorizationCode", "MockIdpCardState", "OutboxMessage", "ResidentLogin", "StaffLoginFailure",
    "StaffUser", "Submission", "SubmissionEvent", "Upload",
]
