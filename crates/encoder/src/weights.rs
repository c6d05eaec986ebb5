//! model.safetensors → f32 candle tensors: int8 rows are dequantised with their `.scale`
//! companions, F16/BF16 are upcast, so the model always runs in f32.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use safetensors::{Dtype, SafeTensors};

use crate::EncoderError;

/// Suffix of the per-row scale of an int8 tensor.
pub const SCALE_SUFFIX: &str = ".scale";

/// An int8 tensor as stored: row-major values and one scale per row (first dimension).
#[derive(Debug, Clone, PartialEq)]
pub struct Int8Rows {
    /// Shape of the tensor.
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub values: Vec<i8>,
    /// One per row.
    pub scales: Vec<f32>,
}

/// Every tensor of a safetensors buffer as f32 (int8 ones dequantised: value[r, c] =
/// q[r, c] · scale[r]). `origin` names the file in errors.
pub fn load_f32_tensors(
    bytes: &[u8],
    origin: &Path,
    device: &Device,
) -> Result<HashMap<String, Tensor>, EncoderError> {
    Ok(load_tensors(bytes, origin, device)?.0)
}

/// Like [`load_f32_tensors`], and also the int8 tensors as stored (for int8 matrix products).
#[allow(clippy::type_complexity)]
pub fn load_tensors(
    bytes: &[u8],
    origin: &Path,
    device: &Device,
) -> Result<(HashMap<String, Tensor>, HashMap<String, Int8Rows>), EncoderError> {
    let fail = |reason: String| EncoderError::Model {
        path: origin.to_path_buf(),
        reason,
    };
    let file =
        SafeTensors::deserialize(bytes).map_err(|e| fail(format!("not safetensors: {e}")))?;
    let mut out = HashMap::new();
    let mut int8 = HashMap::new();
    for (name, view) in file.tensors() {
        if name.ends_with(SCALE_SUFFIX) && view.dtype() == Dtype::F32 {
            let base = &name[..name.len() - SCALE_SUFFIX.len()];
            if file.tensor(base).is_ok_and(|t| t.dtype() == Dtype::I8) {
                continue; // read with its int8 tensor
            }
        }
        let shape = view.shape().to_vec();
        let data = view.data();
        let values: Vec<f32> = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F16 => data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::BF16 => data
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::I8 => {
                let scale_name = format!("{name}{SCALE_SUFFIX}");
                let scale = file
                    .tensor(&scale_name)
                    .map_err(|_| fail(format!("int8 tensor {name} has no {scale_name}")))?;
                let rows = shape.first().copied().unwrap_or(1).max(1);
                if scale.dtype() != Dtype::F32 || scale.data().len() != rows * 4 {
                    return Err(fail(format!(
                        "{scale_name} must be F32 with {rows} values (one per row of {name})"
                    )));
                }
                let scales: Vec<f32> = scale
                    .data()
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                let cols = data.len() / rows;
                let values: Vec<i8> = data.iter().map(|&q| q as i8).collect();
                let dequantised = values
                    .iter()
                    .enumerate()
                    .map(|(i, &q)| f32::from(q) * scales[i / cols.max(1)])
                    .collect();
                int8.insert(
                    name.clone(),
                    Int8Rows {
                        shape: shape.clone(),
                        values,
                        scales,
                    },
                );
                dequantised
            }
            other => {
                return Err(fail(format!(
                    "tensor {name} has dtype {other:?} (expected F32, F16, BF16 or I8)"
                )))
            }
        };
        let tensor = Tensor::from_vec(values, shape, device)
            .map_err(|e| fail(format!("tensor {name}: {e}")))?;
        out.insert(name, tensor);
    }
    Ok((out, int8))
}
