"""The staff side of applications: the review queue, the workflow, records, exports and the API.

Modules: ``queries`` (filters and keyset pages), ``workflow`` (the table of moves and the guarded
updates that make them), ``detail`` (answers, attachments and corrections side by side),
``audit`` (who saw which submission), ``export`` (CSV), ``api`` and ``openapi`` (JSON for other
systems), ``notifications`` and ``mail`` (messages to residents through an outbox), ``intake``
(what is noted on a submission when it arrives) and ``views`` (the staff pages).
"""
