"""Word documents: writing the report as DOCX, and reading a (reviewed) DOCX back."""
