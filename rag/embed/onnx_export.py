"""Export a local sentence-transformers model to ONNX for the torch-free query path.

The transformer alone goes to ONNX (torch.onnx.export, opset 17, dynamic batch and sequence axes);
pooling and normalisation are redone in numpy by `rag.embed.onnx.OnnxEmbedder`. Only models made of
Transformer → Pooling (mean, cls or max) → optional Normalize can be exported; anything else stays on
sentence-transformers. An export is written only after it matches sentence-transformers on probe
texts, and the folder appears atomically, so a half-written or drifting export is never used."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from rag.embed.onnx import META_FILE, MIN_COSINE, MODEL_FILE, TOKENIZER_FILE, OnnxEmbedder
from rag.embed.sentence_transformer import SentenceTransformerEmbedder
from rag.errors import ModelError

OPSET = 17
POOLING_MODES = ("mean", "cls", "max")
# Texts the export must embed like the model does: a question, a fragment, and one long enough to
# exercise many positions; about nothing in particular, since the engine serves any corpus.
PROBES = (
    "What does the report say about open-source software and public funding?",
    "Training programmes in rural regions.",
    "A much longer probe sentence so that the export is checked on more than a handful of tokens: "
    "international cooperation, safety rules, technical standards, data, energy and the environment.",
)


def _structure(model: Any) -> tuple[Any, str, bool]:
    """(transformer module, pooling mode, normalises) — or ModelError when not exportable."""
    modules = list(model)
    kinds = [type(m).__name__ for m in modules]
    if len(modules) not in (2, 3) or kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        raise ModelError(f"model layout {' → '.join(kinds)} is not Transformer → Pooling [→ Normalize]")
    pooling = str(getattr(modules[1], "pooling_mode", ""))
    if pooling not in POOLING_MODES:
        raise ModelError(f"pooling mode {pooling!r} is not one of {', '.join(POOLING_MODES)}")
    if getattr(modules[0], "auto_model", None) is None:
        raise ModelError("the Transformer module has no auto_model to export")
    return modules[0], pooling, len(modules) == 3


def _tokenizer_json(transformer: Any, model_path: str) -> str:
    file = Path(model_path) / "tokenizer.json"
    if file.is_file():
        return file.read_text(encoding="utf-8")
    backend = getattr(getattr(transformer, "tokenizer", None), "backend_tokenizer", None)
    if backend is None:
        raise ModelError("the model has no fast tokenizer (tokenizer.json) for the `tokenizers` library")
    return str(backend.to_str())


def _export_graph(transformer: Any, input_names: list[str], file: Path) -> None:
    import torch

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, auto_model: Any) -> None:
            super().__init__()
            self.auto_model = auto_model

        def forward(self, *inputs: Any) -> Any:
            return self.auto_model(**dict(zip(input_names, inputs, strict=True))).last_hidden_state

    wrapper = TokenEmbeddings(transformer.auto_model).eval()
    sample = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in input_names)
    axes = {name: {0: "batch", 1: "sequence"} for name in [*input_names, "token_embeddings"]}
    # The tracer warns about shape checks it freezes; the probe comparison below is what decides.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            sample,
            str(file),
            dynamo=False,  # the TorchScript exporter handles dynamic_axes without onnxscript
            opset_version=OPSET,
            input_names=input_names,
            output_names=["token_embeddings"],
            dynamic_axes=axes,
            do_constant_folding=True,
        )


def export_onnx(embedder: SentenceTransformerEmbedder, folder: Path, fingerprint: str) -> OnnxEmbedder:
    """Write `folder` (model.onnx, tokenizer.json, onnx.json) and return an embedder over it."""
    model = embedder._load()
    transformer, pooling, normalises = _structure(model)
    input_names: list[str] = [
        n for n in ("input_ids", "attention_mask", "token_type_ids") if n in _model_inputs(transformer)
    ]
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        try:
            _export_graph(transformer, input_names, tmp / MODEL_FILE)
        except OSError:
            raise  # disk full or unwritable: a storage problem, reported as such by the caller
        except Exception as exc:  # torch raises many types here; any of them means "not exportable"
            raise ModelError(f"torch.onnx.export failed ({type(exc).__name__}: {exc})") from exc
        (tmp / TOKENIZER_FILE).write_text(_tokenizer_json(transformer, embedder.path), encoding="utf-8")
        reference = embedder.embed(list(PROBES))
        meta = {
            "model_id": embedder.model_id,
            "fingerprint": fingerprint,
            "opset": OPSET,
            "inputs": input_names,
            "pooling": pooling,
            "normalize": normalises,
            "max_seq_length": int(model.max_seq_length),
            "dimension": int(reference.shape[1]),
            "probe": {"text": PROBES[0], "vector": [float(x) for x in reference[0]]},
        }
        (tmp / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        onnx = OnnxEmbedder(tmp)
        cosine = float(np.min(np.sum(onnx.embed(list(PROBES)) * reference, axis=1)))
        if cosine < MIN_COSINE:
            raise ModelError(f"the ONNX export drifts from sentence-transformers (cosine {cosine:.6f} < {MIN_COSINE})")
        shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:
            if not (folder / META_FILE).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process finished the same export first
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return OnnxEmbedder(folder)


def _model_inputs(transformer: Any) -> list[str]:
    tokenizer = getattr(transformer, "tokenizer", None)
    return list(getattr(tokenizer, "model_input_names", None) or ["input_ids", "attention_mask"])


def quantize_int8(folder: Path) -> Path:
    """Dynamic int8 quantisation of an export (weights int8 per output channel, activations
    quantised on the fly): about twice as fast, but it reorders close passages (see README)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = folder / "model.int8.onnx"
    if not target.is_file():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".onnx.tmp")
        os.close(fd)
        logging.disable(logging.WARNING)  # it advises "pre-processing" on the root logger every time
        try:
            # Per-channel MatMul weights: probe cosine 0.992 against 0.96 per-tensor (eval/bench/).
            quantize_dynamic(
                str(folder / MODEL_FILE),
                tmp,
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
            os.replace(tmp, target)
        except Exception as exc:  # onnxruntime.quantization raises assorted types
            raise ModelError(
                f"int8 quantisation of {folder / MODEL_FILE} failed ({exc}): use query_backend='onnx'"
            ) from exc
        finally:
            logging.disable(logging.NOTSET)
            if os.path.exists(tmp):
                os.unlink(tmp)
    return target
