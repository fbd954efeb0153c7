"""Counter mode (書かない窓口): staff enter applications for a resident at the counter.

    GET/POST /counter/                                  how the resident is identified; open visits
    GET/POST /counter/card                              read the card (with its reader, when there is one)
    GET/POST /counter/resident                          type the resident's details (new visit)
    GET      /counter/visits/<id>                       the visit: details, procedures, chooser
    GET/POST /counter/visits/<id>/resident              change the resident's details
    POST     /counter/visits/<id>/procedures            start a procedure (→ counter_form pages)
    POST     /counter/visits/<id>/drafts/<d>/discard    drop a procedure not yet received
    GET/POST /counter/visits/<id>/drafts/<d>/signature  print, sign, receive
    GET      /counter/visits/<id>/drafts/<d>/signature.pdf    the printout to sign
    GET      /counter/visits/<id>/signatures.pdf        every printout awaiting a signature
    POST     /counter/visits/<id>/close                 end the visit (read-only afterwards)
    POST     /counter/visits/<id>/submissions/<s>/payment    収納 of a received procedure's fee
    POST     /counter/visits/<id>/submissions/<s>/issue      交付 the same day (即日交付)
    GET      /counter/visits/<id>/receipt.pdf           受付票（引換券） of every received procedure
    GET      /counter/visits/<id>/submissions/<s>/receipt.pdf    the 受付票 of one
    GET      /counter/cashbook?day=YYYY-MM-DD           収納日計 (Japan-time day; today by default)
    GET      /counter/cashbook.csv?day=YYYY-MM-DD       the same as CSV (UTF-8 with BOM)

The procedure's own pages (questions, repeating pages, check) are the resident's pages in the
staff layout, under /counter/visits/<id>/forms/... (blueprint ``counter_form``). Every view
requires the counter role; nothing personal is logged (ids only).

Modules, by area: identification (the first page), card, details (the resident's details),
visits (the visit and its procedures), signing (print, sign, receive), fees (収納, 交付, 受付票),
cashbook (収納日計).
"""

from formsvc.counter.views import (  # noqa: F401  (the routes)
    card,
    cashbook,
    details,
    fees,
    identification,
    signing,
    visits,
)
from formsvc.counter.views.blueprint import blueprint

__all__ = ["blueprint"]
