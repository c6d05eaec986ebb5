//! The BERT body for inference on the CPU: the same computation as
//! `candle_transformers::models::bert::BertModel` (a test checks the hidden states agree),
//! with fewer passes over the attention scores: query, key and value in one matrix product,
//! the 1/√d scale folded into the query weights, padding masked inside a one-pass softmax,
//! and bias + GELU in one pass (both with a polynomial exp instead of libm's).

use std::collections::HashMap;

use candle_core::{CpuStorage, CustomOp1, InplaceOp1, Layout, Shape, Tensor};
use serde::Deserialize;

use crate::kernels::{self, Activation};
use crate::quantized::{quantise_rows, QuantLinear};
use crate::weights::Int8Rows;

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

/// A dense layer `x · Wᵀ + b`.
enum Linear {
    /// f32 weights, transposed [inputs, outputs] for candle's matmul.
    F32 {
        weight_t: Tensor,
        bias: Tensor,
        bias_values: Vec<f32>,
    },
    /// int8 weights, int8 activations (see [`crate::quantized`]).
    Int8(QuantLinear),
}

impl Linear {
    /// `activation(x · Wᵀ + b)` of `x` [rows, inputs].
    fn forward(&self, x: &Tensor, activation: Option<Activation>) -> candle_core::Result<Tensor> {
        match self {
            Linear::F32 {
                weight_t,
                bias,
                bias_values,
            } => {
                let y = x.matmul(weight_t)?;
                match activation {
                    None => y.broadcast_add(bias),
                    Some(activation) => {
                        y.inplace_op1(&BiasActivation {
                            bias: bias_values,
                            activation,
                        })?;
                        Ok(y)
                    }
                }
            }
            Linear::Int8(layer) => x.apply_op1_no_bwd(&Int8Product { layer, activation }),
        }
    }
}

struct LayerWeights {
    /// Query (pre-scaled by 1/√d), key and value in one layer: [3·hidden] outputs.
    qkv: Linear,
    attention_out: Linear,
    attention_norm: (Tensor, Tensor),
    intermediate: Linear,
    output: Linear,
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
    /// `bert.` prefix is accepted), with f32 matrix products. Errors name the missing or
    /// misshapen tensor.
    pub fn from_tensors(
        tensors: &HashMap<String, Tensor>,
        config: &BertConfig,
    ) -> Result<Bert, String> {
        Bert::build(tensors, None, config)
    }

    /// Like [`Bert::from_tensors`], with int8 matrix products in the dense layers: the int8
    /// tensors of `int8` as stored, the other dense weights quantised per row here.
    pub fn from_tensors_int8(
        tensors: &HashMap<String, Tensor>,
        int8: &HashMap<String, Int8Rows>,
        config: &BertConfig,
    ) -> Result<Bert, String> {
        Bert::build(tensors, Some(int8), config)
    }

    fn build(
        tensors: &HashMap<String, Tensor>,
        int8: Option<&HashMap<String, Int8Rows>>,
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
        // A dense layer from weight parts stacked along the outputs (query, key, value),
        // each [outputs, inputs] with its bias and a factor folded into both.
        let dense =
            |parts: &[(&str, f64)], outputs: usize, inputs: usize| -> Result<Linear, String> {
                let mut biases = Vec::new();
                for &(name, factor) in parts {
                    let b = (get(&format!("{name}.bias"), &[outputs])? * factor).map_err(e)?;
                    biases.push(b.to_vec1::<f32>().map_err(e)?);
                }
                let bias: Vec<f32> = biases.concat();
                if let Some(int8) = int8 {
                    let (mut values, mut scales) = (Vec::new(), Vec::new());
                    for &(name, factor) in parts {
                        let full = format!("{prefix}{name}.weight");
                        let (q, s) = match int8.get(&full) {
                            Some(rows) if rows.shape == [outputs, inputs] => {
                                (rows.values.clone(), rows.scales.clone())
                            }
                            _ => {
                                let w = get(&format!("{name}.weight"), &[outputs, inputs])?;
                                let w = w.flatten_all().and_then(|w| w.to_vec1()).map_err(e)?;
                                quantise_rows(&w, inputs)
                            }
                        };
                        values.extend(q);
                        scales.extend(s.iter().map(|&s| (f64::from(s) * factor) as f32));
                    }
                    let layer =
                        QuantLinear::new(&values, &scales, &bias, parts.len() * outputs, inputs)?;
                    return Ok(Linear::Int8(layer));
                }
                let mut weights = Vec::new();
                for &(name, factor) in parts {
                    let w = get(&format!("{name}.weight"), &[outputs, inputs])?;
                    weights.push((w * factor).map_err(e)?);
                }
                let weight = Tensor::cat(&weights, 0).map_err(e)?;
                let len = bias.len();
                Ok(Linear::F32 {
                    weight_t: transposed(weight)?,
                    bias: Tensor::from_vec(bias.clone(), len, &candle_core::Device::Cpu)
                        .map_err(e)?,
                    bias_values: bias,
                })
            };
        let i_size = config.intermediate_size;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            let a = format!("{p}.attention.self");
            layers.push(LayerWeights {
                qkv: dense(
                    &[
                        (&format!("{a}.query"), scale),
                        (&format!("{a}.key"), 1.0),
                        (&format!("{a}.value"), 1.0),
                    ],
                    h,
                    h,
                )?,
                attention_out: dense(&[(&format!("{p}.attention.output.dense"), 1.0)], h, h)?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: dense(&[(&format!("{p}.intermediate.dense"), 1.0)], i_size, h)?,
                output: dense(&[(&format!("{p}.output.dense"), 1.0)], h, i_size)?,
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
            let qkv = layer.qkv.forward(&x, None)?;
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
            let attended = layer.attention_out.forward(&context, None)?;
            x = layer_norm(&(attended + &x)?, &layer.attention_norm, self.eps)?;
            let inner = layer.intermediate.forward(&x, Some(self.activation))?;
            let out = layer.output.forward(&inner, None)?;
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

/// [`QuantLinear::forward`] as a candle op on a contiguous [rows, inputs] f32 matrix.
struct Int8Product<'a> {
    layer: &'a QuantLinear,
    activation: Option<Activation>,
}

impl CustomOp1 for Int8Product<'_> {
    fn name(&self) -> &'static str {
        "int8-product"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(values) = storage else {
            candle_core::bail!("int8-product: f32 only");
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("int8-product: contiguous input only");
        };
        let x = &values[start..end];
        let inputs = self.layer.inputs();
        if inputs == 0 || x.len() % inputs != 0 {
            candle_core::bail!("int8-product: {} values for {inputs} inputs", x.len());
        }
        let rows = x.len() / inputs;
        let y = self.layer.forward(x, self.activation);
        Ok((
            CpuStorage::F32(y),
            Shape::from((rows, self.layer.outputs())),
        ))
    }
}
