"""Municipalities (tenants) sharing one deployment.

Every row a municipality owns carries its ``tenant_id`` (``TenantOwned``); every ORM query is
limited to the current municipality (formsvc.tenants.scoping) and every new row is given it. The
current municipality comes from the request (its host name or path prefix,
formsvc.tenants.resolution), from a job (the tenant that queued it) or from a command's
``--tenant``; a single-municipality install only ever has the default tenant (id 1), made by
migration 0021.
"""
