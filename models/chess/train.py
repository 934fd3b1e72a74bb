#!/usr/bin/env python3
"""Trains zkinfer's chess policy and exports it as ONNX.

Input: lines of `chess-data positions` (the 290 model inputs of `ChessEncoding.sol`, then the
engine's move code). The network (everything below is what the ONNX graph computes):

    board  = inputs[0:64]                           piece codes
    x      = one_hot(board, [1..6, 9..14])          64 x 12 = 768 features (square * 12 + plane)
    h      = relu(x @ W1 + side * Ws + b1)          side = inputs[64]
    from_l = h @ Wf + bf,  to_l = h @ Wt + bt       64 origin and 64 target logits
    moves  = inputs[72:290]                         legal move codes, then zeros
    from   = moves DIV 512,  to = moves DIV 8 - 64 * from,  promo = moves - 8 * (moves DIV 8)
    score  = from_l[from] + to_l[to] + PROMOTION_BONUS * promo
    score  = where(moves == 0, MASK_SCORE, score)
    output = moves[argmax(score)]                   the chosen move code, int64 [1]

Trained with softmax cross-entropy over the legal slots (the engine's move is the target).
numpy only; seeded, so the same data gives the same weights.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INPUT_COUNT = 290
MOVES_OFFSET = 72
MAX_MOVES = 218
PLANE_CODES = np.array([1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14], dtype=np.int64)
PROMOTION_BONUS = 0.0625  # per unit of the promotion piece type: queen (5) above knight (2)
MASK_SCORE = -1000.0
OPSET = 13


def load(path):
    """(inputs int64 [N, 290], label move codes int64 [N])."""
    values = np.array(Path(path).read_text().split(), dtype=np.int64)
    rows = values.reshape(-1, INPUT_COUNT + 1)
    return rows[:, :INPUT_COUNT], rows[:, INPUT_COUNT]


def mirror(inputs, labels):
    """The colour-mirrored positions: ranks flipped, colours swapped, the other side to move.
    Chess is symmetric under this, so the mirrored engine move is a valid label (up to the
    engine's tie order)."""
    out = inputs.copy()
    board = inputs[:, :64].reshape(-1, 8, 8)[:, ::-1, :].reshape(-1, 64)
    out[:, :64] = np.where(board != 0, board ^ 8, 0)
    out[:, 64] = 1 - inputs[:, 64]
    out[:, 65:69] = inputs[:, [67, 68, 65, 66]]
    ep = inputs[:, 69]
    out[:, 69] = np.where(ep >= 0, ep ^ 56, -1)
    flip = lambda m: np.where(m != 0, m ^ (56 << 9) ^ (56 << 3), 0)
    moves = flip(inputs[:, MOVES_OFFSET:])
    # Ascending with the zeros last, as on chain.
    moves = np.sort(np.where(moves == 0, 1 << 20, moves), axis=1)
    out[:, MOVES_OFFSET:] = np.where(moves == 1 << 20, 0, moves)
    return out, flip(labels)


class Batch:
    """Everything the forward pass needs from raw inputs."""

    def __init__(self, inputs, labels=None):
        board = inputs[:, :64]
        self.x = (board[:, :, None] == PLANE_CODES[None, None, :]).reshape(len(inputs), 768).astype(np.float32)
        self.side = inputs[:, 64].astype(np.float32)
        moves = inputs[:, MOVES_OFFSET:]
        self.moves = moves
        self.valid = moves != 0
        self.frm = moves // 512
        self.to = moves // 8 - 64 * self.frm
        self.promo = (moves - 8 * (moves // 8)).astype(np.float32)
        if labels is not None:
            hit = moves == labels[:, None]
            if not hit.any(axis=1).all():
                raise ValueError("a label is not among its position's legal moves")
            self.target = hit.argmax(axis=1)

    def take(self, idx):
        b = Batch.__new__(Batch)
        for k, v in self.__dict__.items():
            setattr(b, k, v[idx])
        return b


def init(rng, hidden):
    he = lambda fan_in, shape: (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    return {
        "w1": he(768, (768, hidden)) * 0.5,
        "side": np.zeros(hidden, np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": (rng.standard_normal((hidden, 128)) * np.sqrt(1.0 / hidden)).astype(np.float32),
        "b2": np.zeros(128, np.float32),
    }


def forward(p, b):
    z1 = b.x @ p["w1"] + b.side[:, None] * p["side"][None, :] + p["b1"]
    h = np.maximum(z1, 0.0)
    o = h @ p["w2"] + p["b2"]
    s = (
        np.take_along_axis(o[:, :64], b.frm, axis=1)
        + np.take_along_axis(o[:, 64:], b.to, axis=1)
        + PROMOTION_BONUS * b.promo
    )
    return z1, h, s


def masked(b, s, fill):
    return np.where(b.valid, s, np.float32(fill))


def loss_and_grads(p, b, weight_decay):
    n = len(b.x)
    z1, h, s = forward(p, b)
    s = masked(b, s, -1e9)
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    prob = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(prob[np.arange(n), b.target] + 1e-12).mean()
    g = prob
    g[np.arange(n), b.target] -= 1.0
    g = np.where(b.valid, g, 0.0).astype(np.float32) / n
    rows = np.repeat(np.arange(n), MAX_MOVES)
    d_from = np.bincount(rows * 64 + b.frm.ravel(), weights=g.ravel(), minlength=n * 64).reshape(n, 64)
    d_to = np.bincount(rows * 64 + b.to.ravel(), weights=g.ravel(), minlength=n * 64).reshape(n, 64)
    do = np.concatenate([d_from, d_to], axis=1).astype(np.float32)
    grads = {"w2": h.T @ do, "b2": do.sum(axis=0)}
    dz = (do @ p["w2"].T) * (z1 > 0)
    grads["w1"] = b.x.T @ dz
    grads["side"] = b.side @ dz
    grads["b1"] = dz.sum(axis=0)
    for k in ("w1", "w2"):
        grads[k] = grads[k] + weight_decay * p[k]
    return loss, grads


def predict_slots(p, b):
    """ArgMax as ONNX computes it: padded slots at MASK_SCORE, first maximum wins."""
    _, _, s = forward(p, b)
    return masked(b, s, MASK_SCORE).argmax(axis=1)


def accuracy(p, b):
    return float((predict_slots(p, b) == b.target).mean())


def train(p, data, args, rng, log):
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(x) for k, x in p.items()}
    step = 0
    n = len(data.x)
    for epoch in range(args.epochs):
        order = rng.permutation(n)
        total = 0.0
        lr = args.lr * (0.5 * (1 + np.cos(np.pi * epoch / args.epochs)))
        for start in range(0, n, args.batch):
            b = data.take(order[start : start + args.batch])
            loss, grads = loss_and_grads(p, b, args.weight_decay)
            total += loss * len(b.x)
            step += 1
            for k in p:
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
                mh = m[k] / (1 - 0.9**step)
                vh = v[k] / (1 - 0.999**step)
                p[k] = (p[k] - lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        log(f"epoch {epoch + 1}/{args.epochs}: loss {total / n:.4f}, lr {lr:.5f}")
    return p


def export_onnx(p, path):
    hidden = p["w1"].shape[1]
    i64 = lambda name, values: numpy_helper.from_array(np.array(values, dtype=np.int64), name)
    f32 = lambda name, values: numpy_helper.from_array(np.asarray(values, dtype=np.float32), name)
    inits = [
        i64("board_idx", np.arange(64)),
        i64("side_idx", [64]),
        i64("moves_idx", np.arange(MOVES_OFFSET, INPUT_COUNT)),
        i64("plane_codes", PLANE_CODES.reshape(1, 1, 12)),
        i64("shape_board", [1, 64, 1]),
        i64("shape_x", [1, 768]),
        i64("shape_64", [64]),
        i64("shape_moves", [MAX_MOVES]),
        f32("w1", p["w1"]),
        f32("b1", p["b1"]),
        f32("w_side", p["side"].reshape(1, hidden)),
        f32("w_from", p["w2"][:, :64]),
        f32("b_from", p["b2"][:64]),
        f32("w_to", p["w2"][:, 64:]),
        f32("b_to", p["b2"][64:]),
        i64("c512", 512),
        i64("c8", 8),
        i64("c64", 64),
        i64("c0", 0),
        f32("promotion_bonus", PROMOTION_BONUS),
        f32("mask_score", MASK_SCORE),
    ]
    n = helper.make_node
    nodes = [
        # Board planes.
        n("Gather", ["input", "board_idx"], ["board"], axis=1),
        n("Reshape", ["board", "shape_board"], ["board_col"]),
        n("Equal", ["board_col", "plane_codes"], ["planes_bool"]),
        n("Cast", ["planes_bool"], ["planes"], to=TensorProto.FLOAT),
        n("Reshape", ["planes", "shape_x"], ["x"]),
        n("Gather", ["input", "side_idx"], ["side"], axis=1),
        n("Cast", ["side"], ["side_f"], to=TensorProto.FLOAT),
        # Hidden layer.
        n("Gemm", ["x", "w1", "b1"], ["z1"]),
        n("Gemm", ["side_f", "w_side"], ["side_term"]),  # [1, 1] x [1, hidden]
        n("Add", ["z1", "side_term"], ["z1s"]),
        n("Relu", ["z1s"], ["h"]),
        # Origin and target logits.
        n("Gemm", ["h", "w_from", "b_from"], ["from_logits2"]),
        n("Gemm", ["h", "w_to", "b_to"], ["to_logits2"]),
        n("Reshape", ["from_logits2", "shape_64"], ["from_logits"]),
        n("Reshape", ["to_logits2", "shape_64"], ["to_logits"]),
        # Squares of the listed moves (integer division by constants).
        n("Gather", ["input", "moves_idx"], ["moves"], axis=1),
        n("Div", ["moves", "c512"], ["from_sq"]),
        n("Div", ["moves", "c8"], ["code_div8"]),
        n("Mul", ["from_sq", "c64"], ["from_x64"]),
        n("Sub", ["code_div8", "from_x64"], ["to_sq"]),
        n("Mul", ["code_div8", "c8"], ["code_floor8"]),
        n("Sub", ["moves", "code_floor8"], ["promo"]),
        # Slot scores.
        n("Gather", ["from_logits", "from_sq"], ["from_score"], axis=0),
        n("Gather", ["to_logits", "to_sq"], ["to_score"], axis=0),
        n("Add", ["from_score", "to_score"], ["pair_score"]),
        n("Cast", ["promo"], ["promo_f"], to=TensorProto.FLOAT),
        n("Mul", ["promo_f", "promotion_bonus"], ["promo_score"]),
        n("Add", ["pair_score", "promo_score"], ["score"]),
        n("Equal", ["moves", "c0"], ["padding"]),
        n("Where", ["padding", "mask_score", "score"], ["masked_score"]),
        # The chosen move.
        n("ArgMax", ["masked_score"], ["slot"], axis=1, keepdims=0),
        n("Reshape", ["moves", "shape_moves"], ["move_list"]),
        n("Gather", ["move_list", "slot"], ["move"], axis=0),
    ]
    graph = helper.make_graph(
        nodes,
        "zkinfer_chess_policy",
        [helper.make_tensor_value_info("input", TensorProto.INT64, [1, INPUT_COUNT])],
        [helper.make_tensor_value_info("move", TensorProto.INT64, [1])],
        inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="zkinfer models/chess/train.py",
    )
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    return model


def check_onnx(path, p, inputs, log):
    """Runs the exported model on positions and compares with the numpy forward pass."""
    b = Batch(inputs)
    want = b.moves[np.arange(len(inputs)), predict_slots(p, b)]
    try:
        import onnxruntime as ort
    except ImportError:
        log("onnxruntime not installed: ONNX output not executed")
        return
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = np.array([sess.run(None, {"input": row[None, :]})[0][0] for row in inputs])
    if got.shape != want.shape or not (got == want).all():
        raise SystemExit(f"onnxruntime and numpy disagree on {(got != want).sum()} of {len(want)} positions")
    legal = (b.moves == got[:, None]).any(axis=1) & (got != 0)
    if not legal.all():
        raise SystemExit("the ONNX output is not a listed legal move")
    log(f"onnxruntime: {len(got)} positions, output equal to the numpy forward pass, all legal moves")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--input-json", required=True, help="EZKL-style input of the start position")
    ap.add_argument("--onnx", default="models/chess/policy.onnx")
    ap.add_argument("--weights-json", default="target/chess/policy-weights.json")
    ap.add_argument("--metrics-json", default="target/chess/metrics.json")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-mirror", dest="mirror", action="store_false", help="no colour-mirrored copies")
    args = ap.parse_args()

    t0 = time.time()
    log = lambda msg: print(f"[{time.time() - t0:6.1f}s] {msg}", flush=True)
    rng = np.random.default_rng(args.seed)
    train_x, train_y = load(args.train)
    test_x, test_y = load(args.test)
    positions = len(train_x)
    if args.mirror:
        mx, my = mirror(train_x, train_y)
        train_x, train_y = np.concatenate([train_x, mx]), np.concatenate([train_y, my])
    train_b, test_b = Batch(train_x, train_y), Batch(test_x, test_y)
    log(f"data: {positions} training positions ({len(train_x)} with mirrored copies), {len(test_x)} held-out positions")

    p = init(rng, args.hidden)
    t_train = time.time()
    p = train(p, train_b, args, rng, log)
    train_seconds = time.time() - t_train
    metrics = {
        "training_positions": positions,
        "training_examples_with_mirrors": len(train_x),
        "held_out_positions": len(test_x),
        "hidden": args.hidden,
        "epochs": args.epochs,
        "train_seconds": round(train_seconds, 1),
        "train_top1": accuracy(p, train_b),
        "held_out_top1": accuracy(p, test_b),
        "held_out_mean_legal_moves": float(test_b.valid.sum(axis=1).mean()),
        "held_out_uniform_top1": float((1.0 / test_b.valid.sum(axis=1)).mean()),
    }
    log(f"top-1 agreement with the engine: train {metrics['train_top1']:.3f}, held-out {metrics['held_out_top1']:.3f}")

    Path(args.onnx).parent.mkdir(parents=True, exist_ok=True)
    export_onnx(p, args.onnx)
    metrics["onnx_bytes"] = Path(args.onnx).stat().st_size
    log(f"{args.onnx}: {metrics['onnx_bytes']} bytes, onnx.checker passed")
    check_onnx(args.onnx, p, test_x[:500], log)

    start = json.loads(Path(args.input_json).read_text())["input_data"][0]
    if len(start) != INPUT_COUNT:
        raise SystemExit(f"{args.input_json}: {len(start)} inputs")
    check_onnx(args.onnx, p, np.array([start], dtype=np.int64), log)

    weights = {
        "hidden": args.hidden,
        "w1": p["w1"].ravel().tolist(),
        "side": p["side"].tolist(),
        "b1": p["b1"].tolist(),
        "w2": p["w2"].ravel().tolist(),
        "b2": p["b2"].tolist(),
        "promotion_bonus": PROMOTION_BONUS,
    }
    Path(args.weights_json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.weights_json).write_text(json.dumps(weights))
    Path(args.metrics_json).write_text(json.dumps(metrics, indent=2) + "\n")
    log(f"{args.weights_json} and {args.metrics_json} written")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
