//! The BERT body for inference on the CPU: the same computation as
//! `candle_transformers::models::bert::BertModel` (a test checks the hidden states agree),
//! with fewer passes over the attention scores: query, key and value in one matrix product,
//! the 1/√d scale folded into the query weights, padding masked inside a one-pass softmax,
//! and bias + GELU in one pass (both with a polynomial exp instead of libm's).

use std::collections::HashMap;

use candle_core::{CpuStorage, InplaceOp1, Layout, Tensor};
use serde::Deserialize;

use crate::kernels::{self, Activation};

/// The fields of a Hugging Face BERT config.json that inference needs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BertConfig {
    /// Vocabulary rows of the word embeddings.
    pub vocab_size: usize,
    /// Hidden width.
    pub hidden_size: usize,
    /// Transformer layers.
    pub num_hidden_layers: usize,
    /// Attention heads per layer.
    pub num_attention_heads: usize,
    /// Width of the feed-forward layer.
    pub intermediate_size: usize,
    /// `gelu` (erf), `gelu_new` / `gelu_pytorch_tanh` (tanh approximation) or `relu`.
    pub hidden_act: String,
    /// Positions the position embeddings cover.
    pub max_position_embeddings: usize,
    /// Rows of the token-type embeddings.
    pub type_vocab_size: usize,
    /// LayerNorm epsilon.
    pub layer_norm_eps: f64,
}

struct LayerWeights {
    /// [hidden, 3·hidden]: query (pre-scaled by 1/√d), key, value.
    qkv: Tensor,
    qkv_bias: Tensor,
    attention_out: Tensor,
    attention_out_bias: Tensor,
    attention_norm: (Tensor, Tensor),
    intermediate: Tensor,
    intermediate_bias: Vec<f32>,
    output: Tensor,
    output_bias: Tensor,
    output_norm: (Tensor, Tensor),
}

/// A loaded BERT body.
pub struct Bert {
    word_embeddings: Tensor,
    position_embeddings: Tensor,
    token_type_row: Tensor,
    embedding_norm: (Tensor, Tensor),
    layers: Vec<LayerWeights>,
    heads: usize,
    hidden: usize,
    eps: f32,
    activation: Activation,
}

