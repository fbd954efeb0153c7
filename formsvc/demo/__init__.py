"""Demo mode's own pages and helpers (FORMSVC_DEMO=1 only): the mail a resident would get,
delivered at once into instance/outbox/ and listed at /demo/outbox, and the start-up lines of
``formsvc run`` that say how to sign in."""
