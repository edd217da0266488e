"""E-mail and SMS: templates, delivery of the outbox, and the list of what was sent."""
