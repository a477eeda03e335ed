"""tradeoff: the principal-level system design playbook as software."""

__version__ = "0.1.0"
