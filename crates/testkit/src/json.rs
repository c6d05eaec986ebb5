//! Comparing JSON outputs of two backends that should agree up to float rounding.

use serde_json::Value;

/// Differences between two JSON values: integers, strings and structure must be equal,
/// floats within `tolerance`. Returns the worst float difference, or the first difference
/// with its path (`graph.links[3].confidence`).
pub fn compare_json(path: &str, a: &Value, b: &Value, tolerance: f64) -> Result<f64, String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            let difference = (x - y).abs();
            if difference <= tolerance {
                Ok(difference)
            } else {
                Err(format!("{path}: {x} vs {y}"))
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Err(format!("{path}: {} vs {} entries", x.len(), y.len()));
            }
            let mut worst = 0.0f64;
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                worst = worst.max(compare_json(&format!("{path}[{i}]"), x, y, tolerance)?);
            }
            Ok(worst)
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys_x: Vec<&String> = x.keys().collect();
            let keys_y: Vec<&String> = y.keys().collect();
            if keys_x != keys_y {
                return Err(format!("{path}: keys {keys_x:?} vs {keys_y:?}"));
            }
            let mut worst = 0.0f64;
            for (key, x) in x {
                worst = worst.max(compare_json(
                    &format!("{path}.{key}"),
                    x,
                    &y[key],
                    tolerance,
                )?);
            }
            Ok(worst)
        }
        _ if a == b => Ok(0.0),
        _ => Err(format!("{path}: {a} vs {b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_within_the_tolerance_agree_anything_else_must_be_equal() {
        let a = json!({"x": [1, "a", 0.5], "y": 0.25});
        let close = json!({"x": [1, "a", 0.5004], "y": 0.25});
        let worst = compare_json("d", &a, &close, 1e-3).expect("within tolerance");
        assert!((worst - 0.0004).abs() < 1e-9);
        let far = json!({"x": [1, "a", 0.6], "y": 0.25});
        assert_eq!(
            compare_json("d", &a, &far, 1e-3),
            Err("d.x[2]: 0.5 vs 0.6".to_string())
        );
        let text = json!({"x": [1, "b", 0.5], "y": 0.25});
        assert!(compare_json("d", &a, &text, 1e-3).is_err());
        let keys = json!({"x": [1, "a", 0.5]});
        assert!(compare_json("d", &a, &keys, 1e-3).is_err());
    }
}
