"""The Word (.docx) file of one revision: python-docx writing a `Document` into bytes.

`builder.build_docx(document, watermark=...)` is the way in. Like the PDF, it reads only the document
model, so redaction has already happened and the page, the PDF and the Word file show the same parts.

- `text`: strings cleaned of the characters XML 1.0 cannot hold.
- `markup`: Markdown answers through the one sanitiser (`render_markdown`), read into plain runs.
- `builder`: `build_docx`, the title block, each section, the tables, the risk matrix and the sign-off.
"""
