"""Check your answers (申請内容の確認), and send: what sending does is the channel's (submit
online, the printout to sign at the counter, the end of a preview).

The page checks the CSRF token itself (formsvc.errors.redisplays_on_csrf_failure): a refused
POST shows the answers again with a word on why, and sends nothing.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask.typing import ResponseReturnValue

from formsvc.applications.flow import CHECK
from formsvc.applications.outcomes import computed_entries, grouped, guidance
from formsvc.applications.sections import Section, answer_sections
from formsvc.db import session as db_session
from formsvc.errors import csrf_refused
from formsvc.forms.catalog import draft_sending_closed
from formsvc.i18n import current_locale, t
from formsvc.resident.channels import current_channel
from formsvc.resident.pages.application import Application, ApplicationPage, open_application, render
from formsvc.resident.pages.navigation import back_url, guard, page_url, steps
from formsvc.submissions.drafts import submission_of


class CheckPage(ApplicationPage):
    redisplays_on_csrf_failure = True

    def get(self, form_id: str) -> ResponseReturnValue:
        return _check(form_id, send=False, refused=False)

    def post(self, form_id: str) -> ResponseReturnValue:
        refused = csrf_refused()  # before anything: a refused POST sends nothing
        return _check(form_id, send=not refused, refused=refused)


def _check(form_id: str, send: bool, refused: bool) -> ResponseReturnValue:
    channel = current_channel()
    application = open_application(form_id)
    if application is None:
        return channel.no_application(form_id)
    if submission_of(db_session(), application.draft) is not None:
        return channel.finish(application)  # sent already: the channel shows where it went
    redirect_to = guard(application, CHECK)
    if redirect_to is not None:
        return redirect_to
    flow = application.flow
    exit_page = flow.exit_page()
    if exit_page is not None:
        return redirect(page_url(form_id, exit_page.id))
    broken = [(message, page_url(form_id, page.id, **{"return": CHECK}) + f"#{field_id}")
              for page, field_id, message in flow.failing_rules(current_locale())]
    closed = _sending_closed(application)
    if send and not broken and closed is None:
        return channel.finish(application)
    # A fee paid online before sending: the button reads 支払いへ進む (finish starts the payment).
    payment = channel.payment_step(application)
    label = payment.label if payment is not None else channel.submit_label()
    page = render("resident/check.html", application=application, payment=payment,
                  sections=[(section, _change_url(application, section))
                            for section in answer_sections(flow, current_locale())],
                  fee=flow.fee(),
                  computed=grouped(computed_entries(flow.computed_values(), current_locale()), current_locale()),
                  guidance=guidance(flow, flow.computed_values(), current_locale()),
                  steps=steps(application, CHECK),
                  back_url=back_url(application, CHECK), submit_label=t(*label),
                  csrf_failed=refused, broken_rules=broken, sending_closed=closed,
                  leave_url=channel.leave_url(form_id), leave_label=t(*channel.leave_label()))
    return (page, 400) if refused or (send and closed) else page


def _sending_closed(application: Application) -> str | None:
    """Why the application cannot be sent: the 受付期間 of the version it was started on is
    over (a draft keeps its version; a newer version is a new application). None: it can.
    A correction the staff asked for (補正) answers an application received in time: always sent."""
    if not current_channel().enforces_application_period:
        return None
    return draft_sending_closed(db_session(), application.form_id, application.definition.valid_until,
                                current_locale(), correction=application.draft.correction_of is not None)


def _change_url(application: Application, section: Section) -> str:
    """変更: the section's page (or item), coming back here once it is answered."""
    back_here: dict[str, Any] = {"return": CHECK}
    if section.item_index is not None and section.parent_index is not None:
        return url_for(".nested_item", form_id=application.form_id, page_id=section.page.id,
                       parent=section.parent_index, index=section.item_index, **back_here)
    if section.item_index is not None:
        return url_for(".repeat_item", form_id=application.form_id, page_id=section.page.id,
                       index=section.item_index, **back_here)
    return page_url(application.form_id, section.page.id, **back_here)
