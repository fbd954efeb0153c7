"""The one CSRF protection of the app (Flask-WTF); views that take no form (webhooks, the
token endpoint, the JSON API) exempt themselves with it."""

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
