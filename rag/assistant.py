"""The facade: open an index (building it when missing or stale), then answer questions by running
the query pipeline over it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rag.answer.evidence import Evidence
from rag.config import Config, load_config
from rag.embed.factory import default_embedder
from rag.embed.query import select_query_embedder
from rag.index.live import LiveIndex, open_index
from rag.index.store import IndexData
from rag.protocols import Composer, Embedder, Reranker, Verifier
from rag.query.factory import build_pipeline
from rag.query.state import IndexView, Request
from rag.types import Answer, Document, Turn

__all__ = ["Assistant", "default_embedder"]


class Assistant:
    def __init__(
        self,
        data: IndexData,
        embedder: Embedder,
        config: Config,
        query_embedder: Embedder | None = None,
        *,
        reranker: Reranker | None = None,
        composer: Composer | None = None,
        verifier: Verifier | None = None,
        on_message: Callable[[str], None] | None = None,
    ) -> None:
        self.embedder = embedder  # built the index; the reference for every vector stored in it
        self.query_embedder = query_embedder or embedder  # embeds questions: the same model, maybe via ONNX
        self.config = config
        self.live = LiveIndex(data, config, embedder, say=on_message or (lambda _msg: None))
        self.pipeline = build_pipeline(
            config, self.query_embedder, reranker=reranker, composer=composer, verifier=verifier
        )
        self._view = IndexView.of(data)

    @classmethod
    def load(
        cls,
        config: Config | None = None,
        embedder: Embedder | None = None,
        *,
        build: str = "auto",
        progress: bool = True,
        on_message: Callable[[str], None] | None = None,
        reranker: Reranker | None = None,
        composer: Composer | None = None,
        verifier: Verifier | None = None,
    ) -> Assistant:
        """Open the index; with build="auto" (re)build it when missing, stale or corrupt, with
        "always" rebuild it, with "never" raise instead. `reranker`, `composer` and `verifier`
        replace the default components of the query pipeline."""
        config = config or load_config()
        embedder = embedder or default_embedder(config)
        say = on_message or (lambda _msg: None)
        data = open_index(config, embedder, build=build, progress=progress, say=say)
        query_embedder = select_query_embedder(config, embedder, say)
        return cls(
            data,
            embedder,
            config,
            query_embedder,
            reranker=reranker,
            composer=composer,
            verifier=verifier,
            on_message=on_message,
        )

    def ask(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        *,
        k: int | None = None,
        mode: str | None = None,
        max_sentences: int | None = None,
    ) -> Answer:
        request = Request(question, history, k=k, mode=mode, max_sentences=max_sentences)
        self.pipeline.intake.clean(question)  # a bad question is refused before any corpus check
        self.live.refresh_if_stale()
        return self.pipeline.run(request, self.view)

    def refresh_if_stale(self, force_check: bool = False) -> bool:
        return self.live.refresh_if_stale(force_check)

    @property
    def view(self) -> IndexView:
        """The loaded index with its evidence tables, rebuilt after a refresh swapped the index."""
        view, data = self._view, self.live.data
        if view.data is not data:
            view = self._view = IndexView.of(data)  # racing threads build equal views: harmless
        return view

    @property
    def data(self) -> IndexData:
        return self.view.data

    @property
    def documents(self) -> Mapping[str, Document]:
        return self.view.documents

    @property
    def evidence(self) -> Evidence:
        return self.view.evidence

    @property
    def model_id(self) -> str:
        return self.embedder.model_id
