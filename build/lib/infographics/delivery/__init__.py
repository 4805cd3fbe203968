"""Delivery stage: manifest and contacts into a mail plan, Dutch e-mails, and a dry run or an
SMTP send recorded exactly once in the send log."""
