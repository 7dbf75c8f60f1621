"""A small multinomial logistic regression over hashed binary features (numpy only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from turntoward.analysis.backends._features import BUCKETS, buckets


@dataclass(slots=True)
class LinearModel:
    """Weights (buckets x classes) and the class names; predicts class probabilities."""

    classes: list[str]
    weights: np.ndarray
    bias: np.ndarray
    default_threshold: float = 0.5
    """The first class (none, no, toward) is chosen only when its probability reaches this;
    otherwise the likeliest other class. Chosen by cross-validation to balance precision and recall."""
    last_floor: float = 1.0
    """The last class (for outcomes: turning against) is chosen whenever its probability reaches
    this, even when another class is likelier: a rare class that a plain argmax can under-call.
    1.0 leaves it off. Chosen by cross-validation."""
    prior: np.ndarray | None = None
    """The mean probabilities the model gives on labelled conversations it never trained on (out of
    fold): the balance of classes it expects. None where not measured."""

    def decide(self, p: np.ndarray) -> int:
        """The class index for one row of probabilities."""
        if p[-1] >= self.last_floor:
            return len(p) - 1
        if p[0] >= self.default_threshold:
            return 0
        return int(p[1:].argmax()) + 1

    def decide_many(self, p: np.ndarray) -> list[int]:
        """`decide` of every row of `p` at once (one row per message of a chunk)."""
        k = p[:, 1:].argmax(axis=1) + 1  # argmax takes the first of equal maxima, as in `decide`
        k[p[:, 0] >= self.default_threshold] = 0
        k[p[:, -1] >= self.last_floor] = len(self.classes) - 1  # checked first in `decide`: it wins
        return k.tolist()

    def scores(self, features: list[str]) -> np.ndarray:
        return self.scores_of(_unique(buckets(features)))

    def scores_of(self, ids: np.ndarray) -> np.ndarray:
        """The class probabilities of a row given as its distinct buckets."""
        logits = self.weights[ids].sum(axis=0, dtype=np.float32) + self.bias
        logits = logits - logits.max()
        p = np.exp(logits)
        return p / p.sum()

    def predict(self, features: list[str]) -> tuple[str, float]:
        p = self.scores(features)
        k = int(p.argmax())
        return self.classes[k], float(p[k])

    def top_features(self, features: list[str], cls: str, n: int = 6, p: np.ndarray | None = None) -> list[str]:
        """The features that pushed hardest toward `cls` (for explanations): those that raised its
        probability most, given the row's probabilities `p` (by default, `scores(features)`).

        Softmax reads only how a feature weighs one class against the others: one that weighs for
        both turning toward and away, more for toward ("sorry"), makes "away" less likely though
        its weight for away is positive. A feature's push is its weight for the class less its
        weight for each class as likely as the model finds it (the change in log-probability it
        makes): named only where positive.
        """
        k = self.classes.index(cls)
        unique = list(dict.fromkeys(features))
        rows = self.weights[buckets(unique)]
        probs = self.scores(features) if p is None else np.asarray(p, dtype=rows.dtype)
        # einsum, as `top_features_many` computes it: a BLAS matrix product may raise the floating-point
        # flags of the padding it reads (a spurious "invalid value encountered in matmul", seen in CI)
        w = rows[:, k] - np.einsum("ij,j->i", rows, probs)
        best = np.argsort(-w)[:n]
        return [unique[i] for i in best if w[i] > 0]

    def top_features_many(
        self, parts: Sequence[tuple[Sequence[Sequence[str]], np.ndarray | None]], classes: Sequence[str | None],
        n: int = 6, p: np.ndarray | None = None,
    ) -> list[list[str]]:
        """`top_features(row, classes[r], n, p[r])` of every row r whose class is given ([] where
        None); `p`: the rows' probabilities (by default, found here).

        Row r is the concatenation of row r of each part (a message's own features, its neighbours');
        each part comes with the buckets of its features, row after row, where already known
        (`hashed`), or None. A long history asks this of every bid, and one NumPy sort per bid cost
        more than the rest of its labelling: here one sort serves them all. Where the `n` strongest
        features of a row have distinct weights, its answer does not depend on how a sort orders
        equal weights; a row with a tie that could matter is answered by `top_features` itself, so
        every answer is its answer.
        """
        n_rows = len(classes)
        if not n_rows:
            return []
        column = {c: k for k, c in enumerate(self.classes)}
        flat: list[str] = []
        ids: list[np.ndarray] = []
        row_of: list[np.ndarray] = []
        for rows, known in parts:
            flat += chain.from_iterable(rows)
            ids.append(hashed(rows) if known is None else known)
            row_of.append(np.repeat(np.arange(n_rows), [len(r) for r in rows]))
        rows_of = np.concatenate(row_of)
        all_ids = np.concatenate(ids)
        if p is None:
            by_row = all_ids[np.argsort(rows_of, kind="stable")]  # the parts' features, row by row
            whole = np.split(by_row, np.cumsum(np.bincount(rows_of, minlength=n_rows))[:-1])
            p = np.stack([self.scores_of(_unique(row)) for row in whole])
        p = np.asarray(p, dtype=self.weights.dtype)
        cols = np.array([-1 if c is None else column[c] for c in classes], dtype=np.int64)
        asked = np.flatnonzero(cols[rows_of] >= 0)  # the features of rows with a class
        w = np.zeros(len(rows_of), dtype=self.weights.dtype)
        gathered = self.weights[all_ids[asked]]
        w[asked] = (gathered[np.arange(len(asked)), cols[rows_of[asked]]]
                    - np.einsum("ij,ij->i", gathered, p[rows_of[asked]]))
        chosen = np.flatnonzero(w > 0)  # only features that push toward the class are named
        order = chosen[np.lexsort((-w[chosen], rows_of[chosen]))]  # by row, strongest first
        # Each row's few strongest are enough unless the same feature repeats among them.
        rank = np.arange(len(order)) - np.searchsorted(rows_of[order], rows_of[order])
        few = order[rank < n + _SLACK]
        ends = np.searchsorted(rows_of[few], np.arange(1, n_rows + 1)).tolist()
        counts = np.bincount(rows_of[order], minlength=n_rows).tolist()
        few_l, weight = few.tolist(), w[few].tolist()
        out: list[list[str]] = []
        end = 0
        for r in range(n_rows):
            start, end = end, ends[r]
            picked: list[str] = []
            last = 0.0
            done = end - start == counts[r]  # every positive feature of the row is in the list
            for i, v in zip(few_l[start:end], weight[start:end], strict=True):
                f = flat[i]
                if f in picked:  # the same feature twice in a row: once, as `top_features` de-duplicates
                    continue
                if picked and v == last:  # a tie: the sort's order of equal weights decides
                    done = False
                    break
                if len(picked) == n:  # the next feature is weaker than the n-th: no tie at the edge
                    done = True
                    break
                picked.append(f)
                last = v
            cls = classes[r]
            if not done:
                row = [f for rows, _ in parts for f in rows[r]]
                picked = self.top_features(row, cls, n, p[r]) if cls is not None else []
            out.append(picked)
        return out


_SLACK = 4
"""How many features past a row's n strongest `top_features_many` reads before asking `top_features`."""


