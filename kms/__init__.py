"""Inovasi KMS: a knowledge-management search engine for public-service innovations.

The web app is assembled in kms.app (create_app); importing this package loads nothing else,
so the ingestion pipeline and the commands never load Flask unless they serve the site.
"""
