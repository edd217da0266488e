"""Trade desk: chat messages parsed into requirements and offers, matching, negotiation."""
