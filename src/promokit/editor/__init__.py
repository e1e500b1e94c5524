"""Editor support: the vocabulary of the rule languages, a Pygments lexer and a language server.

`vocabulary` needs nothing beyond promokit; `pygments_lexer` needs Pygments (extras `docs`,
`lsp`, `serve`), `lsp_server` needs pygls (extra `lsp`). docs/editors.md shows how to use them.
"""
