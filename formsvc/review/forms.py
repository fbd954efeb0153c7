"""The review pages' forms: claiming the next application, a move on one, printing a selection, a refund.
CSRF is checked for every POST by the app's CSRFProtect, so these are plain ``wtforms.Form``s;
the templates add the token."""

from __future__ import annotations

from typing import Any

from wtforms import Field, Form, HiddenField, IntegerField, StringField, TextAreaField

from formsvc.request_guard import database_integer


class ValuesField(Field):
    """Every value sent under the field's name (the queue's checkboxes), in order."""

    data: list[str]

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [str(value) for value in valuelist]


class ClaimNextForm(Form):
    # The procedure the queue is filtered to, if any: claim only among its applications.
    procedure = HiddenField(name="form")

    def form_id(self) -> str | None:
        return self.procedure.data or None


class MoveForm(Form):
    lock_version = IntegerField()  # the version the page showed: a move on an older one is refused
    comment = TextAreaField(default="")
    assignee = StringField(default="")

    def assignee_id(self) -> int | None:
        return database_integer(self.assignee.data)


class PrintForm(Form):
    number = ValuesField()  # reception numbers, as typed or shown
    back = HiddenField(default="")  # the queue page (with its filter) to return to


class RefundForm(Form):
    """「返金する」 on the refund page: which payment, as the page showed it."""

    payment = StringField(default="")
    lock_version = IntegerField()  # the payment's version the page showed: a changed payment is shown again

    def payment_id(self) -> int | None:
        return database_integer(self.payment.data)  # a forged huge id is simply not the payment shown