impl Bert {
    /// Builds the body from f32 tensors named as in Hugging Face's BertModel (an optional
    /// `bert.` prefix is accepted). Errors name the missing or misshapen tensor.
    pub fn from_tensors(
        tensors: &HashMap<String, Tensor>,
        config: &BertConfig,
    ) -> Result<Bert, String> {
        let h = config.hidden_size;
        let prefix = if tensors.contains_key("bert.embeddings.word_embeddings.weight") {
            "bert."
        } else {
            ""
        };
        let get = |name: &str, shape: &[usize]| -> Result<Tensor, String> {
            let full = format!("{prefix}{name}");
            let t = tensors
                .get(&full)
                .ok_or_else(|| format!("missing tensor {full}"))?;
            if t.dims() != shape {
                return Err(format!(
                    "tensor {full} has shape {:?}, expected {shape:?}",
                    t.dims()
                ));
            }
            Ok(t.clone())
        };
        let e = |x: candle_core::Error| x.to_string();
        let transposed = |t: Tensor| t.t().and_then(|t| t.contiguous()).map_err(e);
        if config.num_attention_heads == 0 || !h.is_multiple_of(config.num_attention_heads) {
            return Err(format!(
                "hidden size {h} is not a multiple of {} heads",
                config.num_attention_heads
            ));
        }
        let activation = match config.hidden_act.as_str() {
            "gelu" => Activation::GeluErf,
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_approximate" => Activation::GeluTanh,
            "relu" => Activation::Relu,
            other => return Err(format!("unsupported hidden_act {other:?}")),
        };
        let scale = 1.0 / ((h / config.num_attention_heads) as f64).sqrt();
        let norm = |name: &str| -> Result<(Tensor, Tensor), String> {
            Ok((
                get(&format!("{name}.weight"), &[h])?,
                get(&format!("{name}.bias"), &[h])?,
            ))
        };
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            let a = format!("{p}.attention.self");
            let query = (get(&format!("{a}.query.weight"), &[h, h])? * scale).map_err(e)?;
            let query_bias = (get(&format!("{a}.query.bias"), &[h])? * scale).map_err(e)?;
            let qkv = Tensor::cat(
                &[
                    query,
                    get(&format!("{a}.key.weight"), &[h, h])?,
                    get(&format!("{a}.value.weight"), &[h, h])?,
                ],
                0,
            )
            .map_err(e)?;
            let qkv_bias = Tensor::cat(
                &[
                    query_bias,
                    get(&format!("{a}.key.bias"), &[h])?,
                    get(&format!("{a}.value.bias"), &[h])?,
                ],
                0,
            )
            .map_err(e)?;
            let i_size = config.intermediate_size;
            layers.push(LayerWeights {
                qkv: transposed(qkv)?,
                qkv_bias,
                attention_out: transposed(get(
                    &format!("{p}.attention.output.dense.weight"),
                    &[h, h],
                )?)?,
                attention_out_bias: get(&format!("{p}.attention.output.dense.bias"), &[h])?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: transposed(get(
                    &format!("{p}.intermediate.dense.weight"),
                    &[i_size, h],
                )?)?,
                intermediate_bias: get(&format!("{p}.intermediate.dense.bias"), &[i_size])?
                    .to_vec1::<f32>()
                    .map_err(e)?,
                output: transposed(get(&format!("{p}.output.dense.weight"), &[h, i_size])?)?,
                output_bias: get(&format!("{p}.output.dense.bias"), &[h])?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let token_types = get(
            "embeddings.token_type_embeddings.weight",
            &[config.type_vocab_size, h],
        )?;
        Ok(Bert {
            word_embeddings: get("embeddings.word_embeddings.weight", &[config.vocab_size, h])?,
            position_embeddings: get(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, h],
            )?,
            // Every piece has token type 0.
            token_type_row: token_types.get(0).map_err(e)?,
            embedding_norm: norm("embeddings.LayerNorm")?,
            layers,
            heads: config.num_attention_heads,
            hidden: h,
            eps: config.layer_norm_eps as f32,
            activation,
        })
    }

    /// Last hidden states [batch·len, hidden] of `ids` [batch, len]; `lengths` are the real
    /// lengths of the rows (the rest is padding, masked out of attention).
    pub fn forward(&self, ids: &Tensor, lengths: &[usize]) -> candle_core::Result<Tensor> {
        let (batch, len) = ids.dims2()?;
        let h = self.hidden;
        let flat = ids.flatten_all()?;
        let words = self.word_embeddings.index_select(&flat, 0)?;
        let positions = self.position_embeddings.narrow(0, 0, len)?;
        let embedded = words
            .reshape((batch, len, h))?
            .broadcast_add(&positions)?
            .broadcast_add(&self.token_type_row)?
            .reshape((batch * len, h))?;
        let mut x = layer_norm(&embedded, &self.embedding_norm, self.eps)?;
        if lengths.len() != batch {
            candle_core::bail!("{} lengths for {batch} rows", lengths.len());
        }
        let softmax = MaskedSoftmax {
            lengths,
            rows_per_item: self.heads * len,
            len,
        };
        let d = h / self.heads;
        for layer in &self.layers {
            let qkv = x.matmul(&layer.qkv)?.broadcast_add(&layer.qkv_bias)?;
            let qkv = qkv
                .reshape((batch, len, 3, self.heads, d))?
                .permute((2, 0, 3, 1, 4))?;
            let q = qkv.get(0)?.contiguous()?;
            let k = qkv.get(1)?.contiguous()?;
            let v = qkv.get(2)?.contiguous()?;
            let probs = q.matmul(&k.t()?)?;
            probs.inplace_op1(&softmax)?;
            let context = probs
                .matmul(&v)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((batch * len, h))?;
            let attended = context
                .matmul(&layer.attention_out)?
                .broadcast_add(&layer.attention_out_bias)?;
            x = layer_norm(&(attended + &x)?, &layer.attention_norm, self.eps)?;
            let inner = x.matmul(&layer.intermediate)?;
            inner.inplace_op1(&BiasActivation {
                bias: &layer.intermediate_bias,
                activation: self.activation,
            })?;
            let out = inner
                .matmul(&layer.output)?
                .broadcast_add(&layer.output_bias)?;
            x = layer_norm(&(out + &x)?, &layer.output_norm, self.eps)?;
        }
        Ok(x)
    }
}

fn layer_norm(x: &Tensor, (w, b): &(Tensor, Tensor), eps: f32) -> candle_core::Result<Tensor> {
    candle_nn::ops::layer_norm(x, w, b, eps)
}

/// The f32 values of a contiguous CPU tensor's storage.
fn contiguous_f32<'a>(
    storage: &'a mut CpuStorage,
    layout: &Layout,
    op: &str,
) -> candle_core::Result<&'a mut [f32]> {
    let CpuStorage::F32(values) = storage else {
        candle_core::bail!("{op}: f32 only");
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("{op}: contiguous input only");
    };
    Ok(&mut values[start..end])
}

/// `activation(x + bias)` over the rows of a contiguous [rows, width] f32 matrix, in place.
struct BiasActivation<'a> {
    bias: &'a [f32],
    activation: Activation,
}

impl InplaceOp1 for BiasActivation<'_> {
    fn name(&self) -> &'static str {
        "bias-activation"
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> candle_core::Result<()> {
        let data = contiguous_f32(storage, layout, self.name())?;
        let width = self.bias.len();
        if width == 0 || data.len() % width != 0 {
            candle_core::bail!("bias-activation: {} values for width {width}", data.len());
        }
        kernels::bias_activation(data, self.bias, self.activation);
        Ok(())
    }
}

/// Softmax over the last dimension of attention scores [batch, heads, len, len], in place,
/// each row over the first `lengths[b]` keys only (the rest, padding, get probability 0).
struct MaskedSoftmax<'a> {
    lengths: &'a [usize],
    rows_per_item: usize,
    len: usize,
}

impl InplaceOp1 for MaskedSoftmax<'_> {
    fn name(&self) -> &'static str {
        "masked-softmax"
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> candle_core::Result<()> {
        let data = contiguous_f32(storage, layout, self.name())?;
        let expected = self.lengths.len() * self.rows_per_item * self.len;
        if data.len() != expected {
            candle_core::bail!("masked-softmax: {} scores, expected {expected}", data.len());
        }
        kernels::masked_softmax(data, self.len, self.rows_per_item, self.lengths);
        Ok(())
    }
}
