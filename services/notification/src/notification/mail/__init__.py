"""E-mail for staff over SMTP."""
