"""Admission ticket PDFs (准考证) with a signed QR code, and the published key to check it."""
