"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from formsvc.authentication.models import ResidentLogin
from formsvc.dashboard.models import PaperCount
from formsvc.db import Base
from formsvc.forms.models import ApprovalRequest, Form, FormEvent, FormVersion, FormWorkingCopy
from formsvc.forms.templates_shared import SharedTemplate, TemplateAdoption
from formsvc.jobs.models import Job, JobFile
from formsvc.mock_idp.models import MockIdpAccessToken, MockIdpAuthorizationCode, MockIdpCardState
from formsvc.mock_payments.models import MockPayment, MockPaymentNotification
from formsvc.payments.models import Payment, PaymentNotification
from formsvc.review.corrections import CorrectionPhrase
from formsvc.review.models import AccessLog, ApiToken, OutboxMessage
from formsvc.review.notices import StaffNotice
from formsvc.review.notification_settings import NotificationSetting
from formsvc.review.retention import Disposal
from formsvc.staff.models import StaffLoginFailure, StaffUser
from formsvc.submissions.models import CounterVisit, Draft, DraftAbandonment, Submission, SubmissionEvent, Upload
from formsvc.tenants.models import Tenant

__all__ = [
    "AccessLog",
    "ApiToken",
    "ApprovalRequest",
    "Base",
    "CorrectionPhrase",
    "CounterVisit",
    "Disposal",
    "Draft",
    "DraftAbandonment",
    "Form",
    "FormEvent",
    "FormVersion",
    "FormWorkingCopy",
    "Job",
    "JobFile",
    "MockIdpAccessToken",
    "MockIdpAuthorizationCode",
    "MockIdpCardState",
    "MockPayment",
    "MockPaymentNotification",
    "NotificationSetting",
    "OutboxMessage",
    "PaperCount",
    "Payment",
    "PaymentNotification",
    "ResidentLogin",
    "SharedTemplate",
    "StaffLoginFailure",
    "StaffNotice",
    "StaffUser",
    "Submission",
    "SubmissionEvent",
    "TemplateAdoption",
    "Tenant",
    "Upload",
]
