"""One revision as a document (what its page, PDF and JSON are made from), and the PDF renderer."""
