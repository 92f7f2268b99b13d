"""The HTTP API (FastAPI) with the web chat mounted at `/`. Imported only by `rag serve` and tests:
`import rag` never pulls FastAPI or Gradio."""
