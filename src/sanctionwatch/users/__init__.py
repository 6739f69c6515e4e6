"""Users, roles and API tokens: who may read, decide and administer (issue #8 item 6)."""
