"""A MOCK payment service provider (demo and tests only).

It behaves like a real payment service provider (決済代行) in the shape of GOV.UK Pay: payments
are created by API with an amount and an idempotency key, the payer is sent to its pages (card,
with test numbers that succeed, decline, ask for 3-D Secure or time out; or a コンビニ/Pay-easy
number paid later), comes back to the service's return URL, and every change is told to the
service in a signed notification (webhook). Refunds go through its API too.

Plugged in only when MOCK_PAYMENTS_ENABLED is true (demo mode; registration.py): its pages under
/mock-pay and its client registered in formsvc.payments.providers as "mock". Only the app
factory imports it (and formsvc.models, for its tables). Modules:
    models        its own tables (it stands for the provider's database)
    cards         the test card numbers and what each one does
    service       the provider's side: payments, card and コンビニ payments, refunds, "down"
    delivery      signing and delivering its notifications to the service
    client        the provider as formsvc.payments sees it (PaymentProvider)
    forms         what its pages send (WTForms)
    views         the pages under /mock-pay
    commands      `formsvc mock-payments deliver`
    registration  plugging all this into the app
"""
