"""Fees paid online (a payment service provider) or at the counter (収納); refunds."""
