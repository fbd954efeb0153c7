"""Who fills in an application, and what differs for them.

The question, repeating and check pages (formsvc.resident.pages) are the same for a
resident online, for counter staff entering an application for a resident (書かない窓口) and
for an administrator previewing a definition: generated from one definition, validated by one
code path. A channel supplies what differs: where the draft is found, which definition
version it is on, the page layout, and what "submit" does on the check page.

Each channel has its own blueprint; the pages are registered on every one of them and build
their links with relative endpoints (".question"), so they stay inside their channel.
"""

from __future__ import annotations

from flask import abort, request

from formsvc.db import session as db_session
from formsvc.forms.catalog import CompiledForm, version_by_id
from formsvc.submissions.models import Draft


class Channel:
    """The resident online (行かない窓口): the default behaviour."""

    name = "online"
    # The template every application page extends.
    layout = "base.html"
    # Whether every page can be opened from the step list at any time (staff entering
    # answers from a paper or a conversation jump around), or only pages already answered.
    free_navigation = False
    # Whether the layout lists the pages at the side (instead of the steps above the page).
    steps_in_aside = False
    # Whether a draft whose version's 受付期間 (valid_until) is over may no longer be sent
    # (formsvc.forms.periods); an administrator's preview sends nothing, so it does not care.
    enforces_application_period = True
    # How an answer taken from the My Number card is marked (ja, en): verified by the resident's
    # sign-in online; read by the counter's card reader at the counter.
    verified_label = ("マイナンバーカードで確認済み", "Verified with My Number card")

    def find_draft(self, form_id: str) -> Draft | None:
        raise NotImplementedError

    def compiled_of(self, draft: Draft) -> CompiledForm | None:
        """The definition the draft is answered on: the version it started on, even if a newer
        one has been published since."""
        if draft.version_id is None:
            return None
        # Read with the draft's channel's pages and wording (formsvc.definitions.channels).
        return version_by_id(db_session(), draft.version_id, draft.channel)

    def prepare(self, draft: Draft, compiled: CompiledForm) -> None:
        """Bring the draft up to date before a page uses it (e.g. a sign-in since the last page)."""

    def no_application(self, form_id: str):
        """The response when there is no draft to continue."""
        raise NotImplementedError

    def start_url(self, form_id: str) -> str:
        """Where 戻る on the first page goes."""
        raise NotImplementedError

    def leave_url(self, form_id: str) -> str:
        """Where to go from a page that ends the application (an exit page)."""
        return self.start_url(form_id)

    def leave_label(self) -> tuple[str, str]:
        return ("申請をやめて戻る", "Stop and go back")

    def finish(self, application):
        """The check page was sent and everything is answered: what happens now."""
        raise NotImplementedError

    def submit_label(self) -> tuple[str, str]:
        return ("同意して申請する", "Agree and submit")

    def payment_step(self, application):
        """What the check page shows about paying the fee before sending: an object with
        ``amount``, ``label`` (the button), ``error`` and ``continue_url`` (online:
        formsvc.resident.payment_step.PaymentStep); None: nothing is paid before sending."""
        return None


_channels: dict[str, Channel] = {}


def register(blueprint_name: str, channel: Channel) -> None:
    _channels[blueprint_name] = channel


def current_channel() -> Channel:
    channel = _channels.get(request.blueprint or "")
    if channel is None:
        abort(404)
    return channel


