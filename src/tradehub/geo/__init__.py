"""States (GST state codes), regions and stations."""
