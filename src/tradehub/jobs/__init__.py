"""Scheduled jobs and the runner that also delivers the outbox."""
