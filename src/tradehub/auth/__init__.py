"""Identity and access: users, roles, permissions, sessions and tokens."""
