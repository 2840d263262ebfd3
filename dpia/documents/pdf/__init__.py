"""The PDF of one revision: reportlab platypus drawing a `Document` into bytes.

`builder.build_pdf(document, watermark=...)` is the way in. This package re-exports nothing: import each
name from the module that holds it.

Every string in a `Document` is user text, and reportlab's `Paragraph` reads markup in whatever text it is
given, so no document string reaches a Paragraph unescaped (docs/security.md X1; the rule in full is in
`text`). "Page X of Y", the contents' page numbers and the bookmarks cost one layout pass, not two or three
(docs/security.md X3; see `layout`).

- `styles`: page geometry, colours, paragraph and table styles, and reportlab's lock-down (no scheme and no
  host is trusted), in force for every build since `builder` and every module that draws import `styles`.
- `text`: user text escaped into Paragraph markup, and text fitted to be drawn straight on the canvas.
- `markup`: sanitised Markdown (`render_markdown`) mapped onto the few Paragraph tags the PDF writes.
- `layout`: page furniture: running header, watermark, "Page X of Y", contents page numbers, bookmarks.
- `heatmap`: the risk matrix, drawn in its levels' colours and given again in words as a table.
- `tables`: table answers, Markdown tables, the grey box of a withheld part, and column widths.
- `builder`: `build_pdf`, putting the cover, the contents and each part together.
"""
