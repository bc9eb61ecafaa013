"""dirsync: identity-provider changes in, one ordered event stream and signed webhooks out."""

__version__ = "0.1.0"
