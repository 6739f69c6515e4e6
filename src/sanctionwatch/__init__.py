"""SanctionWatch: sourced, queryable knowledge graphs from reports on sanctions evasion."""

__version__ = "0.1.0"
