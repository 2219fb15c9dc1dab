"""consent-audit: runtime evidence of personal-information collection against the user's consent decisions."""

__version__ = "0.1.0"