def hashed(rows: Sequence[Sequence[str]]) -> np.ndarray:
    """The bucket of every feature of `rows`, row after row (for `feature_matrix` and friends to share)."""
    return buckets(list(chain.from_iterable(rows)))


def _unique(keys: np.ndarray) -> np.ndarray:
    """The sorted distinct values (what np.unique gives, but by one sort: NumPy 2's hash-based
    np.unique is some 50x slower on the millions of keys a long history makes)."""
    if not len(keys):
        return keys
    keys = np.sort(keys)
    keep = np.empty(len(keys), dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def feature_matrix(rows: list[list[str]], ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hashed rows as CSR parts (indices, indptr), each row's buckets de-duplicated; `ids`: `hashed(rows)`,
    when already known.

    Every row must hold at least one feature (the models' rows all start with a bias).
    """
    n = len(rows)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64)
    if ids is None:
        ids = hashed(rows)
    row = np.repeat(np.arange(n, dtype=np.int64), [len(r) for r in rows])
    keys = _unique(row * BUCKETS + ids)  # one sort for all rows: de-duplicated and in row order
    indptr = np.searchsorted(keys // BUCKETS, np.arange(n + 1))
    return keys % BUCKETS, indptr


def add_features(
    indices: np.ndarray, indptr: np.ndarray, extra: list[list[str]], ids: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The matrix of `feature_matrix(rows)` with each row's `extra` features added (as if hashed together);
    `ids`: `hashed(extra)`, when already known."""
    n = len(indptr) - 1
    if ids is None:
        ids = hashed(extra)
    row = np.repeat(np.arange(n, dtype=np.int64), [len(r) for r in extra])
    base_row = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    keys = _unique(np.concatenate([base_row * BUCKETS + indices, row * BUCKETS + ids]))
    return keys % BUCKETS, np.searchsorted(keys // BUCKETS, np.arange(n + 1))


_PREDICT_BLOCK = 256
_SIDE_BY_SIDE: dict[tuple[int, ...], tuple[tuple[LinearModel, ...], np.ndarray, np.ndarray]] = {}
_SIDE_BY_SIDE_LIMIT = 8


def _side_by_side(models: list[LinearModel]) -> tuple[np.ndarray, np.ndarray]:
    """The models' weights and biases as one matrix and one vector, their classes side by side.

    Made once per set of models and kept: the first pass's five models hold some 3 million weights,
    and copying them for every call made a corpus of many short conversations (a film's two-line
    exchanges) spend two thirds of its time copying. A model's weights are never changed once made."""
    if len(models) == 1:
        return models[0].weights, models[0].bias
    key = tuple(id(m) for m in models)
    kept = _SIDE_BY_SIDE.get(key)
    if kept is not None and all(a is b for a, b in zip(kept[0], models, strict=True)):
        return kept[1], kept[2]
    weights = np.concatenate([m.weights for m in models], axis=1)
    bias = np.concatenate([m.bias for m in models])
    if len(_SIDE_BY_SIDE) >= _SIDE_BY_SIDE_LIMIT:
        _SIDE_BY_SIDE.clear()
    _SIDE_BY_SIDE[key] = (tuple(models), weights, bias)  # the models kept with it: their ids stay theirs
    return weights, bias


def predict_many(models: list[LinearModel], indices: np.ndarray, indptr: np.ndarray) -> list[np.ndarray]:
    """Class probabilities of every row for each model, in one pass over the features."""
    if len(indptr) <= 1:
        return [np.zeros((0, len(m.classes))) for m in models]
    weights, bias = _side_by_side(models)
    n = len(indptr) - 1
    logits = np.empty((n, weights.shape[1]), dtype=np.result_type(weights, bias))
    # The rows' weights are gathered and summed a block of rows at a time: gathered all at once
    # they are tens of megabytes, read back from memory to be summed; a block stays in the cache.
    # Each row is summed in the same order either way, so the sums are the same to the bit.
    for lo in range(0, n, _PREDICT_BLOCK):
        hi = min(n, lo + _PREDICT_BLOCK)
        first, last = indptr[lo], indptr[hi]
        logits[lo:hi] = np.add.reduceat(weights[indices[first:last]], indptr[lo:hi] - first, axis=0)
    logits += bias
    out = []
    start = 0
    for m in models:
        part = logits[:, start:start + len(m.classes)]
        start += len(m.classes)
        part = np.exp(part - part.max(axis=1, keepdims=True))
        out.append(part / part.sum(axis=1, keepdims=True))
    return out


def train(
    rows: list[list[str]],
    labels: Sequence[str | tuple[str, ...]],
    classes: list[str],
    *,
    l2: float = 1e-3,
    epochs: int = 300,
    lr: float = 0.1,
    class_weight: dict[str, float] | None = None,
) -> LinearModel:
    """Fit by full-batch Adam on the mean cross-entropy plus an L2 penalty.

    A row's label may be several annotators' votes: it then learns their shares (weighted by
    `class_weight`), exactly as if the row were given once per vote with weight 1/votes, so a
    message annotators disagree on teaches "either" rather than the majority's word as certain.
    """
    n, k = len(rows), len(classes)
    indices, indptr = feature_matrix(rows)
    # Only the buckets some row uses are learnt (the others keep weight 0), numbered 0.. in `local`.
    # The gradient of the weights sums each bucket's rows: with the buckets sorted, one gather and
    # one reduceat (a bincount per class reads the gradient column by column, in float64).
    by_bucket = np.argsort(indices, kind="stable")
    used, starts = np.unique(indices[by_bucket], return_index=True)
    local = np.searchsorted(used, indices)
    rows_by_bucket = np.repeat(np.arange(n), np.diff(indptr))[by_bucket]
    column = {c: i for i, c in enumerate(classes)}
    weight = class_weight or {}
    Y = np.zeros((n, k), dtype=np.float64)
    sw = np.zeros(n)
    for i, label in enumerate(labels):
        votes = (label,) if isinstance(label, str) else label
        for vote in votes:
            Y[i, column[vote]] += weight.get(vote, 1.0)
        sw[i] = Y[i].sum() / len(votes)
        Y[i] /= Y[i].sum()
    # float32 throughout: the models are used in float32, and gathering the rows' weights (the
    # bulk of an epoch) moves half the bytes; training is about twice as fast as in float64.
    Y = Y.astype(np.float32)
    sw = (sw / sw.mean() / n).astype(np.float32)
    W = np.zeros((len(used), k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, epochs + 1):
        logits = np.add.reduceat(W[local], indptr[:-1], axis=0) + b
        logits -= logits.max(axis=1, keepdims=True)
        P = np.exp(logits)
        P /= P.sum(axis=1, keepdims=True)
        G = (P - Y) * sw[:, None]
        gW = np.add.reduceat(G[rows_by_bucket], starts, axis=0) + l2 * W
        gb = G.sum(axis=0)
        mW = beta1 * mW + (1 - beta1) * gW
        vW = beta2 * vW + (1 - beta2) * gW * gW
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb * gb
        c1, c2 = 1 - beta1**t, 1 - beta2**t
        W -= (lr / c1) * mW / (np.sqrt(vW / c2) + eps)
        b -= (lr / c1) * mb / (np.sqrt(vb / c2) + eps)
    weights = np.zeros((BUCKETS, k), dtype=np.float32)
    weights[used] = W
    return LinearModel(classes, weights, b)


def save(models: dict[str, LinearModel], path: str) -> None:
    """Store several models in one compressed .npz (weights as float16, zero rows dropped)."""
    arrays: dict[str, np.ndarray] = {}
    for name, m in models.items():
        used = np.flatnonzero(np.abs(m.weights).max(axis=1) > 1e-4)
        arrays[f"{name}.rows"] = used.astype(np.int32)
        arrays[f"{name}.weights"] = m.weights[used].astype(np.float16)
        arrays[f"{name}.bias"] = m.bias.astype(np.float32)
        arrays[f"{name}.classes"] = np.array(m.classes)
        arrays[f"{name}.threshold"] = np.array([m.default_threshold], dtype=np.float32)
        arrays[f"{name}.floor"] = np.array([m.last_floor], dtype=np.float32)
        if m.prior is not None:
            arrays[f"{name}.prior"] = m.prior.astype(np.float64)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # NumPy's stub takes a name for a keyword


def load(data: dict[str, np.ndarray], name: str) -> LinearModel:
    classes = [str(c) for c in data[f"{name}.classes"]]
    W = np.zeros((BUCKETS, len(classes)), dtype=np.float32)
    W[data[f"{name}.rows"]] = data[f"{name}.weights"].astype(np.float32)
    threshold = float(data[f"{name}.threshold"][0]) if f"{name}.threshold" in data else 0.5
    floor = float(data[f"{name}.floor"][0]) if f"{name}.floor" in data else 1.0
    prior = data[f"{name}.prior"].astype(np.float64) if f"{name}.prior" in data else None
    return LinearModel(classes, W, data[f"{name}.bias"].astype(np.float32), threshold, floor, prior)
