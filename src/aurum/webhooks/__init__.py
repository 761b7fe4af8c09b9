"""Webhooks: endpoints that admins register, and the delivery of events to them."""
