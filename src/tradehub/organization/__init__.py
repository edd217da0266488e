"""Organizations (the broker's legal entities) and their branches."""
